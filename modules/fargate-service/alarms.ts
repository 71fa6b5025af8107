import { Construct } from "constructs";
import type { Names } from "../../lib/names";
import { metricAlarm, query } from "../observability/alarm";
import type { AlarmTargets } from "../observability/settings";

export interface ServiceAlarmsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Cluster name. */
  readonly cluster: string;
  /** ECS service name. */
  readonly service: string;
  /** Topics and thresholds. */
  readonly targets: AlarmTargets;
}

/**
 * CPU and memory above what target tracking should hold (warning) and fewer running tasks than
 * desired (critical: deployments failing, tasks crashing or capacity missing).
 */
export class ServiceAlarms extends Construct {
  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { names, targets: t } = props;
    const dimensions = { ClusterName: props.cluster, ServiceName: props.service };
    for (const [alarmId, metric, threshold] of [
      ["cpu", "CPUUtilization", t.thresholds.ecsCpuPercent],
      ["memory", "MemoryUtilization", t.thresholds.ecsMemoryPercent],
    ] as const) {
      metricAlarm(this, alarmId, {
        names,
        name: `${props.service}-${alarmId}`,
        description: `${props.service}: average ${alarmId} above ${threshold} % for 5 minutes although autoscaling targets less`,
        topicArn: t.warning,
        threshold,
        comparison: "GreaterThanThreshold",
        metric: { namespace: "AWS/ECS", name: metric, dimensions },
      });
    }
    // Container Insights publishes both counts; the difference is what is missing.
    metricAlarm(this, "missing-tasks", {
      names,
      name: `${props.service}-missing-tasks`,
      description: `${props.service}: fewer tasks running than desired for 5 minutes`,
      topicArn: t.critical,
      threshold: 0,
      comparison: "GreaterThanThreshold",
      queries: [
        query("desired", "ECS/ContainerInsights", "DesiredTaskCount", dimensions, "Average"),
        query("running", "ECS/ContainerInsights", "RunningTaskCount", dimensions, "Average"),
        {
          id: "missing",
          expression: "desired - running",
          label: "missing tasks",
          returnData: true,
        },
      ],
    });
  }
}
