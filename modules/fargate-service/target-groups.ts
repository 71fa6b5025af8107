import { Construct } from "constructs";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { Names } from "../../lib/names";
import type { FargateServiceSettings } from "./settings";
import { targetGroupName } from "./validate";

export interface ServiceTargetGroupsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name (tagged as `Service`, which the routing explainer reads). */
  readonly service: string;
  /** VPC of the tasks. */
  readonly vpcId: string;
  /** The service's settings (health check, stickiness, blue/green). */
  readonly settings: FargateServiceSettings;
  /** Container port the target group forwards to. */
  readonly port: number;
  /** Health check path. */
  readonly healthCheckPath: string;
}

/**
 * The service's target group (ip targets; 2 checks to become healthy, 3 to fail),
 * plus the alternate one ECS shifts traffic to during a blue/green
 * deployment. Created before the listener rules and the ECS service, which both need them.
 */
export class ServiceTargetGroups extends Construct {
  readonly primary: LbTargetGroup;
  readonly alternate?: LbTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupsProps) {
    super(scope, id);
    const make = (tgId: string, alternate: boolean) => {
      const s = props.settings;
      return new LbTargetGroup(this, tgId, {
        name: targetGroupName(props.names.prefix, props.service, props.port, alternate),
        vpcId: props.vpcId,
        port: props.port,
        protocol: "HTTP",
        targetType: "ip",
        deregistrationDelay: String(s.deregistrationDelaySeconds),
        slowStart: s.slowStartSeconds,
        healthCheck: {
          enabled: true,
          path: props.healthCheckPath,
          matcher: s.healthCheckMatcher,
          protocol: "HTTP",
          port: "traffic-port",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        stickiness: s.stickiness
          ? { type: "lb_cookie", enabled: true, cookieDuration: 86400 }
          : { type: "lb_cookie", enabled: false },
        tags: {
          ...props.names.nameTag([props.service, alternate ? "green" : "blue"]),
          Service: props.service,
        },
        // A port change replaces the group under a new name (see targetGroupName): the new
        // one exists before rules and service move to it, then the old one goes.
        lifecycle: { createBeforeDestroy: true },
      });
    };
    this.primary = make("primary", false);
    this.alternate = props.settings.blueGreen.enabled ? make("alternate", true) : undefined;
  }
}
