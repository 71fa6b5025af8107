import type { LogRetentionDays } from "../../lib/log-retention";

/** Alarm thresholds; config/operations-schema.ts produces this shape with the defaults below. */
export interface AlarmThresholds {
  /** ALB 5xx responses (ELB + targets) as % of requests, over 5 minutes. @default 5 */
  readonly alb5xxPercent: number;
  /** ALB target response time p90, seconds, over 5 minutes. @default 2 */
  readonly albTargetResponseSeconds: number;
  /** ECS service average CPU %, above the scaling target: scaling is not keeping up. @default 90 */
  readonly ecsCpuPercent: number;
  /** ECS service average memory %. @default 90 */
  readonly ecsMemoryPercent: number;
  /** Database CPU %. @default 80 */
  readonly dbCpuPercent: number;
  /** Database freeable memory floor, MiB. @default 256 */
  readonly dbFreeableMemoryMiB: number;
  /** Database connections ceiling. @default 400 */
  readonly dbConnections: number;
  /** Free (RDS) or local (Aurora) storage floor, GiB. @default 5 */
  readonly dbFreeStorageGiB: number;
}

export interface OperationsSettings {
  /** E-mail subscribers per topic. */
  readonly alarmEmails: {
    readonly critical: readonly string[];
    readonly warning: readonly string[];
  };
  /** When alarms fire. */
  readonly thresholds: AlarmThresholds;
  /** WAF on the ALB. */
  readonly waf: { readonly enabled: boolean; readonly rateLimit: number };
  /** Central log bucket lifecycle. */
  readonly logBucket: { readonly glacierAfterDays: number; readonly expireAfterDays: number };
  /** Retention of the operations log groups (WAF). */
  readonly logRetentionDays: LogRetentionDays;
  /** Record global resources (IAM) in this region; false in every other region of the account. */
  readonly recordGlobalResources: boolean;
  /**
   * The account's CloudTrail (modules/cloudtrail): one multi-region trail per account, made
   * by the environment that owns the `cloudTrail` account singleton (`accountSingletons`).
   */
  readonly trail: {
    /** The account has a trail from this repository (false: none, or made elsewhere). @default true */
    readonly enabled: boolean;
    /** Deliver to CloudWatch Logs too (alarms on root use, refused calls). @default true */
    readonly cloudWatchLogs: boolean;
    /** Key prefix in the log bucket. @default "cloudtrail" */
    readonly keyPrefix: string;
  };
  /**
   * Monthly cost budget (modules/budget); required in production.
   * @default none
   */
  readonly budget?: BudgetSettings;
}

/** `operations.budget`: a monthly AWS Budgets cost budget with alerts. */
export interface BudgetSettings {
  /** Monthly limit, US dollars. */
  readonly monthlyLimitUsd: number;
  /** Alerts on actual spend at these % of the limit (>= 100 critical, below warning). */
  readonly actualAlertPercents: readonly number[];
  /** Alert (warning) when the month's forecast passes this %; false for none. */
  readonly forecastAlertPercent: number | false;
  /** Addresses AWS Budgets e-mails directly, besides the alarm topics. */
  readonly emails: readonly string[];
  /**
   * What is counted: the whole account, or only costs tagged `Environment=<env>` (activate the
   * tag as a cost allocation tag in Billing first). Environments sharing an account need
   * "environment-tag".
   */
  readonly scope: "account" | "environment-tag";
}

/** Where alarms go. */
export interface AlarmTargets {
  /** Topic for page-worthy alarms. */
  readonly critical: string;
  /** Topic for alarms someone should look at today. */
  readonly warning: string;
  /** Thresholds. */
  readonly thresholds: AlarmThresholds;
}
