import { isUnresolved } from "../../lib/tokens";
import { cidrProblem, ipv4Problem } from "../../lib/cidr";
import { show, type Issue } from "../../lib/validation";
import type { ResolvedAgent, ResolvedGatewayConfig } from "./nginx-config";

export const AGENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const ROUTE_PATH = /^\/[a-z0-9][a-z0-9-]*\/$/;
export const AFFINITIES = ["client-ip", "cookie", "none"] as const;
const MAX_TIMEOUT_SECONDS = 604_800;
const MAX_KEEPALIVE = 1024;

const DNS_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// Anything that could end a directive, open a block, start a comment or a variable in nginx.
const UNSAFE = /[\s;{}'"`$\\#]/;
const UNSAFE_TEXT = 'whitespace, quotes, ";", "{", "}", "#", "$" or "\\"';

/** Every gateway rule, on the configuration with its defaults filled in. */
export function gatewayIssues(c: ResolvedGatewayConfig): Issue[] {
  return [
    ...agentIssues(c),
    ...listenerIssues(c),
    ...routeIssues(c),
    ...proxyProtocolIssues(c),
    ...upstreamTlsIssues(c),
    ...hostIssues(c),
  ];
}

function agentIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  if (c.agents.length === 0) {
    issues.push({ path: ["agents"], message: "is empty; list at least one DCV agent" });
    return issues;
  }
  c.agents.forEach((a, i) => {
    const at = (field: string): (string | number)[] => ["agents", i, field];
    if (!AGENT_NAME.test(a.name)) {
      issues.push({
        path: at("name"),
        message: `${show(a.name)} is not a valid agent name; use [a-z][a-z0-9-]{0,31} (a lower-case letter, then up to 31 lower-case letters, digits or hyphens)`,
      });
    }
    const sameName = c.agents.findIndex((b) => b.name === a.name);
    if (sameName !== i) {
      issues.push({
        path: at("name"),
        message: `${show(a.name)} is already the name of agents[${sameName}]; agent names must be unique`,
      });
    }
    const problem = addressProblem(a.address);
    if (problem !== undefined) issues.push({ path: at("address"), message: problem });
    const sameTarget = c.agents.findIndex((b) => b.address === a.address && b.port === a.port);
    if (sameTarget !== i) {
      issues.push({
        path: at("address"),
        message: `${show(`${a.address}:${a.port}`)} is already the target of agents[${sameTarget}]; each agent needs its own address and port`,
      });
    }
    if (!isIntIn(a.port, 1, 65535)) issues.push({ path: at("port"), message: portMessage(a.port) });
    if (!isIntIn(a.weight, 1, 100)) {
      issues.push({
        path: at("weight"),
        message: `${show(a.weight)} is not allowed; use an integer from 1 to 100`,
      });
    }
    issues.push(...failureIssues(a, i));
    const prefixed = a.webUrlPath !== "/";
    if (prefixed) {
      for (const key of ["backup", "drain"] as const) {
        if (a[key]) {
          issues.push({
            path: at(key),
            message: `is true but ${show(a.name)} is served only under its webUrlPath ${show(a.webUrlPath)}, not in the pool; ${key} applies to pool agents (webUrlPath "/")`,
          });
        }
      }
    } else if (a.backup && c.affinity !== "none") {
      issues.push({
        path: at("backup"),
        message: `is true but affinity is ${show(c.affinity)}, and nginx rejects backup servers in a hash upstream; set affinity "none" (round robin by weight) to keep a backup agent, or drop backup`,
      });
    }
  });
  const pool = c.agents.filter((a) => a.webUrlPath === "/");
  if (pool.length === 0) return issues;
  if (!pool.every((a) => a.backup) && pool.every((a) => a.backup || a.drain)) {
    issues.push({
      path: ["agents"],
      message: `drains every primary pool agent; keep at least one pool agent that is neither backup nor drain, or new sessions have nowhere to go`,
    });
  }
  if (pool.every((a) => a.backup)) {
    issues.push({
      path: ["agents"],
      message: `marks all ${pool.length} pool agents as backup; at least one must not be a backup, or nginx has no primary to send traffic to`,
    });
  }
  return issues;
}

function failureIssues(a: ResolvedAgent, i: number): Issue[] {
  const issues: Issue[] = [];
  if (!isIntIn(a.maxFails, 0, Number.MAX_SAFE_INTEGER)) {
    issues.push({
      path: ["agents", i, "maxFails"],
      message: `${show(a.maxFails)} is not allowed; use an integer of 0 or more (0 never marks the agent down)`,
    });
  }
  if (!isIntIn(a.failTimeoutSeconds, 1, Number.MAX_SAFE_INTEGER)) {
    issues.push({
      path: ["agents", i, "failTimeoutSeconds"],
      message: `${show(a.failTimeoutSeconds)} is not allowed; use a whole number of seconds, 1 or more`,
    });
  }
  return issues;
}

function listenerIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  if (!isIntIn(c.listenPort, 1, 65535)) {
    issues.push({ path: ["listenPort"], message: portMessage(c.listenPort) });
  }
  if (!isIntIn(c.healthPort, 1, 65535)) {
    issues.push({ path: ["healthPort"], message: portMessage(c.healthPort) });
  } else if (c.healthPort === c.listenPort) {
    issues.push({
      path: ["healthPort"],
      message: `${c.healthPort} is also the listenPort; the health endpoint needs a port of its own (plain HTTP, no PROXY protocol)`,
    });
  }
  const listenProblem = known(c.listenAddress) ? ipv4Problem(c.listenAddress) : undefined;
  if (listenProblem !== undefined) {
    issues.push({
      path: ["listenAddress"],
      message: `${show(c.listenAddress)} is not an IPv4 address (${listenProblem}); use a.b.c.d, e.g. "0.0.0.0" for every interface or "127.0.0.1"`,
    });
  }
  for (const key of ["readTimeoutSeconds", "sendTimeoutSeconds"] as const) {
    if (!isIntIn(c[key], 1, MAX_TIMEOUT_SECONDS)) {
      issues.push({
        path: [key],
        message: `${show(c[key])} is not allowed; use a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (7 days)`,
      });
    }
  }
  if (!isIntIn(c.keepaliveConnections, 1, MAX_KEEPALIVE)) {
    issues.push({
      path: ["keepaliveConnections"],
      message: `${show(c.keepaliveConnections)} is not allowed; use an integer from 1 to ${MAX_KEEPALIVE}`,
    });
  }
  if (!(AFFINITIES as readonly string[]).includes(c.affinity)) {
    issues.push({
      path: ["affinity"],
      message: `${show(c.affinity)} is not an affinity mode; allowed: ${AFFINITIES.map((a) => show(a)).join(", ")}`,
    });
  }
  return issues;
}

function routeIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  c.agents.forEach((a, i) => {
    const path = ["agents", i, "webUrlPath"];
    if (a.webUrlPath === "/") return;
    if (!ROUTE_PATH.test(a.webUrlPath)) {
      issues.push({
        path,
        message: `${show(a.webUrlPath)} is not a web-url-path; use "/" (the pool) or "/" + lower-case letters, digits or hyphens + "/", e.g. "/agent1/" (set the same web-url-path on that DCV server)`,
      });
      return;
    }
    const first = c.agents.findIndex((o) => o.webUrlPath === a.webUrlPath);
    if (first !== i) {
      issues.push({
        path,
        message: `${show(a.webUrlPath)} is already the webUrlPath of agents[${first}]; each prefix leads to one agent`,
      });
    }
  });
  return issues;
}

function proxyProtocolIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  if (c.proxyProtocol && c.trustedProxyCidrs.length === 0) {
    issues.push({
      path: ["trustedProxyCidrs"],
      message: `is empty or not set but proxyProtocol is true; list the CIDRs allowed to send PROXY headers (the VPC CIDR or the NLB subnets), or set proxyProtocol false`,
    });
  }
  c.trustedProxyCidrs.forEach((cidr, i) => {
    if (!known(cidr)) return;
    const problem = cidrProblem(cidr);
    if (problem !== undefined) {
      issues.push({
        path: ["trustedProxyCidrs", i],
        message: `${show(cidr)} is not a valid IPv4 CIDR (${problem})`,
      });
    } else if (cidr.endsWith("/0")) {
      issues.push({
        path: ["trustedProxyCidrs", i],
        message: `${show(cidr)} would let any host claim any client address; list the VPC CIDR or the NLB subnets instead`,
      });
    }
  });
  return issues;
}

function upstreamTlsIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  if (c.verifyAgentTls && c.agentCaPath === undefined) {
    issues.push({
      path: ["agentCaPath"],
      message:
        "is missing but verifyAgentTls is true; give the path of the CA bundle that signed the agents' certificates, or set verifyAgentTls false",
    });
  }
  if (c.agentCaPath !== undefined) issues.push(...pathIssues(["agentCaPath"], c.agentCaPath));
  if (c.agentTlsName !== undefined && known(c.agentTlsName) && !DNS_NAME.test(c.agentTlsName)) {
    issues.push({
      path: ["agentTlsName"],
      message: `${show(c.agentTlsName)} is not a DNS name; use letters, digits, hyphens and dots, e.g. "dcv.internal"`,
    });
  }
  return issues;
}

function hostIssues(c: ResolvedGatewayConfig): Issue[] {
  const issues: Issue[] = [];
  if (!LINUX_USER.test(c.user)) {
    issues.push({
      path: ["user"],
      message: `${show(c.user)} is not a user name; use [a-z_][a-z0-9_-]{0,31}, e.g. "nginx" or "www-data"`,
    });
  }
  for (const [key, value] of Object.entries(c.paths)) {
    issues.push(...pathIssues(["paths", key], value));
  }
  return issues;
}

function pathIssues(path: (string | number)[], value: string): Issue[] {
  if (!known(value)) return [];
  if (value.startsWith("/") && !UNSAFE.test(value)) return [];
  return [
    { path, message: `${show(value)} is not allowed; use an absolute path without ${UNSAFE_TEXT}` },
  ];
}

/** Why an agent address cannot go into a server line, or undefined when it can. */
function addressProblem(address: string): string | undefined {
  // Addresses of instances in the same stack are tokens until deploy; Terraform checks them then.
  if (!known(address)) return undefined;
  if (UNSAFE.test(address)) {
    return `${show(address)} contains ${UNSAFE_TEXT}, which would inject nginx configuration; give a bare IPv4 address or DNS name`;
  }
  const looksIpv4 = /^[\d.]+$/.test(address);
  const problem = looksIpv4 ? ipv4Problem(address) : undefined;
  if (looksIpv4 ? problem === undefined : DNS_NAME.test(address)) return undefined;
  return `${show(address)} is not an IPv4 address or DNS name${problem === undefined ? "" : ` (${problem})`}; allowed: a.b.c.d (octets 0-255, no leading zeros) or letters, digits, hyphens and dots, with the port in "port"`;
}

function portMessage(port: number): string {
  return `${show(port)} is not a TCP port; use an integer from 1 to 65535`;
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function known(value: string): boolean {
  return !isUnresolved(value);
}
