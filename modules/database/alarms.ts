import { Construct } from "constructs";
import type { Names } from "../../lib/names";
import { metricAlarm } from "../observability/alarm";
import type { AlarmTargets } from "../observability/settings";

export interface DatabaseAlarmsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Cluster or instance identifier. */
  readonly identifier: string;
  /** Aurora cluster (DBClusterIdentifier) or RDS instance (DBInstanceIdentifier). */
  readonly kind: "cluster" | "instance";
  /** Topics and thresholds. */
  readonly targets: AlarmTargets;
}

/** CPU, freeable memory, connections (warning) and storage (critical) of the database. */
export class DatabaseAlarms extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const { names, targets: t } = props;
    const dimensions: Record<string, string> =
      props.kind === "cluster"
        ? { DBClusterIdentifier: props.identifier }
        : { DBInstanceIdentifier: props.identifier };
    const rds = (name: string, statistic = "Average") => ({
      namespace: "AWS/RDS",
      name,
      dimensions,
      statistic,
    });
    const gib = 1024 ** 3;
    metricAlarm(this, "cpu", {
      names,
      name: "db-cpu",
      topicArn: t.warning,
      threshold: t.thresholds.dbCpuPercent,
      comparison: "GreaterThanThreshold",
      description: `Database CPU above ${t.thresholds.dbCpuPercent} % for 5 minutes`,
      metric: rds("CPUUtilization"),
    });
    metricAlarm(this, "memory", {
      names,
      name: "db-freeable-memory",
      topicArn: t.warning,
      threshold: t.thresholds.dbFreeableMemoryMiB * 1024 ** 2,
      comparison: "LessThanThreshold",
      description: `Database freeable memory below ${t.thresholds.dbFreeableMemoryMiB} MiB for 5 minutes`,
      metric: rds("FreeableMemory", "Minimum"),
    });
    metricAlarm(this, "connections", {
      names,
      name: "db-connections",
      topicArn: t.warning,
      threshold: t.thresholds.dbConnections,
      comparison: "GreaterThanThreshold",
      description: `More than ${t.thresholds.dbConnections} database connections for 5 minutes`,
      metric: rds("DatabaseConnections", "Maximum"),
    });
    // Aurora storage grows by itself; what runs out is the instances' local (temp) storage.
    const storage = props.kind === "cluster" ? "FreeLocalStorage" : "FreeStorageSpace";
    metricAlarm(this, "storage", {
      names,
      name: "db-free-storage",
      topicArn: t.critical,
      threshold: t.thresholds.dbFreeStorageGiB * gib,
      comparison: "LessThanThreshold",
      description: `Database ${storage} below ${t.thresholds.dbFreeStorageGiB} GiB`,
      metric: rds(storage, "Minimum"),
    });
  }
}
