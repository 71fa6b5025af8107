import { describe, expect, it } from "vitest";
import { loadConfig, type EnvironmentInput } from "../../config";
import { withEnv, rejection } from "../helpers/config";

type DatabaseInput = NonNullable<EnvironmentInput["database"]>;

/** The error message for the shipped config with one environment's database edited. */
function failure(
  env: "dev" | "prod",
  edit: (db: DatabaseInput & Record<string, unknown>) => void,
): string {
  const input = withEnv(env, (e) => {
    if (e.database === undefined) throw new Error("shipped environment without database");
    edit(e.database);
  });
  return rejection(input);
}

describe("database validation rules", () => {
  const cases: [
    string,
    "dev" | "prod",
    (db: DatabaseInput & Record<string, unknown>) => void,
    RegExp,
  ][] = [
    [
      "db.serverless without serverless settings",
      "prod",
      (db) => (db.instanceClass = "db.serverless"),
      /environments\.prod\.database\.serverless: is required with instanceClass "db\.serverless": give minCapacity and maxCapacity \(ACU\)/,
    ],
    [
      "serverless settings with a provisioned class",
      "prod",
      (db) => (db.serverless = { minCapacity: 0.5, maxCapacity: 4 }),
      /environments\.prod\.database\.instanceClass: "db\.r6g\.large" is provisioned, but serverless settings are given/,
    ],
    [
      "db.serverless on RDS PostgreSQL",
      "dev",
      (db) => (db.instanceClass = "db.serverless"),
      /environments\.dev\.database\.instanceClass: "db\.serverless" is not an RDS instance class; use e\.g\. "db\.t4g\.micro" \(db\.serverless is Aurora only\)/,
    ],
    [
      "instance class too small for Aurora",
      "prod",
      (db) => (db.instanceClass = "db.t4g.micro"),
      /environments\.prod\.database\.instanceClass: "db\.t4g\.micro" is too small for Aurora PostgreSQL/,
    ],
    [
      "not an instance class",
      "prod",
      (db) => (db.instanceClass = "r6g.large"),
      /environments\.prod\.database\.instanceClass: "r6g\.large" is not an instance class/,
    ],
    [
      "more than 15 readers",
      "prod",
      (db) => (db.readers = 16),
      /environments\.prod\.database\.readers: got 16: Too big: expected number to be <=15/,
    ],
    [
      "ACU minimum above maximum",
      "prod",
      (db) =>
        Object.assign(db, {
          instanceClass: "db.serverless",
          serverless: { minCapacity: 8, maxCapacity: 4 },
        }),
      /environments\.prod\.database\.serverless\.maxCapacity: 4 is below minCapacity \(8\)/,
    ],
    [
      "ACU outside 0..256",
      "prod",
      (db) =>
        Object.assign(db, {
          instanceClass: "db.serverless",
          serverless: { minCapacity: 0.5, maxCapacity: 300 },
        }),
      /environments\.prod\.database\.serverless\.maxCapacity: 300 must be 1\.\.256 ACU in steps of 0\.5/,
    ],
    [
      "ACU not in half steps",
      "prod",
      (db) =>
        Object.assign(db, {
          instanceClass: "db.serverless",
          serverless: { minCapacity: 0.3, maxCapacity: 4 },
        }),
      /environments\.prod\.database\.serverless\.minCapacity: 0\.3 must be 0\.\.256 ACU in steps of 0\.5/,
    ],
    [
      "auto-pause on an engine version that cannot pause",
      "prod",
      (db) =>
        Object.assign(db, {
          engineVersion: "16.2",
          instanceClass: "db.serverless",
          serverless: { minCapacity: 0, maxCapacity: 4 },
        }),
      /environments\.prod\.database\.serverless\.minCapacity: 0 \(auto-pause\) needs Aurora PostgreSQL 13\.15, 14\.12, 15\.7, 16\.3, 17\.4 or later; engineVersion is "16\.2"/,
    ],
    [
      "backup retention outside 1..35",
      "dev",
      (db) => (db.backup = { retentionDays: 36 }),
      /environments\.dev\.database\.backup\.retentionDays: got 36: Too big: expected number to be <=35/,
    ],
    [
      "backup retention under 7 days in production",
      "prod",
      (db) => (db.backup = { retentionDays: 3 }),
      /environments\.prod\.database\.backup\.retentionDays: 3 is too short for production; keep at least 7 days/,
    ],
    [
      "deletion protection off in production",
      "prod",
      (db) => (db.deletionProtection = false),
      /environments\.prod\.database\.deletionProtection: false is not allowed in production/,
    ],
    [
      "prevent_destroy off in production",
      "prod",
      (db) => (db.preventDestroy = false),
      /environments\.prod\.database\.preventDestroy: false is not allowed in production/,
    ],
    [
      "final snapshot skipped in production",
      "prod",
      (db) => (db.skipFinalSnapshot = true),
      /environments\.prod\.database\.skipFinalSnapshot: true is not allowed in production: the final snapshot is the last copy/,
    ],
    [
      "production Aurora without a reader",
      "prod",
      (db) => {
        db.readers = 0;
        delete db.readerAutoscaling;
      },
      /environments\.prod\.database\.readers: 0: production needs at least one reader in another AZ/,
    ],
    [
      "reader autoscaling ceiling below the fixed readers",
      "prod",
      (db) => (db.readerAutoscaling = { minReaders: 0, maxReaders: 0 }),
      /environments\.prod\.database\.readerAutoscaling\.maxReaders: got 0: Too small: expected number to be >=1/,
    ],
    [
      "reader autoscaling minimum above maximum",
      "prod",
      (db) => (db.readerAutoscaling = { minReaders: 4, maxReaders: 2 }),
      /environments\.prod\.database\.readerAutoscaling\.minReaders: 4 is above maxReaders \(2\)/,
    ],
    [
      "reader autoscaling below the fixed readers",
      "prod",
      (db) =>
        Object.assign(db, { readers: 3, readerAutoscaling: { minReaders: 1, maxReaders: 2 } }),
      /environments\.prod\.database\.readerAutoscaling\.maxReaders: 2 is below the 3 fixed readers/,
    ],
    [
      "unsupported engine version",
      "dev",
      (db) => (db.engineVersion = "9.6"),
      /environments\.dev\.database\.engineVersion: "9\.6" is not a postgres version this platform supports; use a major of 13, 14, 15, 16, 17/,
    ],
    [
      "RDS minor version pinned while AWS upgrades minors",
      "dev",
      (db) => (db.engineVersion = "16.4"),
      /environments\.dev\.database\.engineVersion: "16\.4" pins a minor while autoMinorVersionUpgrade is on: .* Give the major only \("16"\)/,
    ],
    [
      "Aurora version without a minor",
      "prod",
      (db) => (db.engineVersion = "16"),
      /environments\.prod\.database\.engineVersion: "16" needs a minor version for Aurora, e\.g\. "16\.\d+"/,
    ],
    [
      "database name RDS rejects",
      "dev",
      (db) => (db.databaseName = "my-app"),
      /environments\.dev\.database\.databaseName: "my-app" is not a database name RDS accepts/,
    ],
    [
      "reserved database name",
      "dev",
      (db) => (db.databaseName = "postgres"),
      /environments\.dev\.database\.databaseName: "postgres" is not a database name RDS accepts: .*and not postgres, template0/,
    ],
    [
      "reserved master user name",
      "dev",
      (db) => (db.masterUsername = "rdsadmin"),
      /environments\.dev\.database\.masterUsername: "rdsadmin" is not a master user name RDS accepts/,
    ],
    [
      "backup window too short",
      "dev",
      (db) => (db.backup = { retentionDays: 7, window: "16:00-16:15" }),
      /environments\.dev\.database\.backup\.window: "16:00-16:15" must last at least 30 minutes/,
    ],
    [
      "maintenance window malformed",
      "dev",
      (db) => (db.maintenanceWindow = "sunday 17:00"),
      /environments\.dev\.database\.maintenanceWindow: "sunday 17:00" must be ddd:hh:mm-ddd:hh:mm in UTC/,
    ],
    [
      "enhanced monitoring interval RDS does not offer",
      "dev",
      (db) => (db.monitoringIntervalSeconds = 20),
      /environments\.dev\.database\.monitoringIntervalSeconds: 20 is not allowed; use one of 0, 1, 5, 10, 15, 30, 60/,
    ],
    [
      "Performance Insights retention not 7 or a multiple of 31",
      "prod",
      (db) => (db.performanceInsights = { enabled: true, retentionDays: 30 }),
      /environments\.prod\.database\.performanceInsights\.retentionDays: 30 is not allowed; use 7 or a multiple of 31 up to 731/,
    ],
    [
      "storage autoscaling ceiling too close to the allocation",
      "dev",
      (db) => Object.assign(db, { allocatedStorageGb: 100, maxAllocatedStorageGb: 105 }),
      /environments\.dev\.database\.maxAllocatedStorageGb: 105 must be 0 \(no autoscaling\) or at least 10% above allocatedStorageGb \(100\)/,
    ],
    [
      "single-AZ RDS in production",
      "prod",
      (db) => {
        Object.assign(db, { engine: "postgres", instanceClass: "db.m6g.large" });
        delete db.readers;
        delete db.readerAutoscaling;
      },
      /environments\.prod\.database\.multiAz: false: production needs a Multi-AZ standby/,
    ],
    [
      "Aurora-only settings on RDS PostgreSQL",
      "dev",
      (db) => (db.readers = 1),
      /environments\.dev\.database\.readers: "readers" is not a setting with engine "postgres"; it applies only with engine "aurora-postgresql" \(settings here: engineVersion, .*multiAz\)/,
    ],
    [
      "port outside the RDS range",
      "dev",
      (db) => (db.port = 80),
      /environments\.dev\.database\.port: 80 is not allowed; RDS PostgreSQL ports are 1150\.\.65535/,
    ],
  ];

  it.each(cases)("%s", (_name, env, edit, message) => {
    expect(failure(env, edit)).toMatch(message);
  });

  it("lets a non-production environment relax every data-safety setting explicitly", () => {
    const input = withEnv("dev", (e) => {
      if (e.database === undefined) return;
      Object.assign(e.database, {
        backup: { retentionDays: 1 },
        deletionProtection: false,
        preventDestroy: false,
        skipFinalSnapshot: true,
      });
    });
    expect(loadConfig(input).environments.dev.database).toMatchObject({
      skipFinalSnapshot: true,
      backup: { retentionDays: 1 },
    });
  });
});
