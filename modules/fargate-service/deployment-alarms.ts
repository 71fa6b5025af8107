import { Construct } from "constructs";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Names } from "../../lib/names";

export interface DeploymentAlarmsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name. */
  readonly service: string;
  /** `arn_suffix` of the ALB. */
  readonly albArnSuffix: string;
  /** `arn_suffix` of each of the service's target groups (blue and green). */
  readonly targetGroupArnSuffixes: readonly string[];
  /**
   * Topic told when an alarm fires.
   * @default none (the alarms only drive rollbacks)
   */
  readonly topicArn?: string;
}

/** 5xx responses per minute from the service's targets that mark a release as failing. */
export const DEPLOYMENT_5XX_PER_MINUTE = 10;

/**
 * The failure signal of a deployment: ECS watches these alarms while it deploys and rolls back
 * when one fires. The circuit breaker alone sees only tasks that fail to start; these see a
 * release that starts but answers with errors or fails its health checks. Each alarm sums the
 * service's target groups, so it covers blue and green alike.
 */
export class DeploymentAlarms extends Construct {
  /** Alarm names, as ECS's `alarms` block wants them. */
  readonly names: string[];

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const { names, service } = props;
    const sum = (metric: string, stat: string): CloudwatchMetricAlarmMetricQuery[] => {
      const ids = props.targetGroupArnSuffixes.map((_, i) => `m${i}`);
      return [
        ...props.targetGroupArnSuffixes.map((tg, i) => ({
          id: ids[i],
          returnData: false,
          metric: {
            namespace: "AWS/ApplicationELB",
            metricName: metric,
            dimensions: { LoadBalancer: props.albArnSuffix, TargetGroup: tg },
            period: 60,
            stat,
          },
        })),
        {
          id: "total",
          expression: ids.map((i) => `FILL(${i}, 0)`).join(" + "),
          label: `${metric} of ${service}`,
          returnData: true,
        },
      ];
    };
    const actions = props.topicArn === undefined ? [] : [props.topicArn];
    const alarm = (alarmId: string, description: string, metric: string, stat: string) =>
      new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: names.physical([service, "deploy", alarmId], { maxLength: 255 }),
        alarmDescription: description,
        comparisonOperator: "GreaterThanThreshold",
        threshold: alarmId === "5xx" ? DEPLOYMENT_5XX_PER_MINUTE : 0,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
        metricQuery: sum(metric, stat),
        alarmActions: actions,
        okActions: actions,
        tags: names.nameTag(["alarm", service, "deploy", alarmId]),
      });
    this.names = [
      alarm(
        "5xx",
        `${service}: more than ${DEPLOYMENT_5XX_PER_MINUTE} 5xx responses per minute from its targets for 2 minutes; rolls back a deployment in progress`,
        "HTTPCode_Target_5XX_Count",
        "Sum",
      ),
      alarm(
        "unhealthy",
        `${service}: unhealthy targets for 2 minutes; rolls back a deployment in progress`,
        "UnHealthyHostCount",
        "Maximum",
      ),
    ].map((a) => a.alarmName);
  }
}
