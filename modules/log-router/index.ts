import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { LogRetentionDays } from "../../lib/log-retention";
import type { Names } from "../../lib/names";
import { metricAlarm } from "../observability/alarm";
import { checkFluentBit } from "./fluent-bit-check";
import { renderFluentBit, routerSections } from "./fluent-bit-config";
import type { RouterImage } from "./image";
import { LOG_ROUTER_CONTAINER, type LogRouterSettings } from "./settings";

export { LOG_ROUTER_CONTAINER } from "./settings";
export type { LogRouterSettings } from "./settings";
export type { RouterImage } from "./image";

/** What a service's router writes to, from the stacks around it. */
export interface LogRouterTargets {
  /** The environment's router settings. */
  readonly settings: LogRouterSettings;
  /** The router image. */
  readonly image: RouterImage;
  /** The central log bucket (operations stack): name and ARN, known before it exists. */
  readonly logBucket: { readonly name: string; readonly arn: string };
  /** The bucket holding the generated configurations. */
  readonly configBucket: { readonly name: string; readonly arn: string };
}

/** Seconds Fluent Bit flushes after SIGTERM (its own default is 5). */
export const ROUTER_GRACE_SECONDS = 30;

export interface ServiceLogRouterProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service (and application container) name. */
  readonly service: string;
  /** Region. */
  readonly region: string;
  /** Partition, for ARNs. */
  readonly partition: string;
  /** Where the router writes. */
  readonly targets: LogRouterTargets;
  /** The service's log group, which receives the error lines (name known before it exists). */
  readonly errorLogGroup: {
    readonly name: string;
    readonly group: CloudwatchLogGroup;
  };
  /** Retention of the router's own log group, as the service's. */
  readonly retentionDays: LogRetentionDays;
  /**
   * Topic of the error-line alarm.
   * @default no alarm
   */
  readonly warningTopicArn?: string;
}

/** The router container's definition (the subset ECS reads). */
export interface LogRouterContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: true;
  readonly firelensConfiguration: {
    readonly type: "fluentbit";
    readonly options: Readonly<Record<string, string>>;
  };
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly memoryReservation: number;
  readonly cpu?: number;
  readonly readonlyRootFilesystem: boolean;
  readonly stopTimeout: number;
  readonly logConfiguration: {
    readonly logDriver: "awslogs";
    readonly options: Readonly<
      Record<"awslogs-group" | "awslogs-region" | "awslogs-stream-prefix", string>
    >;
  };
}

/** The `s3_key_format` of a service: Hive-style date partitions Athena and Glue understand. */
export function archiveKeyFormat(s: LogRouterSettings, service: string): string {
  const hour = s.hourlyPartitions ? "hour=%H/" : "";
  return `/${s.keyPrefix}/${service}/year=%Y/month=%m/day=%d/${hour}%H%M%S-$UUID.gz`;
}

/**
 * A service's FireLens log router: the generated Fluent Bit configuration (checked, then
 * written to S3 for the init image to load), the router's own log group, a metric filter
 * counting the error lines in the service's log group and a warning alarm on it. The
 * service adds `container` to its task and `executionStatements`/`taskStatements` to its
 * roles.
 */
export class ServiceLogRouter extends Construct {
  /** The router's own diagnostics (awslogs). */
  readonly logGroup: CloudwatchLogGroup;
  /** The generated configuration. */
  readonly config: S3Object;
  /** The configuration text. */
  readonly configText: string;
  readonly container: LogRouterContainerDefinition;
  /** The metric counting the service's error lines (for the dashboard). */
  readonly errorMetric: { readonly namespace: string; readonly name: string };
  /** What the task role needs: the config object, the archive prefix, the error log group. */
  readonly taskResources: {
    readonly configObjectArn: string;
    readonly configBucketArn: string;
    readonly archiveArn: string;
    readonly errorLogGroupArn: string;
  };

