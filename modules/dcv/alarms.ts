import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Names } from "../../lib/names";

export interface DcvAlarmsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** `arn_suffix` of the NLB. */
  readonly loadBalancerArnSuffix: string;
  /** `arn_suffix` of the gateway target group. */
  readonly targetGroupArnSuffix: string;
  /** Name of the gateway Auto Scaling group. */
  readonly autoScalingGroupName: string;
  /** Gateways the group should keep in service. */
  readonly minGateways: number;
  /**
   * SNS topic to notify.
   * @default none
   */
  readonly topicArn?: string;
}

/** Alarms that say the DCV entry point is degraded before users do. */
export class DcvAlarms extends Construct {
  readonly unhealthyGateways: CloudwatchMetricAlarm;
  readonly gatewaysInService: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DcvAlarmsProps) {
    super(scope, id);
    const actions =
      props.topicArn === undefined
        ? {}
        : { alarmActions: [props.topicArn], okActions: [props.topicArn] };

    this.unhealthyGateways = new CloudwatchMetricAlarm(this, "unhealthy-gateways", {
      alarmName: props.names.physical("dcv-unhealthy-gateways", { maxLength: 255 }),
      alarmDescription: "A DCV gateway fails the NLB health check (/health) for 3 minutes",
      namespace: "AWS/NetworkELB",
      metricName: "UnHealthyHostCount",
      dimensions: {
        LoadBalancer: props.loadBalancerArnSuffix,
        TargetGroup: props.targetGroupArnSuffix,
      },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });

    this.gatewaysInService = new CloudwatchMetricAlarm(this, "gateways-in-service", {
      alarmName: props.names.physical("dcv-gateways-in-service", { maxLength: 255 }),
      alarmDescription: `Fewer than ${props.minGateways} DCV gateways in service for 5 minutes`,
      namespace: "AWS/AutoScaling",
      metricName: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: props.autoScalingGroupName },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 5,
      threshold: props.minGateways,
      comparisonOperator: "LessThanThreshold",
      // No data means the group reports nothing at all: treat that as broken.
      treatMissingData: "breaching",
      ...actions,
    });
  }
}
