import {
  END_OF_STANDARD_SUPPORT,
  RDS_ENGINE_VERSIONS,
  RDS_INSTANCE_CLASSES,
  instanceClassHint,
  majorsOf,
} from "../../config/aws-catalog/rds";
import { show, type Issue } from "../../lib/validation";
import type { DatabaseSettings, ServerlessV2Settings } from "./settings";

/** PostgreSQL majors this module builds parameter groups for (those of the catalog). */
export const SUPPORTED_MAJORS: readonly number[] = majorsOf("postgres");
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** Oldest Aurora PostgreSQL minor per major that can scale to 0 ACU (auto-pause). */
const AUTO_PAUSE_MINIMUM: Readonly<Record<number, number>> = {
  13: 15,
  14: 12,
  15: 7,
  16: 3,
  17: 4,
};

// Names PostgreSQL or RDS keep for themselves; RDS rejects them at create time.
const RESERVED_USERS = [
  "rdsadmin",
  "rdsrepladmin",
  "rds_superuser",
  "user",
  "public",
  "all",
  "current_user",
  "session_user",
];
const RESERVED_DATABASES = ["postgres", "template0", "template1", "rdsadmin"];

export interface DatabaseRuleContext {
  /** Production environments get the data-safety rules. */
  readonly production: boolean;
}

/**
 * Every database rule in one place, used by the config schema and by the constructs. Paths
 * are relative to the database settings.
 */
