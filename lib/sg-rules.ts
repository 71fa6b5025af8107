import type { Construct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** The other side of a rule: another security group, a CIDR, or a managed prefix list. */
export type Peer =
  | { readonly securityGroupId: string }
  | { readonly cidr: string }
  | { readonly prefixListId: string };

export interface TcpRule {
  /** The security group the rule belongs to. */
  readonly securityGroupId: string;
  /** Who may connect (ingress) or be connected to (egress). */
  readonly peer: Peer;
  /** TCP port. */
  readonly port: number;
  /** Why the rule exists; shown in the console. */
  readonly description: string;
}

function peerProps(peer: Peer) {
  if ("securityGroupId" in peer) return { referencedSecurityGroupId: peer.securityGroupId };
  if ("cidr" in peer) return { cidrIpv4: peer.cidr };
  return { prefixListId: peer.prefixListId };
}

/**
 * One TCP port per rule resource: rules are separate resources (never inline blocks), so two
 * security groups can reference each other without a cycle and a rule change never rewrites
 * the group.
 */
export function allowIn(scope: Construct, id: string, rule: TcpRule): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
    ...peerProps(rule.peer),
  });
}

export function allowOut(scope: Construct, id: string, rule: TcpRule): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
    ...peerProps(rule.peer),
  });
}
