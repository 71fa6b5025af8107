import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { partitionOf } from "../../lib/arn";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import type { GatewayEndpointService, InterfaceEndpointService } from "./endpoint-services";
import { VpcEndpoints } from "./endpoints";
import type { ApiRoutes } from "../../lib/api-egress";
import type { ExternalNetwork } from "./external-networks";
import { ExternalRoutes } from "./external-routes";
import { VpcFlowLogs, type FlowLogsOptions } from "./flow-logs";
import { SUBNET_TIERS, type SubnetPlan, type SubnetTier, type TierLayout } from "./subnet-plan";
import { networkIssues, type NatStrategy } from "./validate";

export type { SubnetTier } from "./subnet-plan";
export type { ExternalNetwork } from "./external-networks";
export type { NatStrategy } from "./validate";

export interface NetworkProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** AWS account that owns the VPC (scopes the flow-log role's trust). */
  readonly account: string;
  /** Region of the VPC. */
  readonly region: string;
  /** VPC CIDR, /16 to /28, known at synth time. */
  readonly cidr: string;
  /** Number of AZs, 2 to 6, each with one subnet per tier. */
  readonly azCount: number;
  /**
   * AZ names in slot order.
   * @default the first azCount AZs of the region that need no opt-in, looked up at plan time
   */
  readonly availabilityZones?: readonly string[];
  /**
   * Subnet slots reserved per tier (see subnet-plan.ts).
   * @default max(azCount, 4)
   */
  readonly azSlots?: number;
  /**
   * Per-tier subnet mask or explicit CIDRs.
   * @default carved automatically
   */
  readonly subnets?: Partial<Record<SubnetTier, TierLayout>>;
  /** `none`: no internet egress from private subnets; `single`: one NAT; `per-az`: one per AZ. */
  readonly natGateways: NatStrategy;
  /**
   * Interface endpoints in the private subnets.
   * @default []
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /** Gateway endpoints on the private and isolated route tables. */
  readonly gatewayEndpoints: readonly GatewayEndpointService[];
  /** Flow log settings (resolved by config/schema.ts), or false to record nothing. */
  readonly flowLogs: FlowLogsOptions | false;
  /**
   * Networks outside the VPC routed from the private subnets (transit gateway or peering).
   * @default []
   */
  readonly externalNetworks?: readonly ExternalNetwork[];
  /**
   * Subnet CIDRs per tier from an already validated configuration (config/semantic-rules.ts
   * checked every network rule while carving them); the construct then neither checks nor
   * carves again.
   * @default checked and carved here from cidr, azCount, azSlots and subnets
   */
  readonly plan?: SubnetPlan;
  /**
   * Terraform refuses any plan that destroys the VPC, a subnet or the DB subnet group (set it
   * in production: replacing them takes the databases and every service with them).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Prefix for validation errors, so they name the config path the values came from.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * A VPC with public, private (egress) and isolated (data) tiers across 2-6 AZs, NAT per
 * strategy, endpoints, flow logs, a locked default security group and a DB subnet group.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** AZ names in slot order (tokens when looked up at plan time). */
  readonly availabilityZones: readonly string[];
  readonly subnetIds: Readonly<Record<SubnetTier, readonly string[]>>;
  /** Subnet CIDRs per tier, in AZ order, as carved at synth time. */
  readonly subnetCidrs: Readonly<Record<SubnetTier, readonly string[]>>;
  readonly routeTableIds: Readonly<Record<SubnetTier, readonly string[]>>;
  readonly natGatewayIds: readonly string[];
  readonly natPublicIps: readonly string[];
  readonly endpoints: VpcEndpoints;
  readonly endpointSecurityGroupId: string;
  /** Interface endpoints and NAT: how workloads reach the AWS APIs. */
  readonly apiRoutes: ApiRoutes;
  readonly dbSubnetGroupName: string;
  readonly flowLogs?: VpcFlowLogs;
  /** Destinations outside the VPC that the private subnets have a route to. */
  readonly externalCidrs: readonly string[];
  readonly externalRoutes?: ExternalRoutes;
  private readonly names: Names;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const checked = props.plan === undefined ? networkIssues(props) : undefined;
    assertNoIssues(props.configPath ?? this.node.path, checked?.issues ?? []);
    const plan = props.plan ?? checked?.plan;
    if (plan === undefined)
      throw new Error("unreachable: a valid network always has a subnet plan");
    const { names } = props;
    this.names = names;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true, // interface endpoints' private DNS needs both
      tags: names.nameTag("vpc"),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = props.cidr;

    // Without rules the default SG denies everything, so nothing can fall back onto it.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      tags: names.nameTag("default-do-not-use"),
    });

    this.availabilityZones = props.availabilityZones ?? this.lookUpAzs(props.azCount);
    this.subnetCidrs = plan;
    const subnets = {} as Record<SubnetTier, Subnet[]>;
    for (const tier of SUBNET_TIERS) {
      subnets[tier] = plan[tier].map(
        (cidr, az) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            cidrBlock: cidr,
            availabilityZone: this.availabilityZones[az],
            mapPublicIpOnLaunch: false, // nothing gets a public IP by accident, even in public subnets
            tags: { ...names.nameTag([tier, String(az)]), Tier: tier },
            lifecycle: { preventDestroy: props.preventDestroy ?? false },
          }),
      );
    }
    this.subnetIds = {
      public: subnets.public.map((s) => s.id),
      private: subnets.private.map((s) => s.id),
      isolated: subnets.isolated.map((s) => s.id),
    };

    const igw = new InternetGateway(this, "igw", {
      vpcId: this.vpc.id,
      tags: names.nameTag("igw"),
    });
    const publicRt = this.routeTable("public", "public", subnets.public);
    new Route(this, "public-default", {
      routeTableId: publicRt.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    const natCount = { none: 0, single: 1, "per-az": props.azCount }[props.natGateways];
    const nats = Array.from({ length: natCount }, (_, az) => {
      const eip = new Eip(this, `nat-eip-${az}`, {
        domain: "vpc",
        tags: names.nameTag(["nat", String(az)]),
      });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: subnets.public[az].id,
        tags: names.nameTag(["nat", String(az)]),
        dependsOn: [igw],
      });
    });
    this.natGatewayIds = nats.map((n) => n.id);
    this.natPublicIps = nats.map((n) => n.publicIp);

    // One private route table per AZ whatever the NAT strategy: switching strategy then only
    // changes routes, never subnet associations.
    const privateRts = subnets.private.map((subnet, az) => {
      const rt = this.routeTable(`private-${az}`, ["private", String(az)], [subnet]);
      if (nats.length > 0) {
        new Route(this, `private-${az}-default`, {
          routeTableId: rt.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nats[Math.min(az, nats.length - 1)].id,
        });
      }
      return rt;
    });
    // The isolated tier never gets a route out of the VPC.
    const isolatedRt = this.routeTable("isolated", "isolated", subnets.isolated);
    this.routeTableIds = {
      public: [publicRt.id],
      private: privateRts.map((rt) => rt.id),
      isolated: [isolatedRt.id],
    };

    const external = props.externalNetworks ?? [];
    this.externalCidrs = external.flatMap((n) => n.cidrs);
    if (external.length > 0) {
      this.externalRoutes = new ExternalRoutes(this, "external", {
        names,
        vpcId: this.vpc.id,
        privateSubnetIds: this.subnetIds.private,
        privateRouteTableIds: this.routeTableIds.private,
        networks: external,
      });
    }

    this.endpoints = new VpcEndpoints(this, "endpoints", {
      names,
      region: props.region,
      vpcId: this.vpc.id,
      vpcCidr: props.cidr,
      subnetIds: this.subnetIds.private,
      routeTableIds: [...this.routeTableIds.private, ...this.routeTableIds.isolated],
      interfaceServices: props.interfaceEndpoints ?? [],
      gatewayServices: props.gatewayEndpoints,
    });
    this.endpointSecurityGroupId = this.endpoints.securityGroup.id;
    this.apiRoutes = {
      interfaceEndpoints: Object.keys(this.endpoints.interfaceEndpoints),
      hasNat: this.natGatewayIds.length > 0,
    };

    const dbSubnetGroup = new DbSubnetGroup(this, "db-subnet-group", {
      name: names.physical("isolated", { maxLength: 255 }),
      description: "Isolated (data) subnets, no route out of the VPC",
      subnetIds: [...this.subnetIds.isolated],
      tags: names.nameTag("isolated"),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.dbSubnetGroupName = dbSubnetGroup.name;

    if (props.flowLogs !== false) {
      this.flowLogs = new VpcFlowLogs(this, "flow-logs", {
        ...props.flowLogs,
        names,
        vpcId: this.vpc.id,
        account: props.account,
        partition: partitionOf(props.region),
        region: props.region,
      });
    }
  }

  private lookUpAzs(count: number): string[] {
    const azs = new DataAwsAvailabilityZones(this, "azs", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    return Array.from({ length: count }, (_, i) => Token.asString(Fn.element(azs.names, i)));
  }

  private routeTable(
    id: string,
    purpose: string | string[],
    subnets: readonly Subnet[],
  ): RouteTable {
    const rt = new RouteTable(this, `rt-${id}`, {
      vpcId: this.vpc.id,
      tags: this.names.nameTag(purpose),
    });
    subnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `rt-${id}-assoc-${i}`, {
          routeTableId: rt.id,
          subnetId: subnet.id,
        }),
    );
    return rt;
  }
}
