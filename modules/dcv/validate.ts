import { isUnresolved } from "../../lib/tokens";
import { instanceTypeHint, isEc2InstanceType } from "../../config/aws-catalog/ec2";
import {
  blockSize,
  cidrProblem,
  contains,
  ipv4Problem,
  parseCidr,
  parseIpv4,
} from "../../lib/cidr";
import { show, type Issue } from "../../lib/validation";
import { nginxConfigIssues, type DcvAgentTarget, type NginxGatewayConfig } from "./nginx-gateway";
import { placeAgents, type AgentPlacement } from "./placement";
import type { DcvAgentSettings, DcvSettings } from "./settings";

const PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=.@-]+$/;
// SSM parameter names: slash-separated segments of letters, digits and _.-, at most 15 levels.
const SSM_PARAMETER = /^(\/[A-Za-z0-9_.-]+){1,15}$/;
/** AWS caps the NLB TCP listener's idle timeout at 6000 s and starts it at 60 s. */
export const NLB_IDLE_TIMEOUT = { min: 60, max: 6000 } as const;

/** Where the gateway lives and what it can route to: the facts agent addresses are checked against. */
export interface DcvNetworkView {
  /** The VPC CIDR (an unresolved token skips the address checks). */
  readonly vpcCidr: string;
  /** The private subnets: the gateways' tier, the only one whose agents they reach in the VPC. */
  readonly privateSubnetCidrs: readonly string[];
  /** Destinations outside the VPC that the private subnets route to (network.externalNetworks). */
  readonly externalCidrs: readonly string[];
}

