import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { PlatformDashboard } from "../modules/observability/dashboard";
import type { DataStack } from "./data-stack";
import type { DcvStack } from "./dcv-stack";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";
import type { ServicesStack } from "./services-stack";

export interface MonitoringStackProps extends PlatformStackProps {
  /** @default none */
  readonly data?: DataStack;
  /** @default none */
  readonly services?: ServicesStack;
  /** @default none */
  readonly dcv?: DcvStack;
}

/**
 * `<project>-<env>-monitoring`: the environment's dashboard. A stack of its own because it
 * reads every other layer, which themselves report to the ops stack.
 */
export class MonitoringStack extends PlatformStack {
  readonly dashboard: PlatformDashboard;

  constructor(scope: Construct, props: MonitoringStackProps) {
    super(scope, "monitoring", props);
    const db = props.data?.database;
    const services = props.services;
    const dcv = props.dcv?.dcv;
    this.dashboard = new PlatformDashboard(this, "dashboard", {
      names: this.names,
      region: this.environment.region,
      alb: services === undefined ? undefined : { arnSuffix: services.alb.loadBalancer.arnSuffix },
      ecs:
        services === undefined
          ? undefined
          : { cluster: services.cluster.cluster.name, services: Object.keys(services.services) },
      errorLines:
        services === undefined
          ? undefined
          : Object.values(services.services).flatMap((svc) =>
              svc.logRouter === undefined ? [] : [svc.logRouter.errorMetric],
            ),
      database:
        db === undefined
          ? undefined
          : {
              kind: db.aurora === undefined ? "instance" : "cluster",
              identifier: db.identifier,
            },
      dcv:
        dcv === undefined
          ? undefined
          : {
              nlbArnSuffix: dcv.privateLink.loadBalancer.arnSuffix,
              targetGroupArnSuffix: dcv.privateLink.targetGroup.arnSuffix,
              autoScalingGroup: dcv.fleet.group.name,
            },
    });
    new TerraformOutput(this, "dashboard_name", {
      value: this.dashboard.dashboard.dashboardName,
      description: "CloudWatch dashboard",
    });
  }
}
