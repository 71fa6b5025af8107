import { Fn } from "cdktf";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { Names } from "../../lib/names";
import type { DatabaseParameterGroups } from "./parameter-groups";
import type { DatabaseSettings } from "./settings";

/** What the Database construct hands to the engine-specific constructs. */
export interface EngineContext {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Cluster or instance identifier. */
  readonly identifier: string;
  /** ARN of the key for storage, the master secret and Performance Insights. */
  readonly kmsKeyArn: string;
  /** The database's security group. */
  readonly securityGroupId: string;
  /** DB subnet group over the isolated subnets. */
  readonly subnetGroupName: string;
  /** AZ names in slot order; instances are spread over them. */
  readonly availabilityZones: readonly string[];
  /** Enhanced monitoring role, when monitoring is on. */
  readonly monitoringRoleArn?: string;
  /** Parameter groups of the engine family. */
  readonly parameterGroups: DatabaseParameterGroups;
  /** Log groups that must exist before RDS starts exporting to them. */
  readonly logGroups: readonly CloudwatchLogGroup[];
}

/** The CA every instance presents: RSA 2048, valid until 2061. */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";

/** Minor upgrades, enhanced monitoring and Performance Insights, alike on every instance. */
export function instanceTelemetry(ctx: EngineContext, s: DatabaseSettings) {
  const pi = s.performanceInsights;
  return {
    autoMinorVersionUpgrade: s.autoMinorVersionUpgrade,
    monitoringInterval: s.monitoringIntervalSeconds,
    monitoringRoleArn: ctx.monitoringRoleArn,
    performanceInsightsEnabled: pi.enabled,
    performanceInsightsKmsKeyId: pi.enabled ? ctx.kmsKeyArn : undefined,
    performanceInsightsRetentionPeriod: pi.enabled ? pi.retentionDays : undefined,
  };
}

/**
 * `<identifier>-final-<creation time>`: each database gets its own final snapshot name, fixed
 * when it is created (final_snapshot_identifier is ignored afterwards), so destroying a
 * database that was recreated never collides with the snapshot the previous one left behind.
 */
export function finalSnapshotIdentifier(identifier: string): string {
  return `${identifier}-final-${Fn.formatdate("YYYYMMDDhhmmss", Fn.timestamp())}`;
}

/**
 * What a database records about its engine's life: RDS Extended Support only when asked
 * (it is billed per vCPU-hour), and major upgrades only in the change that asks for one.
 */
export function engineLifecycle(s: DatabaseSettings) {
  return {
    engineLifecycleSupport: s.extendedSupport
      ? "open-source-rds-extended-support"
      : "open-source-rds-extended-support-disabled",
    allowMajorVersionUpgrade: s.majorVersionUpgrade ? true : undefined,
  };
}