  constructor(scope: Construct, id: string, props: ServiceLogRouterProps) {
    super(scope, id);
    const { names, service, targets } = props;
    const s = targets.settings;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: names.logGroup("ecs", service, LOG_ROUTER_CONTAINER),
      retentionInDays: props.retentionDays,
      tags: names.nameTag(["logs", service, LOG_ROUTER_CONTAINER]),
    });

    this.configText = renderFluentBit(
      routerSections({
        container: service,
        region: props.region,
        errorPattern: s.errorPattern,
        logGroupName: props.errorLogGroup.name,
        logStreamPrefix: `${service}/`,
        bucket: targets.logBucket.name,
        keyFormat: archiveKeyFormat(s, service),
        totalFileSizeMB: s.totalFileSizeMB,
        uploadTimeoutMinutes: s.uploadTimeoutMinutes,
        graceSeconds: ROUTER_GRACE_SECONDS,
      }),
    );
    const problems = checkFluentBit(this.configText, {
      sections: ["SERVICE", "FILTER", "OUTPUT"],
    });
    if (problems.length > 0) {
      throw new Error(
        `${this.node.path}: the generated Fluent Bit configuration is invalid:\n  ${problems.join("\n  ")}`,
      );
    }
    const key = `${service}.conf`;
    this.config = new S3Object(this, "config", {
      bucket: targets.configBucket.name,
      key,
      content: this.configText,
      contentType: "text/plain",
      tags: names.nameTag(["log-router", service]),
    });
    const configObjectArn = `arn:${props.partition}:s3:::${targets.configBucket.name}/${key}`;
    this.taskResources = {
      configObjectArn,
      configBucketArn: targets.configBucket.arn,
      archiveArn: `${targets.logBucket.arn}/${s.keyPrefix}/${service}/*`,
      errorLogGroupArn: `${props.errorLogGroup.group.arn}:*`,
    };

    this.container = {
      name: LOG_ROUTER_CONTAINER,
      image: targets.image.uri,
      essential: true,
      firelensConfiguration: { type: "fluentbit", options: { "enable-ecs-log-metadata": "true" } },
      environment: [
        { name: "aws_fluent_bit_init_s3_1", value: configObjectArn },
        // The object's key never changes; its hash in the task definition makes a changed
        // configuration a new revision, so ECS replaces the tasks that loaded the old one.
        {
          name: "FLUENT_BIT_CONFIG_SHA256",
          value: createHash("sha256").update(this.configText).digest("hex"),
        },
      ],
      memoryReservation: s.memoryReservationMiB,
      ...(s.cpu > 0 ? { cpu: s.cpu } : {}),
      // The init process writes the merged configuration under /init and the S3 output
      // buffers under /tmp: the router's root file system must stay writable.
      readonlyRootFilesystem: false,
      // SIGKILL comes stopTimeout seconds after SIGTERM: longer than Fluent Bit's Grace, so
      // the S3 output uploads what it buffers before the task stops (a Spot task's two
      // minutes' notice covers both; Fargate allows up to 120 s).
      stopTimeout: ROUTER_GRACE_SECONDS + 10,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": this.logGroup.name,
          "awslogs-region": props.region,
          "awslogs-stream-prefix": LOG_ROUTER_CONTAINER,
        },
      },
    };

    // Only error copies reach the service's group while the router runs: count every event.
    // No default_value: it is published only for ingested events the pattern misses, and
    // the empty pattern misses none; quiet minutes are missing data, not breaching.
    const metric = { namespace: `${names.prefix}/logs`, name: `${service}-error-lines` };
    this.errorMetric = metric;
    new CloudwatchLogMetricFilter(this, "error-lines", {
      name: names.physical([service, "error-lines"], { maxLength: 512 }),
      logGroupName: props.errorLogGroup.group.name,
      pattern: "",
      metricTransformation: { namespace: metric.namespace, name: metric.name, value: "1" },
    });
    if (props.warningTopicArn !== undefined) {
      metricAlarm(this, "error-alarm", {
        names,
        name: `${service}-error-lines`,
        description: `${service}: more than ${s.errorAlarm.threshold} error lines a minute in ${s.errorAlarm.datapointsToAlarm} of the last ${s.errorAlarm.periods} minutes; the lines are in ${props.errorLogGroup.name}`,
        topicArn: props.warningTopicArn,
        threshold: s.errorAlarm.threshold,
        comparison: "GreaterThanThreshold",
        periods: s.errorAlarm.periods,
        datapointsToAlarm: s.errorAlarm.datapointsToAlarm,
        metric: {
          namespace: metric.namespace,
          name: metric.name,
          dimensions: {},
          statistic: "Sum",
        },
      });
    }
  }
}
