import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { Names } from "../../lib/names";

/** What the dashboard shows; each part is optional, like the layers it comes from. */
export interface PlatformDashboardProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Region of the metrics. */
  readonly region: string;
  /**
   * The shared ALB (`arn_suffix`).
   * @default no ALB widgets
   */
  readonly alb?: { readonly arnSuffix: string };
  /**
   * ECS cluster and service names.
   * @default no ECS widgets
   */
  readonly ecs?: { readonly cluster: string; readonly services: readonly string[] };
  /**
   * Error-line metrics of the services' log routers.
   * @default no error-line widget
   */
  readonly errorLines?: readonly { readonly namespace: string; readonly name: string }[];
  /**
   * The database.
   * @default no database widgets
   */
  readonly database?: { readonly kind: "cluster" | "instance"; readonly identifier: string };
  /**
   * The DCV gateway (NLB and target group `arn_suffix`, Auto Scaling group name).
   * @default no DCV widgets
   */
  readonly dcv?: {
    readonly nlbArnSuffix: string;
    readonly targetGroupArnSuffix: string;
    readonly autoScalingGroup: string;
  };
}

type Metric = (string | Record<string, string>)[];

/** One CloudWatch dashboard per environment: ALB, ECS, database and DCV gateway at a glance. */
export class PlatformDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    const widgets: Record<string, unknown>[] = [];
    const graph = (title: string, metrics: Metric[], stat = "Sum") => {
      widgets.push({
        type: "metric",
        width: 12,
        height: 6,
        properties: { title, region: props.region, stat, period: 60, view: "timeSeries", metrics },
      });
    };

    if (props.alb !== undefined) {
      const lb = ["LoadBalancer", props.alb.arnSuffix];
      graph("ALB requests and 5xx", [
        ["AWS/ApplicationELB", "RequestCount", ...lb],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb],
      ]);
      graph(
        "ALB target response time (p90)",
        [["AWS/ApplicationELB", "TargetResponseTime", ...lb]],
        "p90",
      );
    }
    if (props.ecs !== undefined) {
      const { cluster, services } = props.ecs;
      const per = (namespace: string, metric: string) =>
        services.map((service) => [
          namespace,
          metric,
          "ClusterName",
          cluster,
          "ServiceName",
          service,
        ]);
      graph("ECS CPU %", per("AWS/ECS", "CPUUtilization"), "Average");
      graph("ECS memory %", per("AWS/ECS", "MemoryUtilization"), "Average");
      graph("ECS running tasks", per("ECS/ContainerInsights", "RunningTaskCount"), "Average");
    }
    if (props.errorLines !== undefined && props.errorLines.length > 0) {
      graph(
        "Error lines per minute (log routers)",
        props.errorLines.map((m) => [m.namespace, m.name]),
      );
    }
    if (props.database !== undefined) {
      const db = [
        props.database.kind === "cluster" ? "DBClusterIdentifier" : "DBInstanceIdentifier",
        props.database.identifier,
      ];
      graph("Database CPU %", [["AWS/RDS", "CPUUtilization", ...db]], "Average");
      graph("Database connections", [["AWS/RDS", "DatabaseConnections", ...db]], "Maximum");
      graph("Database freeable memory", [["AWS/RDS", "FreeableMemory", ...db]], "Minimum");
    }
    if (props.dcv !== undefined) {
      const target = [
        "LoadBalancer",
        props.dcv.nlbArnSuffix,
        "TargetGroup",
        props.dcv.targetGroupArnSuffix,
      ];
      graph(
        "DCV gateways healthy / unhealthy",
        [
          ["AWS/NetworkELB", "HealthyHostCount", ...target],
          ["AWS/NetworkELB", "UnHealthyHostCount", ...target],
        ],
        "Minimum",
      );
      graph(
        "DCV active connections",
        [["AWS/NetworkELB", "ActiveFlowCount", "LoadBalancer", props.dcv.nlbArnSuffix]],
        "Average",
      );
      graph(
        "DCV gateways in service",
        [
          [
            "AWS/AutoScaling",
            "GroupInServiceInstances",
            "AutoScalingGroupName",
            props.dcv.autoScalingGroup,
          ],
        ],
        "Minimum",
      );
    }

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.names.physical("platform", { maxLength: 255 }),
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
