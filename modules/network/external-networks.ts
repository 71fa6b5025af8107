import { Construct } from "constructs";
import { Token } from "cdktf";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import { cidrProblem, overlaps, parseCidr } from "../../lib/cidr";
import type { Names } from "../../lib/names";
import { show, type Issue } from "../../lib/validation";

/**
 * A network outside the VPC that the private subnets reach through an existing transit gateway
 * (the VPC attachment is created here) or an existing VPC peering connection. The other side
 * must route the VPC CIDR back (TGW route table / peer route tables); nothing here can.
 */
export interface ExternalNetwork {
  /** Short name, [a-z][a-z0-9-]{0,31}; part of construct ids and tags. */
  readonly name: string;
  /** Destination CIDRs routed from every private route table. */
  readonly cidrs: readonly string[];
  /**
   * Existing transit gateway (`tgw-...`, own or shared through RAM); exactly one of
   * transitGatewayId and peeringConnectionId.
   * @default none
   */
  readonly transitGatewayId?: string;
  /**
   * Existing, accepted VPC peering connection (`pcx-...`); exactly one of transitGatewayId and
   * peeringConnectionId.
   * @default none
   */
  readonly peeringConnectionId?: string;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const TGW = /^tgw-[0-9a-f]{8,17}$/;
const PCX = /^pcx-[0-9a-f]{8,17}$/;

/** Every rule on the external networks; paths are relative to the network configuration. */
export function externalNetworkIssues(
  vpcCidr: string,
  networks: readonly ExternalNetwork[],
): Issue[] {
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  const vpc =
    Token.isUnresolved(vpcCidr) || cidrProblem(vpcCidr) !== undefined
      ? undefined
      : parseCidr(vpcCidr);
  const seen: { cidr: string; where: string }[] = [];
  networks.forEach((n, i) => {
    const at = ["externalNetworks", i];
    if (!NAME.test(n.name)) {
      add([...at, "name"], `${show(n.name)} is not a valid name; use [a-z][a-z0-9-]{0,31}`);
    } else if (networks.findIndex((o) => o.name === n.name) !== i) {
      add([...at, "name"], `${show(n.name)} is already used; names must be unique`);
    }
    if ((n.transitGatewayId === undefined) === (n.peeringConnectionId === undefined)) {
      add(
        at,
        `${show(n.name)} needs exactly one of transitGatewayId (tgw-...) or peeringConnectionId (pcx-...)`,
      );
    } else if (n.transitGatewayId !== undefined && !TGW.test(n.transitGatewayId)) {
      add(
        [...at, "transitGatewayId"],
        `${show(n.transitGatewayId)} is not a transit gateway id such as tgw-0123456789abcdef0`,
      );
    } else if (n.peeringConnectionId !== undefined && !PCX.test(n.peeringConnectionId)) {
      add(
        [...at, "peeringConnectionId"],
        `${show(n.peeringConnectionId)} is not a peering connection id such as pcx-0123456789abcdef0`,
      );
    }
    if (n.cidrs.length === 0) add([...at, "cidrs"], "is empty; list the networks to route");
    n.cidrs.forEach((cidr, j) => {
      const path = [...at, "cidrs", j];
      const problem = cidrProblem(cidr);
      if (problem !== undefined) {
        add(path, `${show(cidr)} is not a valid IPv4 CIDR (${problem})`);
        return;
      }
      const block = parseCidr(cidr);
      if (block.prefix === 0) {
        add(path, `${show(cidr)} would send all traffic out; list the external networks`);
        return;
      }
      if (vpc !== undefined && overlaps(vpc, block)) {
        add(
          ["cidr"],
          `${show(vpcCidr)} overlaps externalNetworks[${i}] (${show(n.name)}) ${cidr}; the VPC's local route would shadow it, so pick a VPC CIDR outside the external networks`,
        );
      }
      const clash = seen.find((s) => overlaps(parseCidr(s.cidr), block));
      if (clash !== undefined) {
        add(
          path,
          `${show(cidr)} overlaps ${clash.cidr} of ${clash.where}; each destination may be routed once`,
        );
      }
      seen.push({ cidr, where: `externalNetworks[${i}]` });
    });
  });
  return issues;
}

export interface ExternalRoutesProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** The VPC. */
  readonly vpcId: string;
  /** Private subnets, one per AZ: the transit gateway attachment's interfaces. */
  readonly privateSubnetIds: readonly string[];
  /** Private route tables, one per AZ: they get the routes. */
  readonly privateRouteTableIds: readonly string[];
  /** The validated external networks. */
  readonly networks: readonly ExternalNetwork[];
}

/**
 * Routes from the private tier to networks outside the VPC. Public and isolated tiers get none:
 * the isolated tier never leaves the VPC, and nothing in the public tier talks to these networks.
 */
export class ExternalRoutes extends Construct {
  /** The transit gateway attachments, by transit gateway id. */
  readonly attachments: ReadonlyMap<string, Ec2TransitGatewayVpcAttachment>;

  constructor(scope: Construct, id: string, props: ExternalRoutesProps) {
    super(scope, id);
    const attachments = new Map<string, Ec2TransitGatewayVpcAttachment>();
    for (const n of props.networks) {
      const tgw = n.transitGatewayId;
      if (tgw === undefined || attachments.has(tgw)) continue;
      // A VPC attaches once per transit gateway; the first network naming it names the id.
      attachments.set(
        tgw,
        new Ec2TransitGatewayVpcAttachment(this, `tgw-${n.name}`, {
          transitGatewayId: tgw,
          vpcId: props.vpcId,
          subnetIds: [...props.privateSubnetIds],
          dnsSupport: "enable",
          tags: props.names.nameTag(["tgw", n.name]),
        }),
      );
    }
    this.attachments = attachments;
    for (const n of props.networks) {
      const attachment =
        n.transitGatewayId === undefined ? undefined : attachments.get(n.transitGatewayId);
      props.privateRouteTableIds.forEach((routeTableId, az) => {
        n.cidrs.forEach((cidr, j) => {
          new Route(this, `private-${az}-${n.name}-${j}`, {
            routeTableId,
            destinationCidrBlock: cidr,
            transitGatewayId: n.transitGatewayId,
            vpcPeeringConnectionId: n.peeringConnectionId,
            // The route is rejected until the attachment exists.
            dependsOn: attachment === undefined ? undefined : [attachment],
          });
        });
      });
    }
  }
}