export function databaseIssues(s: DatabaseSettings, ctx: DatabaseRuleContext): Issue[] {
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  issues.push(...engineVersionIssues(s));
  const listedClasses = RDS_INSTANCE_CLASSES[s.engine];
  if (
    /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(s.instanceClass) &&
    !listedClasses.includes(s.instanceClass) &&
    // The Aurora rules below explain these better.
    !(s.engine === "aurora-postgresql" && /^db\.t\d+g?\.(micro|small)$/.test(s.instanceClass))
  ) {
    add(
      ["instanceClass"],
      `${show(s.instanceClass)} is not an instance class ${s.engine} offers; ${instanceClassHint(s.engine, s.instanceClass)} (maintained in config/aws-catalog/rds.ts)`,
    );
  }

  if (
    !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(s.databaseName) ||
    RESERVED_DATABASES.includes(s.databaseName.toLowerCase())
  ) {
    add(
      ["databaseName"],
      `${show(s.databaseName)} is not a database name RDS accepts: a letter, then up to 62 letters, digits or underscores, and not ${RESERVED_DATABASES.join(", ")}`,
    );
  }
  if (
    !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(s.masterUsername) ||
    RESERVED_USERS.includes(s.masterUsername.toLowerCase())
  ) {
    add(
      ["masterUsername"],
      `${show(s.masterUsername)} is not a master user name RDS accepts: a letter, then up to 62 letters, digits or underscores, and not ${RESERVED_USERS.join(", ")}`,
    );
  }
  if (!Number.isInteger(s.port) || s.port < 1150 || s.port > 65535) {
    add(["port"], `${show(s.port)} is not allowed; RDS PostgreSQL ports are 1150..65535`);
  }

  const windowProblem = backupWindowProblem(s.backup.window);
  if (windowProblem !== undefined)
    add(["backup", "window"], `${show(s.backup.window)} ${windowProblem}`);
  if (
    !/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/.test(
      s.maintenanceWindow,
    )
  ) {
    add(
      ["maintenanceWindow"],
      `${show(s.maintenanceWindow)} must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. "sun:17:00-sun:18:00"`,
    );
  }

  if (windowProblem === undefined) {
    const overlap = windowsOverlap(s.backup.window, s.maintenanceWindow);
    if (overlap !== undefined) {
      add(
        ["maintenanceWindow"],
        `${show(s.maintenanceWindow)} overlaps the daily backup window ${show(s.backup.window)} (${overlap}); RDS refuses overlapping windows, so move one of them`,
      );
    }
  }

  if (!(MONITORING_INTERVALS as readonly number[]).includes(s.monitoringIntervalSeconds)) {
    add(
      ["monitoringIntervalSeconds"],
      `${show(s.monitoringIntervalSeconds)} is not allowed; use one of ${MONITORING_INTERVALS.join(", ")}`,
    );
  }
  const pi = s.performanceInsights.retentionDays;
  if (
    s.performanceInsights.enabled &&
    !(pi === 7 || (Number.isInteger(pi / 31) && pi >= 31 && pi <= 731))
  ) {
    add(
      ["performanceInsights", "retentionDays"],
      `${show(pi)} is not allowed; use 7 or a multiple of 31 up to 731`,
    );
  }
  if (!Number.isInteger(s.logs.minDurationMs) || s.logs.minDurationMs < -1) {
    add(
      ["logs", "minDurationMs"],
      `${show(s.logs.minDurationMs)} must be -1 (off) or a whole number of milliseconds >= 0`,
    );
  }

  if (s.engine === "aurora-postgresql") {
    const serverlessClass = s.instanceClass === "db.serverless";
    if (!serverlessClass && !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(s.instanceClass)) {
      add(
        ["instanceClass"],
        `${show(s.instanceClass)} is not an instance class; use e.g. "db.r6g.large", or "db.serverless" with serverless settings`,
      );
    } else if (serverlessClass && s.serverless === undefined) {
      add(
        ["serverless"],
        `is required with instanceClass "db.serverless": give minCapacity and maxCapacity (ACU)`,
      );
    } else if (!serverlessClass && s.serverless !== undefined) {
      add(
        ["instanceClass"],
        `${show(s.instanceClass)} is provisioned, but serverless settings are given; use "db.serverless" or drop serverless`,
      );
    } else if (/^db\.t\d+g?\.(micro|small)$/.test(s.instanceClass)) {
      add(
        ["instanceClass"],
        `${show(s.instanceClass)} is too small for Aurora PostgreSQL; the smallest classes are db.t3.medium and db.t4g.medium`,
      );
    }
    if (s.serverless !== undefined) issues.push(...serverlessIssues(s.serverless, s.engineVersion));
    const auto = s.readerAutoscaling;
    if (auto !== undefined) {
      if (auto.minReaders > auto.maxReaders) {
        add(
          ["readerAutoscaling", "minReaders"],
          `${show(auto.minReaders)} is above maxReaders (${auto.maxReaders})`,
        );
      }
      if (auto.maxReaders < s.readers) {
        add(
          ["readerAutoscaling", "maxReaders"],
          `${show(auto.maxReaders)} is below the ${s.readers} fixed readers; the ceiling must include them`,
        );
      }
      if (auto.metric === "cpu" && (auto.target < 10 || auto.target > 90)) {
        add(
          ["readerAutoscaling", "target"],
          `${show(auto.target)} is not a sensible CPU target; use 10..90 (%)`,
        );
      }
    }
    if (ctx.production && s.readers < 1) {
      add(
        ["readers"],
        `${show(s.readers)}: production needs at least one reader in another AZ so a writer failure does not mean a restore`,
      );
    }
  } else {
    if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(s.instanceClass)) {
      add(
        ["instanceClass"],
        `${show(s.instanceClass)} is not an RDS instance class; use e.g. "db.t4g.micro" (db.serverless is Aurora only)`,
      );
    }
    if (s.maxAllocatedStorageGb !== 0 && s.maxAllocatedStorageGb < s.allocatedStorageGb * 1.1) {
      add(
        ["maxAllocatedStorageGb"],
        `${show(s.maxAllocatedStorageGb)} must be 0 (no autoscaling) or at least 10% above allocatedStorageGb (${s.allocatedStorageGb})`,
      );
    }
    if (ctx.production && !s.multiAz) {
      add(
        ["multiAz"],
        "false: production needs a Multi-AZ standby so an AZ failure does not mean a restore",
      );
    }
  }

  if (ctx.production) {
    if (s.backup.retentionDays < 7) {
      add(
        ["backup", "retentionDays"],
        `${show(s.backup.retentionDays)} is too short for production; keep at least 7 days`,
      );
    }
    if (!s.deletionProtection) add(["deletionProtection"], "false is not allowed in production");
    if (!s.preventDestroy) add(["preventDestroy"], "false is not allowed in production");
    if (s.skipFinalSnapshot)
      add(
        ["skipFinalSnapshot"],
        "true is not allowed in production: the final snapshot is the last copy",
      );
  }
  return issues;
}

function serverlessIssues(sv: ServerlessV2Settings, engineVersion: string): Issue[] {
  const issues: Issue[] = [];
  const halfStep = (n: number) => Number.isInteger(n * 2);
  if (!halfStep(sv.minCapacity) || sv.minCapacity < 0 || sv.minCapacity > 256) {
    issues.push({
      path: ["serverless", "minCapacity"],
      message: `${show(sv.minCapacity)} must be 0..256 ACU in steps of 0.5`,
    });
  }
  if (!halfStep(sv.maxCapacity) || sv.maxCapacity < 1 || sv.maxCapacity > 256) {
    issues.push({
      path: ["serverless", "maxCapacity"],
      message: `${show(sv.maxCapacity)} must be 1..256 ACU in steps of 0.5`,
    });
  } else if (sv.maxCapacity < sv.minCapacity) {
    issues.push({
      path: ["serverless", "maxCapacity"],
      message: `${show(sv.maxCapacity)} is below minCapacity (${sv.minCapacity})`,
    });
  }
  const [major, minor] = engineVersion.split(".").map(Number);
  const needed = AUTO_PAUSE_MINIMUM[major] as number | undefined;
  if (sv.minCapacity === 0 && (needed === undefined || minor < needed)) {
    issues.push({
      path: ["serverless", "minCapacity"],
      message: `0 (auto-pause) needs Aurora PostgreSQL ${Object.entries(AUTO_PAUSE_MINIMUM)
        .map(([m, n]) => `${m}.${n}`)
        .join(", ")} or later; engineVersion is ${show(engineVersion)}`,
    });
  }
  if (sv.secondsUntilAutoPause !== undefined) {
    if (sv.minCapacity !== 0) {
      issues.push({
        path: ["serverless", "secondsUntilAutoPause"],
        message: `${show(sv.secondsUntilAutoPause)} only applies with minCapacity 0`,
      });
    } else if (sv.secondsUntilAutoPause < 300 || sv.secondsUntilAutoPause > 86400) {
      issues.push({
        path: ["serverless", "secondsUntilAutoPause"],
        message: `${show(sv.secondsUntilAutoPause)} must be 300..86400 seconds`,
      });
    }
  }
  return issues;
}

