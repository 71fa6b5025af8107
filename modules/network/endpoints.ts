import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Names } from "../../lib/names";
import type { GatewayEndpointService, InterfaceEndpointService } from "./endpoint-services";

export interface VpcEndpointsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Region the endpoint service names are built for. */
  readonly region: string;
  /** VPC the endpoints live in. */
  readonly vpcId: string;
  /** The VPC CIDR: the only source allowed to reach the interface endpoints. */
  readonly vpcCidr: string;
  /** Subnets (one per AZ) that get an endpoint network interface. */
  readonly subnetIds: readonly string[];
  /** Route tables that get gateway endpoint routes. */
  readonly routeTableIds: readonly string[];
  /**
   * Interface endpoints to create.
   * @default []
   */
  readonly interfaceServices?: readonly InterfaceEndpointService[];
  /** Gateway endpoints to create. */
  readonly gatewayServices: readonly GatewayEndpointService[];
}

/**
 * Gateway endpoints on the given route tables and interface endpoints (private DNS on) behind
 * one security group that accepts HTTPS from the VPC and nothing else.
 */
export class VpcEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly interfaceEndpoints: Readonly<Partial<Record<InterfaceEndpointService, VpcEndpoint>>>;
  readonly gatewayEndpoints: Readonly<Partial<Record<GatewayEndpointService, VpcEndpoint>>>;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { names } = props;
    const serviceName = (name: string) => `com.amazonaws.${props.region}.${name}`;

    // No egress rules: Terraform removes AWS's default allow-all, and endpoints only answer.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      // A prefix, not a name: create_before_destroy needs the replacement to get a new name.
      namePrefix: `${names.physical("vpc-endpoints", { maxLength: 200 })}-`,
      description: "Interface VPC endpoints: HTTPS from inside the VPC only",
      vpcId: props.vpcId,
      tags: names.nameTag("vpc-endpoints"),
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
      tags: names.nameTag("vpc-endpoints-https"),
    });

    const gateways: Partial<Record<GatewayEndpointService, VpcEndpoint>> = {};
    for (const service of props.gatewayServices) {
      gateways[service] = new VpcEndpoint(this, `gateway-${service}`, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Gateway",
        routeTableIds: [...props.routeTableIds],
        tags: names.nameTag(`vpce-${service}`),
      });
    }
    this.gatewayEndpoints = gateways;

    const interfaces: Partial<Record<InterfaceEndpointService, VpcEndpoint>> = {};
    for (const service of props.interfaceServices ?? []) {
      const slug = service.replace(/\./g, "-");
      interfaces[service] = new VpcEndpoint(this, `interface-${slug}`, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.securityGroup.id],
        tags: names.nameTag(`vpce-${slug}`),
      });
    }
    this.interfaceEndpoints = interfaces;
  }
}
