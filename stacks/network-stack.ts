import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { InterfaceEndpointService } from "../modules/network/endpoint-services";
import { Network } from "../modules/network";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** `<project>-<env>-network`: the VPC every other layer of the environment lives in. */
export class NetworkStack extends PlatformStack {
  readonly network: Network;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "network", props);
    const net = this.environment.network;
    this.network = new Network(this, "network", {
      names: this.names,
      account: this.environment.account,
      region: this.environment.region,
      cidr: net.cidr,
      azCount: net.azCount,
      availabilityZones: net.availabilityZones,
      azSlots: net.azSlots,
      subnets: net.subnets,
      natGateways: net.natGateways,
      // The schema has already checked every name against the catalogue.
      interfaceEndpoints: net.interfaceEndpoints as InterfaceEndpointService[],
      gatewayEndpoints: net.gatewayEndpoints,
      flowLogs: net.flowLogs.enabled ? net.flowLogs : false,
      externalNetworks: net.externalNetworks,
      preventDestroy: this.environment.production,
      // Carved once, while the configuration was validated.
      plan: this.environment.plans.subnets,
      configPath: this.configPath("network"),
    });

    const n = this.network;
    const outputs: Record<string, { value: unknown; description: string }> = {
      vpc_id: { value: n.vpcId, description: "VPC id" },
      vpc_cidr: { value: n.vpcCidr, description: "VPC CIDR" },
      availability_zones: { value: n.availabilityZones, description: "AZ names in slot order" },
      public_subnet_ids: {
        value: n.subnetIds.public,
        description: "Public subnets (ALB, NAT), AZ order",
      },
      private_subnet_ids: {
        value: n.subnetIds.private,
        description: "Private subnets (services), AZ order",
      },
      isolated_subnet_ids: {
        value: n.subnetIds.isolated,
        description: "Isolated subnets (data), AZ order",
      },
      public_route_table_ids: { value: n.routeTableIds.public, description: "Public route table" },
      private_route_table_ids: {
        value: n.routeTableIds.private,
        description: "Private route tables, AZ order",
      },
      isolated_route_table_ids: {
        value: n.routeTableIds.isolated,
        description: "Isolated route table",
      },
      endpoint_security_group_id: {
        value: n.endpointSecurityGroupId,
        description: "SG of the interface endpoints",
      },
      db_subnet_group_name: {
        value: n.dbSubnetGroupName,
        description: "DB subnet group over the isolated tier",
      },
      nat_public_ips: {
        value: n.natPublicIps,
        description: "NAT egress addresses (for allow-lists)",
      },
    };
    for (const [id, o] of Object.entries(outputs)) new TerraformOutput(this, id, o);
  }
}
