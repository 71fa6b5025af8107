/**
 * `services.logRouter`: how the FireLens log router of the services that opt in
 * (`logRouter: true`) runs. config/services-schema.ts produces this shape with the defaults
 * below.
 */
export interface LogRouterSettings {
  /**
   * Tag of AWS for Fluent Bit's init image (`init-<version>`), pulled through the ECR cache
   * of public.ecr.aws. Production refuses moving tags such as `init-latest`.
   */
  readonly imageTag: string;
  /**
   * A full image reference instead of the pull-through cache, e.g. a private ECR repository
   * the image is mirrored into. It must be an init image (the configuration comes from S3).
   * @default none (the pull-through cache at imageTag)
   */
  readonly image?: string;
  /**
   * Repository prefix of the ECR pull-through cache rule for public.ecr.aws (one per account
   * and region: the `ecrPullThroughCache` account singleton owns it).
   */
  readonly pullThroughCachePrefix: string;
  /**
   * Regular expression (Onigmo, no spaces) a line must match to count as an error: those
   * lines also go to the service's CloudWatch log group, where a metric filter counts them.
   */
  readonly errorPattern: string;
  /**
   * Key prefix in the central log bucket; objects land under
   * `<keyPrefix>/<service>/year=YYYY/month=MM/day=DD/`.
   */
  readonly keyPrefix: string;
  /** Add an `hour=HH/` partition below the day. */
  readonly hourlyPartitions: boolean;
  /** Size of one gzip object before it is uploaded, MiB (uncompressed). */
  readonly totalFileSizeMiB: number;
  /** Minutes after which a smaller object is uploaded anyway (how stale the archive may be). */
  readonly uploadTimeoutMinutes: number;
  /** Memory reserved for the router container, MiB (soft limit; the task size is unchanged). */
  readonly memoryReservationMiB: number;
  /** CPU units reserved for the router container (0: none, it shares the task's CPU). */
  readonly cpu: number;
  /**
   * A Glue table (partition projection over service and date) and an Athena workgroup over
   * the archive, in the operations stack next to the log bucket.
   */
  readonly archiveTable: boolean;
  /** The alarm on error lines (warning topic). */
  readonly errorAlarm: {
    /**
     * Error lines per minute above which a minute counts as breaching.
     * @default 0
     */
    readonly threshold: number;
    /**
     * Consecutive breaching minutes before the alarm fires.
     * @default 5
     */
    readonly periods: number;
  };
}

/** AWS for Fluent Bit's repository on public.ecr.aws. */
export const FLUENT_BIT_REPOSITORY = "aws-observability/aws-for-fluent-bit";

/** The router container's name in each task definition. */
export const LOG_ROUTER_CONTAINER = "log-router";