/** Address ranges no DCV server can be reached at, with what they are. */
const UNUSABLE: readonly [string, string][] = [
  ["0.0.0.0/8", "a 'this network' address"],
  ["127.0.0.0/8", "a loopback address (the gateway itself)"],
  ["169.254.0.0/16", "a link-local address (instance metadata and other host-local services)"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved address"],
];
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** Why the gateway cannot reach an existing agent at this address, or undefined when it can. */
export function agentReachProblem(address: string, net: DcvNetworkView): string | undefined {
  const at = { network: parseIpv4(address), prefix: 32 };
  const inside = (cidr: string) => contains(parseCidr(cidr), at);
  const unusable = UNUSABLE.find(([cidr]) => inside(cidr));
  if (unusable !== undefined) return `${show(address)} is ${unusable[1]}, not a DCV server`;
  if (!PRIVATE_RANGES.some(inside)) {
    return `${show(address)} is a public address; the gateway reaches agents privately only (RFC 1918 or 100.64.0.0/10), inside the VPC or through network.externalNetworks`;
  }
  if (isUnresolved(net.vpcCidr) || cidrProblem(net.vpcCidr) !== undefined) return undefined;
  if (inside(net.vpcCidr)) {
    const subnet = net.privateSubnetCidrs.find(inside);
    if (subnet !== undefined) {
      // AWS keeps the network address, the next three and the broadcast address of a subnet.
      const block = parseCidr(subnet);
      const offset = at.network - block.network;
      if (offset < 4 || offset === blockSize(block.prefix) - 1) {
        return `${show(address)} is an address AWS reserves in the private subnet ${subnet} (the first four and the last); no instance can have it`;
      }
      return undefined;
    }
    return `${show(address)} is inside the VPC (${net.vpcCidr}) but not in its private subnets (${net.privateSubnetCidrs.join(", ")}), the tier the gateways run in; agents belong there (the public and isolated tiers are for load balancers and data)`;
  }
  const external = net.externalCidrs.find(inside);
  if (external !== undefined) {
    const block = parseCidr(external);
    const last = block.network + blockSize(block.prefix) - 1;
    if (block.prefix <= 30 && (at.network === block.network || at.network === last)) {
      return `${show(address)} is the ${at.network === block.network ? "network" : "broadcast"} address of ${external}, not a host; give the DCV server's own address`;
    }
    return undefined;
  }
  return `${show(address)} is outside the VPC (${net.vpcCidr}) and no declared route leads there (network.externalNetworks: ${net.externalCidrs.length > 0 ? net.externalCidrs.join(", ") : "none"}); add its network with a transit gateway or peering connection, or use an agent inside the VPC`;
}

/** Graviton families (t4g, m7g, c6gn, ...) run arm64 images; everything else here is x86_64. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

/**
 * The address nginx gets for an agent: the configured one, or the instance's private IP once
 * it exists (a placeholder here so the nginx rules can run at synth).
 */
export function agentTarget(agent: DcvAgentSettings, address: string): DcvAgentTarget {
  return {
    name: agent.name,
    address,
    webUrlPath: agent.webUrlPath,
    port: agent.port,
    weight: agent.weight,
    backup: agent.backup,
    drain: agent.drain,
    maxFails: agent.maxFails,
    failTimeoutSeconds: agent.failTimeoutSeconds,
  };
}

/** The nginx generator's view of the settings. */
export function nginxConfigFor(
  s: DcvSettings,
  addresses: readonly string[],
  trustedProxyCidrs: readonly string[],
): NginxGatewayConfig {
  return {
    agents: s.agents.map((a, i) => agentTarget(a, addresses[i])),
    listenPort: s.listenPort,
    healthPort: s.healthPort,
    proxyProtocol: s.proxyProtocol,
    trustedProxyCidrs,
    affinity: s.affinity,
    readTimeoutSeconds: s.readTimeoutSeconds,
    sendTimeoutSeconds: s.sendTimeoutSeconds,
    verifyAgentTls: s.verifyAgentTls,
    agentCaPath: s.agentCaPath,
  };
}

/**
 * Every DCV rule: the infrastructure ones here plus the nginx generator's, so a bad agent list
 * fails at synth with the same paths either way. Paths are relative to the dcv settings.
 */
export function dcvIssues(
  s: DcvSettings,
  net: DcvNetworkView,
  env: { readonly production: boolean },
): Issue[] {
  return checkDcv(s, net, env).issues;
}

/** dcvIssues, with the created agents' placement once there are no issues. */
export function checkDcv(
  s: DcvSettings,
  net: DcvNetworkView,
  env: { readonly production: boolean },
): { issues: Issue[]; placements?: Readonly<Record<string, AgentPlacement>> } {
  const { privateSubnetCidrs } = net;
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  s.agents.forEach((agent, i) => {
    const addressProblem =
      agent.address === undefined || isUnresolved(agent.address)
        ? undefined
        : ipv4Problem(agent.address);
    if ((agent.address === undefined) === (agent.instance === undefined)) {
      add(
        ["agents", i],
        `${show(agent.name)} must have exactly one of address (an existing DCV server) or instance (one this stack creates)`,
      );
    } else if (agent.address !== undefined && addressProblem !== undefined) {
      add(
        ["agents", i, "address"],
        `${show(agent.address)} is not an IPv4 address (${addressProblem}); the gateway's egress rule is a /32 per existing agent`,
      );
    } else if (agent.address !== undefined && !isUnresolved(agent.address)) {
      const problem = agentReachProblem(agent.address, net);
      if (problem !== undefined)
        add(["agents", i, "address"], `agent ${show(agent.name)}: ${problem}`);
    }
    if (agent.instance !== undefined && !isEc2InstanceType(agent.instance.instanceType)) {
      add(
        ["agents", i, "instance", "instanceType"],
        `${show(agent.instance.instanceType)} is not an EC2 instance type this platform knows (such as "g4dn.xlarge"); ${instanceTypeHint(agent.instance.instanceType)}`,
      );
    }
    if (
      agent.instance !== undefined &&
      (agent.instance.amiId === undefined) === (agent.instance.amiParameter === undefined)
    ) {
      add(
        ["agents", i, "instance"],
        `${show(agent.name)} needs exactly one of amiParameter (an SSM parameter) or amiId`,
      );
    }
    const ami = agent.instance?.amiParameter;
    if (ami !== undefined && !SSM_PARAMETER.test(ami)) {
      add(
        ["agents", i, "instance", "amiParameter"],
        `${show(ami)} is not an SSM parameter name such as "/platform/dcv/agent-ami" (slash-separated letters, digits, "_", "." or "-")`,
      );
    }
    const ip = agent.instance?.privateIp;
    const ipProblem = ip === undefined ? undefined : ipv4Problem(ip);
    if (ip !== undefined && ipProblem !== undefined) {
      add(
        ["agents", i, "instance", "privateIp"],
        `${show(ip)} is not an IPv4 address (${ipProblem})`,
      );
    }
  });
  const placed = issues.length === 0 ? placeAgents(s.agents, privateSubnetCidrs) : undefined;
  issues.push(...(placed?.issues ?? []));
  // Created agents are checked at their placed address; while placement is impossible, at a
  // unique placeholder so the nginx rules (names, routes, weights) still run.
  const addresses = s.agents.map(
    (a) =>
      a.address ??
      placed?.placements[a.name]?.privateIp ??
      a.instance?.privateIp ??
      `${a.name}.instance.invalid`,
  );
  // An address already refused above is not reported a second time by the nginx rules.
  const reported = new Set(issues.map((i) => i.path.join(".")));
  issues.push(
    ...nginxConfigIssues(nginxConfigFor(s, addresses, privateSubnetCidrs)).filter(
      (i) => !reported.has(i.path.join(".")),
    ),
  );

  const g = s.gateway;
  if (!isEc2InstanceType(g.instanceType)) {
    add(
      ["gateway", "instanceType"],
      `${show(g.instanceType)} is not an EC2 instance type this platform knows (such as "t3.small"); ${instanceTypeHint(g.instanceType)}`,
    );
  } else if (architectureOf(g.instanceType) !== g.architecture) {
    add(
      ["gateway", "architecture"],
      `${show(g.architecture)} does not match ${show(g.instanceType)}, which is ${architectureOf(g.instanceType)}`,
    );
  }
  if (g.minSize < 2)
    add(
      ["gateway", "minSize"],
      `${show(g.minSize)} is not highly available; run at least 2 gateways`,
    );
  if (g.maxSize < g.minSize || g.maxSize > 20) {
    add(["gateway", "maxSize"], `${show(g.maxSize)} must be between minSize (${g.minSize}) and 20`);
  }

  const tls = g.tls;
  if (tls.source === "secret") {
    if (!SECRET_ARN.test(tls.secretArn)) {
      add(
        ["gateway", "tls", "secretArn"],
        `${show(tls.secretArn)} is not a Secrets Manager secret ARN such as arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dcv-tls-AbCdEf`,
      );
    }
    if (tls.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(tls.kmsKeyArn)) {
      add(["gateway", "tls", "kmsKeyArn"], `${show(tls.kmsKeyArn)} is not a KMS key ARN`);
    }
  } else if (env.production) {
    add(
      ["gateway", "tls", "source"],
      `"self-signed" is not allowed in a production environment: clients would have to trust a certificate nobody issued; store an issued certificate in Secrets Manager and use { source: "secret", secretArn }`,
    );
  } else if (tls.reason.trim().length < 10) {
    add(
      ["gateway", "tls", "reason"],
      `${show(tls.reason)} is too short; say why this environment uses a self-signed certificate (at least 10 characters)`,
    );
  }

  const idle = s.nlbIdleTimeoutSeconds;
  if (!Number.isInteger(idle) || idle < NLB_IDLE_TIMEOUT.min || idle > NLB_IDLE_TIMEOUT.max) {
    add(
      ["nlbIdleTimeoutSeconds"],
      `${show(idle)} is not allowed; the NLB accepts ${NLB_IDLE_TIMEOUT.min} to ${NLB_IDLE_TIMEOUT.max} seconds`,
    );
  } else {
    for (const key of ["readTimeoutSeconds", "sendTimeoutSeconds"] as const) {
      if (s[key] > idle) {
        add(
          [key],
          `${show(s[key])} is longer than nlbIdleTimeoutSeconds (${idle}); the NLB would drop an idle session silently before nginx closes it, so keep it at most ${idle}`,
        );
      }
    }
  }
  s.endpointService.allowedPrincipals.forEach((p, i) => {
    if (p === "*") {
      add(
        ["endpointService", "allowedPrincipals", i],
        `"*" would let every AWS account request a connection; list account, role or user ARNs`,
      );
    } else if (!PRINCIPAL.test(p)) {
      add(
        ["endpointService", "allowedPrincipals", i],
        `${show(p)} is not an IAM principal ARN such as arn:aws:iam::123456789012:root`,
      );
    }
  });
  const dns = s.endpointService.privateDnsName;
  if (dns !== undefined && !HOSTNAME.test(dns)) {
    add(
      ["endpointService", "privateDnsName"],
      `${show(dns)} is not a DNS name such as dcv.example.com`,
    );
  }

  const c = s.consumer;
  if (c !== undefined) {
    if (c.vpcId !== "self" && !/^vpc-[0-9a-f]{8,17}$/.test(c.vpcId)) {
      add(
        ["consumer", "vpcId"],
        `${show(c.vpcId)} must be "self" or a VPC id such as vpc-0123456789abcdef0`,
      );
    }
    if (c.vpcId !== "self" && (c.subnetIds ?? []).length === 0) {
      add(
        ["consumer", "subnetIds"],
        `are required with a VPC id: give the consumer subnets (one per AZ) for the endpoint`,
      );
    }
    (c.subnetIds ?? []).forEach((id, i) => {
      if (!/^subnet-[0-9a-f]{8,17}$/.test(id))
        add(["consumer", "subnetIds", i], `${show(id)} is not a subnet id`);
    });
    c.clientCidrs.forEach((cidr, i) => {
      const problem = cidrProblem(cidr);
      if (problem !== undefined)
        add(["consumer", "clientCidrs", i], `${show(cidr)} is not a valid IPv4 CIDR (${problem})`);
      else if (cidr.endsWith("/0"))
        add(
          ["consumer", "clientCidrs", i],
          `${show(cidr)} admits everyone; list the client networks`,
        );
    });
  }
  return issues.length === 0 ? { issues, placements: placed?.placements } : { issues };
}