function backupWindowProblem(window: string): string | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(window);
  if (!m) return 'must be hh:mm-hh:mm in UTC, e.g. "16:00-17:00"';
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  const length = (end - start + 1440) % 1440;
  return length < 30 ? "must last at least 30 minutes" : undefined;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEK = 7 * 1440;

/**
 * Engine versions from the catalog. RDS PostgreSQL gives the major only while RDS applies minor
 * upgrades itself; Aurora and a pinned RDS instance give major.minor.
 */
function engineVersionIssues(s: DatabaseSettings): Issue[] {
  const listed = RDS_ENGINE_VERSIONS[s.engine];
  const majors = majorsOf(s.engine);
  const version = /^(\d+)(?:\.(\d+))?$/.exec(s.engineVersion);
  const major = version ? Number(version[1]) : undefined;
  const at = (message: string): Issue[] => [
    { path: ["engineVersion"], message: `${show(s.engineVersion)} ${message}` },
  ];
  if (major === undefined || !majors.includes(major)) {
    return at(
      `is not a ${s.engine} version this platform supports; use a major of ${majors.join(", ")} (${s.engine === "postgres" ? '"16"' : '"16.4"'})`,
    );
  }
  if (s.engine === "aurora-postgresql" && version?.[2] === undefined) {
    return at(`needs a minor version for Aurora, e.g. ${show(listed[major].at(-1))}`);
  }
  if (s.engine === "postgres" && s.autoMinorVersionUpgrade && version?.[2] !== undefined) {
    return at(
      `pins a minor while autoMinorVersionUpgrade is on: once RDS upgrades the instance every plan would try a downgrade. Give the major only ("${String(major)}")`,
    );
  }
  if (version?.[2] !== undefined && !listed[major].includes(s.engineVersion)) {
    return at(
      `is not a ${s.engine} ${major} version RDS offers; available: ${listed[major].join(", ")} (maintained in config/aws-catalog/rds.ts)`,
    );
  }
  const ended = END_OF_STANDARD_SUPPORT[s.engine][major] as string | undefined;
  if (ended !== undefined && !s.extendedSupport) {
    return at(
      `is a major past the end of RDS standard support (${ended}): RDS creates it only on paid Extended Support. Use a major of ${majors.filter((m) => END_OF_STANDARD_SUPPORT[s.engine][m] === undefined).join(", ")}, or set extendedSupport: true`,
    );
  }
  return [];
}

/** Minutes into the week (Monday 00:00 UTC) where a maintenance window starts and ends. */
function maintenanceRange(window: string): [number, number] | undefined {
  const m = /^(\w{3}):(\d\d):(\d\d)-(\w{3}):(\d\d):(\d\d)$/.exec(window);
  if (m === null) return undefined;
  const at = (day: string, h: string, min: string) =>
    DAYS.indexOf(day) * 1440 + Number(h) * 60 + Number(min);
  return [at(m[1], m[2], m[3]), at(m[4], m[5], m[6])];
}

/** Whether two [start, end) ranges on a circle of `size` minutes intersect. */
function circularOverlap(a: [number, number], b: [number, number], size: number): boolean {
  const len = (r: [number, number]) => (((r[1] - r[0]) % size) + size) % size;
  const inside = (x: number, r: [number, number]) => (((x - r[0]) % size) + size) % size < len(r);
  return inside(a[0], b) || inside(b[0], a);
}

/** Where the daily backup window and the weekly maintenance window meet, if they do. */
export function windowsOverlap(backup: string, maintenance: string): string | undefined {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(backup);
  const range = maintenanceRange(maintenance);
  if (m === null || range === undefined) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  for (let day = 0; day < 7; day++) {
    const daily: [number, number] = [
      day * 1440 + start,
      day * 1440 + end + (end < start ? 1440 : 0),
    ];
    if (circularOverlap(daily, range, WEEK)) return `on ${DAYS[day]}`;
  }
  return undefined;
}
