import type { LogRetentionDays } from "../../lib/log-retention";

/**
 * The database settings the module understands. config/database-schema.ts produces exactly
 * this shape (checked at compile time), so the documentation lives here once.
 */
export type DatabaseEngine = "aurora-postgresql" | "postgres";

export interface BackupSettings {
  /** Days of automated backups, 1..35 (production: at least 7). */
  readonly retentionDays: number;
  /** Daily backup window, UTC `hh:mm-hh:mm`, at least 30 minutes. */
  readonly window: string;
}

export interface DatabaseLogSettings {
  /** Days CloudWatch Logs keeps the `postgresql` log export. */
  readonly retentionDays: LogRetentionDays;
  /** `log_statement`: which statements are logged. */
  readonly statement: "none" | "ddl" | "mod" | "all";
  /** `log_min_duration_statement` in ms; -1 turns slow-query logging off. */
  readonly minDurationMs: number;
}

export interface PerformanceInsightsSettings {
  /** Whether Performance Insights runs (encrypted with the module's KMS key). */
  readonly enabled: boolean;
  /** Days kept: 7 (free tier) or a multiple of 31 up to 731. */
  readonly retentionDays: number;
}

interface CommonDatabaseSettings {
  /** Engine version, `major.minor` (e.g. "16.4"); the parameter group family follows the major. */
  readonly engineVersion: string;
  /** Name of the database created at launch. */
  readonly databaseName: string;
  /** Master user; its password is generated and rotated by RDS in Secrets Manager. */
  readonly masterUsername: string;
  /** Port the database listens on. */
  readonly port: number;
  /** Automated backups. */
  readonly backup: BackupSettings;
  /** Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm`. */
  readonly maintenanceWindow: string;
  /** RDS refuses to delete the database while this is on (required in production). */
  readonly deletionProtection: boolean;
  /** Terraform refuses to plan the database's destruction (required in production). */
  readonly preventDestroy: boolean;
  /** Skip the final snapshot on deletion (never allowed in production). */
  readonly skipFinalSnapshot: boolean;
  /** IAM database authentication. */
  readonly iamAuthentication: boolean;
  /** Minor engine upgrades in the maintenance window. */
  readonly autoMinorVersionUpgrade: boolean;
  /**
   * Lets the next apply move engineVersion to a new major: allow_major_version_upgrade, the
   * new family's parameter groups created beside the old ones, and (Aurora) the engine version
   * no longer ignored. Turn it on in the change that raises the major, off again afterwards.
   */
  readonly majorVersionUpgrade: boolean;
  /**
   * Keep a major past its end of standard support on paid RDS Extended Support. Off, RDS
   * upgrades the database when standard support ends instead of billing for it silently.
   */
  readonly extendedSupport: boolean;
  /** Log export and statement logging. */
  readonly logs: DatabaseLogSettings;
  /** Performance Insights. */
  readonly performanceInsights: PerformanceInsightsSettings;
  /** Enhanced monitoring interval in seconds (0 turns it off): 0, 1, 5, 10, 15, 30 or 60. */
  readonly monitoringIntervalSeconds: number;
}

export interface ServerlessV2Settings {
  /** Minimum ACU, 0..256 in steps of 0.5; 0 lets the cluster pause when idle. */
  readonly minCapacity: number;
  /** Maximum ACU, 1..256 in steps of 0.5, >= minCapacity. */
  readonly maxCapacity: number;
  /**
   * Idle seconds before pausing (only with minCapacity 0), 300..86400.
   * @default 300 when minCapacity is 0
   */
  readonly secondsUntilAutoPause?: number;
}

export interface ReaderAutoscalingSettings {
  /** Fewest readers Application Auto Scaling keeps. */
  readonly minReaders: number;
  /** Most readers, <= 15 and >= the fixed `readers`. */
  readonly maxReaders: number;
  /** What to track: average reader CPU (%) or connections. */
  readonly metric: "cpu" | "connections";
  /** Target value of the metric. */
  readonly target: number;
  /** Seconds between scale-in steps. */
  readonly scaleInCooldownSeconds: number;
  /** Seconds between scale-out steps. */
  readonly scaleOutCooldownSeconds: number;
}

export interface AuroraSettings extends CommonDatabaseSettings {
  /** Aurora PostgreSQL cluster. */
  readonly engine: "aurora-postgresql";
  /** Instance class of writer and readers, e.g. db.r6g.large, or db.serverless with `serverless`. */
  readonly instanceClass: string;
  /** Readers managed by Terraform, 0..15, placed in the AZs after the writer's. */
  readonly readers: number;
  /**
   * Serverless v2 capacity; required with, and only with, instanceClass db.serverless.
   * @default none (provisioned)
   */
  readonly serverless?: ServerlessV2Settings;
  /**
   * Reader auto scaling on top of the fixed readers.
   * @default none
   */
  readonly readerAutoscaling?: ReaderAutoscalingSettings;
}

export interface PostgresSettings extends CommonDatabaseSettings {
  /** A single RDS for PostgreSQL instance, for small environments. */
  readonly engine: "postgres";
  /** Instance class, e.g. db.t4g.micro. */
  readonly instanceClass: string;
  /** gp3 storage at launch, GiB (20..65536). */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling, GiB; 0 turns autoscaling off, else >= 1.1 x allocated. */
  readonly maxAllocatedStorageGb: number;
  /** Standby in a second AZ. */
  readonly multiAz: boolean;
}

export type DatabaseSettings = AuroraSettings | PostgresSettings;
