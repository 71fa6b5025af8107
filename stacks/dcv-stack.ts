import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DcvGateway } from "../modules/dcv";
import type { DcvSettings } from "../modules/dcv/settings";
import type { Network } from "../modules/network";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface DcvStackProps extends PlatformStackProps {
  /** The environment's network (VPC, private subnets, endpoint security group). */
  readonly network: Network;
  /** The environment's DCV settings. */
  readonly dcv: DcvSettings;
  /**
   * Topic for the gateway alarms when the config names none (operations stack's critical).
   * @default no notification
   */
  readonly alarmTopicArn?: string;
}

/** `<project>-<env>-dcv`: the DCV gateway behind PrivateLink. */
export class DcvStack extends PlatformStack {
  readonly dcv: DcvGateway;

  constructor(scope: Construct, props: DcvStackProps) {
    super(scope, "dcv", props);
    const net = props.network;
    this.dcv = new DcvGateway(this, "dcv", {
      names: this.names,
      account: this.environment.account,
      region: this.environment.region,
      vpcId: net.vpcId,
      vpcCidr: net.vpcCidr,
      privateSubnetIds: net.subnetIds.private,
      privateSubnetCidrs: net.subnetCidrs.private,
      externalCidrs: net.externalCidrs,
      endpointSecurityGroupId: net.endpointSecurityGroupId,
      apiRoutes: net.apiRoutes,
      settings: { ...props.dcv, alarmTopicArn: props.dcv.alarmTopicArn ?? props.alarmTopicArn },
      production: this.environment.production,
      placements: this.environment.plans.agentPlacement,
      configPath: this.configPath("dcv"),
    });

    const link = this.dcv.privateLink;
    const outputs: Record<string, { value: unknown; description: string }> = {
      endpoint_service_name: {
        value: link.service.serviceName,
        description: "Service name consumers create endpoints for",
      },
      endpoint_service_id: {
        value: link.service.id,
        description: "Endpoint service id (accept connections here)",
      },
      nlb_dns_name: {
        value: link.loadBalancer.dnsName,
        description: "Internal NLB DNS name (in-VPC clients)",
      },
      gateway_security_group_id: {
        value: this.dcv.gatewaySecurityGroup.id,
        description: "Gateway SG",
      },
      gateway_autoscaling_group: {
        value: this.dcv.fleet.group.name,
        description: "Gateway Auto Scaling group",
      },
    };
    if (link.consumerEndpoint !== undefined) {
      outputs.consumer_endpoint_dns_names = {
        value: link.consumerEndpoint.dnsEntry,
        description: "DNS names of the consumer endpoint",
      };
    }
    for (const [id, o] of Object.entries(outputs)) new TerraformOutput(this, id, o);
  }
}
