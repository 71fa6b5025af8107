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
   * Regular expression (Onigmo, Ruby syntax; no spaces, not starting with `"`) the raw line
   * must match to count as an error: those lines also go to the service's CloudWatch log
   * group, where a metric filter counts them. The default matches the words error, fatal and
   * critical in any case (not NO_ERROR or errors) and pino's numeric levels 50 and 60 in JSON.
   */
  readonly errorPattern: string;
  /**
   * Key prefix in the central log bucket; objects land under
   * `<keyPrefix>/<service>/year=YYYY/month=MM/day=DD/`.
   */
  readonly keyPrefix: string;
  /** Add an `hour=HH/` partition below the day. */
  readonly hourlyPartitions: boolean;
  /**
   * Size of one gzip object before it is uploaded, MB of 1000² bytes (uncompressed), as
   * Fluent Bit reads `total_file_size`; one PutObject takes at most 1000 MB.
   */
  readonly totalFileSizeMB: number;
  /**
   * Minutes after which a smaller object is uploaded anyway: how stale the archive may be,
   * and at most how much a router killed without its grace period loses.
   */
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
     * Minutes in the evaluation window: the alarm returns to OK after this many minutes
     * without a breaching one.
     * @default 5
     */
    readonly periods: number;
    /**
     * Breaching minutes within the window that make the alarm fire (1: the first error).
     * @default 1
     */
    readonly datapointsToAlarm: number;
  };
}

/**
 * The words error, fatal and critical in any case, whole words only (not NO_ERROR, not
 * errors), which also covers JSON string levels (`"level":"error"`, winston), plus pino's
 * numeric levels 50 (error) and 60 (fatal). Matched against the raw line, JSON as text.
 */
export const DEFAULT_ERROR_PATTERN = String.raw`(?i)(\b(error|fatal|critical)\b|"level":\s*(50|60)\b)`;

/**
 * The AWS for Fluent Bit init image pinned by default: the repository's
 * AWS_FOR_FLUENT_BIT_STABLE_VERSION file names 2.34.3.20260623 as the stable release
 * (github.com/aws/aws-for-fluent-bit, commit 02c04aa8437dff3e3db2f9bcc735bdc1a77bd59f).
 */
export const DEFAULT_ROUTER_IMAGE_TAG = "init-2.34.3.20260623";

/** AWS for Fluent Bit's repository on public.ecr.aws. */
export const FLUENT_BIT_REPOSITORY = "aws-observability/aws-for-fluent-bit";

/** The router container's name in each task definition. */
export const LOG_ROUTER_CONTAINER = "log-router";
