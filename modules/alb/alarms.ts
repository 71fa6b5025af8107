import { Construct } from "constructs";
import type { Names } from "../../lib/names";
import { metricAlarm, query } from "../observability/alarm";
import type { AlarmTargets } from "../observability/settings";

export interface AlbAlarmsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** `arn_suffix` of the ALB. */
  readonly loadBalancerArnSuffix: string;
  /** Topics and thresholds. */
  readonly targets: AlarmTargets;
}

/** 5xx rate (critical) and p90 target response time (warning) of the shared ALB. */
export class AlbAlarms extends Construct {
  constructor(scope: Construct, id: string, props: AlbAlarmsProps) {
    super(scope, id);
    const { names, targets: t } = props;
    const lb = { LoadBalancer: props.loadBalancerArnSuffix };
    metricAlarm(this, "5xx-rate", {
      names,
      name: "alb-5xx-rate",
      description: `More than ${t.thresholds.alb5xxPercent} % of requests answered 5xx (ALB or targets) for 5 minutes`,
      topicArn: t.critical,
      threshold: t.thresholds.alb5xxPercent,
      comparison: "GreaterThanThreshold",
      queries: [
        query("elb", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb),
        query("target", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb),
        query("requests", "AWS/ApplicationELB", "RequestCount", lb),
        // FILL keeps quiet minutes at 0; ELB 5xx join the denominator because RequestCount
        // misses requests the ALB could not route (no healthy target), the outage case.
        {
          id: "rate",
          expression:
            "IF(FILL(requests, 0) + FILL(elb, 0) > 0, 100 * (FILL(elb, 0) + FILL(target, 0)) / (FILL(requests, 0) + FILL(elb, 0)), 0)",
          label: "5xx %",
          returnData: true,
        },
      ],
    });
    metricAlarm(this, "response-time", {
      names,
      name: "alb-target-response-time",
      description: `p90 target response time above ${t.thresholds.albTargetResponseSeconds} s for 5 minutes`,
      topicArn: t.warning,
      threshold: t.thresholds.albTargetResponseSeconds,
      comparison: "GreaterThanThreshold",
      metric: {
        namespace: "AWS/ApplicationELB",
        name: "TargetResponseTime",
        dimensions: lb,
        extendedStatistic: "p90",
      },
    });
  }
}
