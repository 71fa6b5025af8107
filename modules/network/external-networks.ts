import { cidrProblem, overlaps, parseCidr } from "../../lib/cidr";
import { isUnresolved } from "../../lib/tokens";
import { show, type Issue } from "../../lib/validation";

/**
 * A network outside the VPC that the private subnets reach through an existing transit gateway
 * (ExternalRoutes creates the VPC attachment) or an existing VPC peering connection. The other side
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
    isUnresolved(vpcCidr) || cidrProblem(vpcCidr) !== undefined ? undefined : parseCidr(vpcCidr);
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
