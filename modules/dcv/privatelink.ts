import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcEndpointConnectionAccepter } from "@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter";
import { VpcEndpointService } from "@cdktf/provider-aws/lib/vpc-endpoint-service";
import type { Names } from "../../lib/names";
import type { DcvConsumerSettings, DcvEndpointServiceSettings } from "./settings";

export interface DcvPrivateLinkProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** VPC of the load balancer and targets. */
  readonly vpcId: string;
  /** Private subnets, one per AZ. */
  readonly subnetIds: readonly string[];
  /** Security group of the NLB. */
  readonly securityGroupId: string;
  /** Client-facing port of the listener and the gateways. */
  readonly listenPort: number;
  /** Gateways' plain-HTTP health port. */
  readonly healthPort: number;
  /** Send PROXY protocol v2 to the gateways. */
  readonly proxyProtocol: boolean;
  /**
   * Seconds an idle TCP flow survives on the listener, 60..6000. TCP passthrough only: a TLS
   * listener's idle timeout is fixed at 350 s, too short for desktop sessions.
   */
  readonly idleTimeoutSeconds: number;
  /** The endpoint service's access control. */
  readonly endpointService: DcvEndpointServiceSettings;
  /** The NLB refuses deletion (production). */
  readonly deletionProtection: boolean;
  /**
   * A consumer endpoint (its VPC, subnets and security group are resolved by the caller).
   * @default none
   */
  readonly consumer?: {
    readonly settings: DcvConsumerSettings;
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly securityGroupId: string;
    /** Accept the connection here (same account, acceptance required). */
    readonly accept: boolean;
  };
}

/**
 * The provider side of PrivateLink (internal NLB exposed as an endpoint service that requires
 * acceptance and lists its principals) and, optionally, a consumer interface endpoint.
 */
export class DcvPrivateLink extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly service: VpcEndpointService;
  readonly consumerEndpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: DcvPrivateLinkProps) {
    super(scope, id);
    const { names } = props;

    this.loadBalancer = new Lb(this, "nlb", {
      name: names.physical("dcv", { maxLength: 32 }),
      loadBalancerType: "network",
      internal: true,
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      // PrivateLink traffic is admitted by the endpoint service (principals + acceptance).
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: "off",
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: props.deletionProtection,
      tags: names.nameTag("dcv"),
    });

    this.targetGroup = new LbTargetGroup(this, "gateways", {
      name: names.physical("dcv-gw", { maxLength: 32 }),
      vpcId: props.vpcId,
      port: props.listenPort,
      protocol: "TCP",
      targetType: "instance",
      // Client addresses travel in the PROXY header; every packet then comes from the NLB,
      // which is what the gateway security group admits.
      proxyProtocolV2: props.proxyProtocol,
      preserveClientIp: "false",
      // DCV sessions are long: give them time to move before a gateway goes away.
      deregistrationDelay: "300",
      connectionTermination: true,
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: String(props.healthPort),
        path: "/health",
        matcher: "200",
        interval: 10,
        healthyThreshold: 3,
        unhealthyThreshold: 3,
      },
      tags: names.nameTag("dcv-gw"),
    });

    new LbListener(this, "listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.listenPort,
      protocol: "TCP",
      tcpIdleTimeoutSeconds: props.idleTimeoutSeconds,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags: names.nameTag("dcv"),
    });

    this.service = new VpcEndpointService(this, "service", {
      acceptanceRequired: props.endpointService.acceptanceRequired,
      networkLoadBalancerArns: [this.loadBalancer.arn],
      allowedPrincipals: [...props.endpointService.allowedPrincipals],
      privateDnsName: props.endpointService.privateDnsName,
      tags: names.nameTag("dcv"),
    });

    const c = props.consumer;
    if (c !== undefined) {
      this.consumerEndpoint = new VpcEndpoint(this, "consumer", {
        vpcId: c.vpcId,
        serviceName: this.service.serviceName,
        vpcEndpointType: "Interface",
        subnetIds: [...c.subnetIds],
        securityGroupIds: [c.securityGroupId],
        privateDnsEnabled: false,
        tags: names.nameTag("dcv-consumer"),
      });
      if (c.accept) {
        new VpcEndpointConnectionAccepter(this, "consumer-accept", {
          vpcEndpointServiceId: this.service.id,
          vpcEndpointId: this.consumerEndpoint.id,
        });
      }
    }
  }
}
