import { Construct } from "constructs";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import {
  CA_CERT_IDENTIFIER,
  engineLifecycle,
  finalSnapshotIdentifier,
  instanceTelemetry,
  type EngineContext,
} from "./engine-context";
import type { PostgresSettings } from "./settings";

export interface PostgresInstanceProps {
  /** Shared wiring from the Database construct. */
  readonly context: EngineContext;
  /** RDS PostgreSQL settings. */
  readonly settings: PostgresSettings;
}

/** A single RDS for PostgreSQL instance on gp3 with storage autoscaling, Multi-AZ switchable. */
export class PostgresInstance extends Construct {
  readonly instance: DbInstance;

  constructor(scope: Construct, id: string, props: PostgresInstanceProps) {
    super(scope, id);
    const { context: ctx, settings: s } = props;
    this.instance = new DbInstance(this, "instance", {
      identifier: ctx.identifier,
      engine: "postgres",
      engineVersion: s.engineVersion,
      ...engineLifecycle(s),
      instanceClass: s.instanceClass,
      dbName: s.databaseName,
      username: s.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: ctx.kmsKeyArn,
      port: s.port,
      allocatedStorage: s.allocatedStorageGb,
      maxAllocatedStorage: s.maxAllocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: ctx.kmsKeyArn,
      multiAz: s.multiAz,
      // Single-AZ instances sit in the first AZ, next to the first private subnet.
      availabilityZone: s.multiAz ? undefined : ctx.availabilityZones[0],
      dbSubnetGroupName: ctx.subnetGroupName,
      vpcSecurityGroupIds: [ctx.securityGroupId],
      publiclyAccessible: false,
      parameterGroupName: ctx.parameterGroups.instance.name,
      caCertIdentifier: CA_CERT_IDENTIFIER,
      iamDatabaseAuthenticationEnabled: s.iamAuthentication,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      backupRetentionPeriod: s.backup.retentionDays,
      backupWindow: s.backup.window,
      maintenanceWindow: s.maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: s.deletionProtection,
      skipFinalSnapshot: s.skipFinalSnapshot,
      finalSnapshotIdentifier: finalSnapshotIdentifier(ctx.identifier),
      ...instanceTelemetry(ctx, s),
      tags: ctx.names.nameTag("db"),
      dependsOn: [...ctx.logGroups],
      lifecycle: { preventDestroy: s.preventDestroy, ignoreChanges: ["final_snapshot_identifier"] },
    });
  }
}
