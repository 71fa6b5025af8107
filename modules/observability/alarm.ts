import type { Construct } from "constructs";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Names } from "../../lib/names";

export interface AlarmSpec {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Short purpose, part of the alarm name. */
  readonly name: string;
  /** What it means when it fires, for whoever gets the e-mail. */
  readonly description: string;
  /** Topic notified on ALARM and OK. */
  readonly topicArn: string;
  /** Threshold. */
  readonly threshold: number;
  /** Comparison with the threshold. */
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
  /**
   * 1-minute periods evaluated (consecutive breaching ones fire it, unless datapointsToAlarm).
   * @default 5
   */
  readonly periods?: number;
  /**
   * Breaching periods among the last `periods` that make it fire ("M out of N"): 1 alerts on
   * the first breaching minute and stays in ALARM until `periods` quiet minutes.
   * @default periods (all of them, consecutively)
   */
  readonly datapointsToAlarm?: number;
  /**
   * Missing data: "notBreaching" for metrics that only exist under load, "breaching" where
   * silence itself is the problem.
   * @default "notBreaching"
   */
  readonly missingData?: "notBreaching" | "breaching";
  /** A single metric ... */
  readonly metric?: {
    readonly namespace: string;
    readonly name: string;
    readonly dimensions: Readonly<Record<string, string>>;
    readonly statistic?: string;
    readonly extendedStatistic?: string;
  };
  /** ... or a metric-math expression (the query with returnData is alarmed on). */
  readonly queries?: readonly CloudwatchMetricAlarmMetricQuery[];
}

/** A CloudWatch alarm in the platform's shape: named by purpose, notifying one topic. */
export function metricAlarm(scope: Construct, id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
  const period = 60;
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: spec.names.physical(spec.name, { maxLength: 255 }),
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.periods ?? 5,
    ...(spec.datapointsToAlarm === undefined ? {} : { datapointsToAlarm: spec.datapointsToAlarm }),
    treatMissingData: spec.missingData ?? "notBreaching",
    alarmActions: [spec.topicArn],
    okActions: [spec.topicArn],
    ...(spec.metric === undefined
      ? { metricQuery: [...(spec.queries ?? [])] }
      : {
          namespace: spec.metric.namespace,
          metricName: spec.metric.name,
          dimensions: { ...spec.metric.dimensions },
          period,
          statistic:
            spec.metric.extendedStatistic === undefined
              ? (spec.metric.statistic ?? "Average")
              : undefined,
          extendedStatistic: spec.metric.extendedStatistic,
        }),
    tags: spec.names.nameTag(["alarm", spec.name]),
  });
}

/** One metric of a metric-math alarm. */
export function query(
  id: string,
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  stat = "Sum",
): CloudwatchMetricAlarmMetricQuery {
  return { id, metric: { namespace, metricName, dimensions: { ...dimensions }, period: 60, stat } };
}
