import { blockSize, contains, formatCidr, parseCidr } from "../../lib/cidr";
import { show, type Issue } from "../../lib/validation";
import type { DcvAgentSettings } from "./settings";

export interface AgentPlacement {
  /** Index of the private subnet (AZ slot) the agent goes to. */
  readonly subnetIndex: number;
  /** The agent's fixed private IPv4 address. */
  readonly privateIp: string;
}

/**
 * Where each created agent lives: round-robin over the private subnets, at a fixed address
 * counted down from the top of its subnet (AWS keeps the last one) unless configured. Fixed
 * addresses keep the gateway configuration free of values only known after apply, so the
 * user data is complete, testable text at synth.
 */
export function placeAgents(
  agents: readonly DcvAgentSettings[],
  privateSubnetCidrs: readonly string[],
): { placements: Record<string, AgentPlacement>; issues: Issue[] } {
  const placements: Record<string, AgentPlacement> = {};
  const issues: Issue[] = [];
  const subnets = privateSubnetCidrs.map(parseCidr);
  const used = new Map<string, string>();
  let created = 0;
  agents.forEach((agent, i) => {
    if (agent.instance === undefined) return;
    const k = created++;
    const explicit = agent.instance.privateIp;
    let placement: AgentPlacement;
    if (explicit === undefined) {
      const subnetIndex = k % subnets.length;
      const subnet = subnets[subnetIndex];
      const top = subnet.network + blockSize(subnet.prefix) - 2;
      placement = {
        subnetIndex,
        privateIp: formatCidr({
          network: top - Math.floor(k / subnets.length),
          prefix: 32,
        }).replace("/32", ""),
      };
    } else {
      const subnetIndex = subnets.findIndex((s) => contains(s, parseCidr(`${explicit}/32`)));
      const subnet = subnets[subnetIndex] as (typeof subnets)[number] | undefined;
      const offset =
        subnet === undefined ? -1 : parseCidr(`${explicit}/32`).network - subnet.network;
      if (subnet === undefined || offset < 4 || offset > blockSize(subnet.prefix) - 2) {
        issues.push({
          path: ["agents", i, "instance", "privateIp"],
          message: `${show(explicit)} is not a usable address of the private subnets (${privateSubnetCidrs.join(", ")}); AWS keeps the first four and the last address of each`,
        });
        return;
      }
      placement = { subnetIndex, privateIp: explicit };
    }
    const clash = used.get(placement.privateIp);
    if (clash !== undefined) {
      issues.push({
        path: ["agents", i, "instance", "privateIp"],
        message: `${show(placement.privateIp)} is already agent ${show(clash)}'s address`,
      });
    }
    used.set(placement.privateIp, agent.name);
    placements[agent.name] = placement;
  });
  return { placements, issues };
}
