import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import {
  CA_CERT_IDENTIFIER,
  engineLifecycle,
  finalSnapshotIdentifier,
  instanceTelemetry,
  type EngineContext,
} from "./engine-context";
import type { AuroraSettings } from "./settings";

export interface AuroraClusterProps {
  /** Shared wiring from the Database construct. */
  readonly context: EngineContext;
  /** Aurora settings. */
  readonly settings: AuroraSettings;
}

/** Aurora PostgreSQL: a writer, N readers spread over the AZs, optional reader autoscaling. */
export class AuroraCluster extends Construct {
  readonly cluster: RdsCluster;
  /** Writer first, then readers. */
  readonly instances: readonly RdsClusterInstance[];
  readonly readerScaling?: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: AuroraClusterProps) {
    super(scope, id);
    const { context: ctx, settings: s } = props;

    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: ctx.identifier,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: s.engineVersion,
      ...engineLifecycle(s),
      // A major upgrade moves every instance to the new family's group in the same call.
      dbInstanceParameterGroupName: s.majorVersionUpgrade
        ? ctx.parameterGroups.instance.name
        : undefined,
      databaseName: s.databaseName,
      masterUsername: s.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: ctx.kmsKeyArn,
      port: s.port,
      dbSubnetGroupName: ctx.subnetGroupName,
      vpcSecurityGroupIds: [ctx.securityGroupId],
      dbClusterParameterGroupName: ctx.parameterGroups.cluster?.name,
      storageEncrypted: true,
      kmsKeyId: ctx.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: s.iamAuthentication,
      enabledCloudwatchLogsExports: ["postgresql"],
      backupRetentionPeriod: s.backup.retentionDays,
      preferredBackupWindow: s.backup.window,
      preferredMaintenanceWindow: s.maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: s.deletionProtection,
      skipFinalSnapshot: s.skipFinalSnapshot,
      finalSnapshotIdentifier: finalSnapshotIdentifier(ctx.identifier),
      serverlessv2ScalingConfiguration:
        s.serverless === undefined
          ? undefined
          : {
              minCapacity: s.serverless.minCapacity,
              maxCapacity: s.serverless.maxCapacity,
              secondsUntilAutoPause:
                s.serverless.minCapacity === 0
                  ? (s.serverless.secondsUntilAutoPause ?? 300)
                  : undefined,
            },
      tags: ctx.names.nameTag("db"),
      dependsOn: [...ctx.logGroups],
      // With automatic minor upgrades AWS moves the version on, so it is ignored, except in
      // the change that raises the major (majorVersionUpgrade).
      lifecycle: {
        preventDestroy: s.preventDestroy,
        ignoreChanges: [
          "final_snapshot_identifier",
          ...(s.autoMinorVersionUpgrade && !s.majorVersionUpgrade ? ["engine_version"] : []),
        ],
      },
    });

    const azs = ctx.availabilityZones;
    this.instances = Array.from({ length: 1 + s.readers }, (_, i) => {
      return new RdsClusterInstance(this, `instance-${i}`, {
        identifier: `${ctx.identifier}-${i + 1}`,
        clusterIdentifier: this.cluster.id,
        engine: "aurora-postgresql",
        // No engine_version: instances run the cluster's, whatever AWS upgraded it to, so a
        // reader added after a minor upgrade is created at the cluster's version.
        instanceClass: s.instanceClass,
        availabilityZone: azs[i % azs.length],
        // The writer is instance 0; readers are promoted in order.
        promotionTier: i === 0 ? 0 : Math.min(i, 15),
        dbParameterGroupName: ctx.parameterGroups.instance.name,
        publiclyAccessible: false,
        caCertIdentifier: CA_CERT_IDENTIFIER,
        // The cluster's window, which validation keeps clear of the backup window; without
        // it each instance gets a random one that may overlap the backups.
        preferredMaintenanceWindow: s.maintenanceWindow,
        ...instanceTelemetry(ctx, s),
        copyTagsToSnapshot: true,
        tags: ctx.names.nameTag(["db", String(i + 1)]),
        lifecycle: { preventDestroy: s.preventDestroy },
      });
    });

    const auto = s.readerAutoscaling;
    if (auto !== undefined) {
      this.readerScaling = new AppautoscalingTarget(this, "reader-scaling", {
        serviceNamespace: "rds",
        scalableDimension: "rds:cluster:ReadReplicaCount",
        resourceId: `cluster:${this.cluster.clusterIdentifier}`,
        minCapacity: auto.minReaders,
        maxCapacity: auto.maxReaders,
        // Replicas must exist before scaling is attached, or the target rejects the cluster.
        dependsOn: [...this.instances],
      });
      new AppautoscalingPolicy(this, "reader-scaling-policy", {
        name: ctx.names.physical(["db", "readers", auto.metric]),
        policyType: "TargetTrackingScaling",
        serviceNamespace: this.readerScaling.serviceNamespace,
        scalableDimension: this.readerScaling.scalableDimension,
        resourceId: this.readerScaling.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: auto.target,
          scaleInCooldown: auto.scaleInCooldownSeconds,
          scaleOutCooldown: auto.scaleOutCooldownSeconds,
          predefinedMetricSpecification: {
            predefinedMetricType:
              auto.metric === "cpu"
                ? "RDSReaderAverageCPUUtilization"
                : "RDSReaderAverageDatabaseConnections",
          },
        },
      });
    }
  }
}
