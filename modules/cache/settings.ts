/** `environments.<env>.cache`: Valkey/Redis OSS for sessions and the Socket.IO adapter. */
export interface CacheSettings {
  /** Engine. @default "valkey" */
  readonly engine: "valkey" | "redis";
  /** Major.minor engine version. @default "8.0" (valkey), "7.1" (redis) */
  readonly engineVersion: string;
  /** Node type. @default "cache.t4g.micro" */
  readonly nodeType: string;
  /**
   * Read replicas in other AZs; with at least one, Multi-AZ automatic failover is on.
   * Production needs one.
   * @default 0
   */
  readonly replicas: number;
  /** Daily snapshots kept. Production keeps at least one. @default 1 */
  readonly snapshotRetentionDays: number;
  /** Daily snapshot window (UTC). @default "17:00-18:00" */
  readonly snapshotWindow: string;
  /** Weekly maintenance window (UTC), not overlapping the snapshot window. @default "sun:18:00-sun:19:00" */
  readonly maintenanceWindow: string;
  /** Engine parameters on top of the family defaults. @default { "maxmemory-policy": "volatile-lru" } */
  readonly parameters: Readonly<Record<string, string>>;
  /** Services (by name) that may connect and get the endpoint and credentials. @default [] */
  readonly allowFrom: readonly string[];
  /** Alarm thresholds. @default CPU 80 %, memory 80 %, 100 evictions / 5 min, 1000 connections */
  readonly alarms: {
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    readonly evictions: number;
    readonly connections: number;
  };
}
