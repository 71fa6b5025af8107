/** `environments.<env>.cache`: Valkey/Redis OSS for sessions and the Socket.IO adapter. */
export interface CacheSettings {
  /** Engine. */
  readonly engine: "valkey" | "redis";
  /** Major.minor engine version. */
  readonly engineVersion: string;
  /** Node type. */
  readonly nodeType: string;
  /**
   * Read replicas in other AZs; with at least one, Multi-AZ automatic failover is on.
   * Production needs one.
   */
  readonly replicas: number;
  /** Daily snapshots kept. Production keeps at least one. */
  readonly snapshotRetentionDays: number;
  /** Daily snapshot window (UTC). */
  readonly snapshotWindow: string;
  /** Weekly maintenance window (UTC), not overlapping the snapshot window. */
  readonly maintenanceWindow: string;
  /** Engine parameters on top of the family defaults. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Services (by name) that may connect and get the endpoint and credentials. */
  readonly allowFrom: readonly string[];
  /** Alarm thresholds. */
  readonly alarms: {
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    readonly evictions: number;
    readonly connections: number;
  };
}
