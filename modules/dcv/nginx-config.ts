/** One DCV server the gateway proxies to. */
export interface DcvAgentTarget {
  /** Agent name, [a-z][a-z0-9-]{0,31}; used in upstream names and path routes. */
  readonly name: string;
  /** IPv4 address or DNS name nginx proxies to. */
  readonly address: string;
  /**
   * The agent's DCV `web-url-path`: "/" puts it in the pool (served at the root, balanced
   * with the others); "/<prefix>/" serves it only under that prefix, passed on unchanged. A
   * DCV server answers under one path only, so an agent is never in both.
   * @default "/"
   */
  readonly webUrlPath?: string;
  /** DCV server port. @default 8443 */
  readonly port?: number;
  /** Relative share of new pool connections, 1..100 (pool agents only). @default 1 */
  readonly weight?: number;
  /** Only used when every non-backup pool agent is down (pool agents only). @default false */
  readonly backup?: boolean;
  /**
   * Takes no new sessions from the pool (nginx `down`): with hash affinity the other clients
   * keep their agent (pool agents only).
   * @default false
   */
  readonly drain?: boolean;
  /** Failed attempts within failTimeout before the agent is considered down. @default 3 */
  readonly maxFails?: number;
  /** Seconds: window for maxFails and how long the agent then stays down. @default 30 */
  readonly failTimeoutSeconds?: number;
}

/**
 * How the pool keeps a user on one agent. "client-ip": a consistent hash of the real client
 * address (PROXY protocol), right when every user has an address of their own. "cookie": a
 * consistent hash of a random id nginx gives each browser in a cookie (AFFINITY_COOKIE), right
 * when users share an address (Client VPN, SNAT, proxies); clients that drop cookies are
 * balanced per request. "none": round robin by weight (allows backup agents).
 */
export type DcvAffinity = "client-ip" | "cookie" | "none";

/** The cookie that carries a browser's affinity id in "cookie" mode. */
export const AFFINITY_COOKIE = "dcv_gateway_affinity";

/** Files on the gateway host. */
export interface NginxGatewayPaths {
  /** PEM certificate (chain) the TLS listener presents. @default "/etc/nginx/tls/gateway.crt" */
  readonly certificate?: string;
  /** PEM private key of the certificate. @default "/etc/nginx/tls/gateway.key" */
  readonly certificateKey?: string;
  /** Master process pid file. @default "/run/nginx.pid" */
  readonly pid?: string;
  /** JSON access log, one object per line. @default "/var/log/nginx/dcv-access.log" */
  readonly accessLog?: string;
  /** nginx error log (nginx's own line format, level warn). @default "/var/log/nginx/dcv-error.log" */
  readonly errorLog?: string;
  /**
   * Existing directory under which nginx creates its temp directories (client_body, proxy, ...).
   * @default "/var/lib/nginx/tmp"
   */
  readonly tempDir?: string;
}

/** What the gateway's nginx.conf is generated from. */
export interface NginxGatewayConfig {
  /** DCV servers behind the gateway; at least one must not be a backup. */
  readonly agents: readonly DcvAgentTarget[];
  /** TLS listener port for clients (behind the NLB). @default 8443 */
  readonly listenPort?: number;
  /** Plain-HTTP health endpoint port for the NLB; answers without any agent. @default 8081 */
  readonly healthPort?: number;
  /** IPv4 address nginx binds to. @default "0.0.0.0" */
  readonly listenAddress?: string;
  /** Expect a PROXY protocol v2 header from the NLB and use it as the client address. @default true */
  readonly proxyProtocol?: boolean;
  /**
   * CIDRs allowed to send PROXY headers (set_real_ip_from), e.g. the VPC CIDR. Required and
   * non-empty when proxyProtocol is true; there is deliberately no trust-everyone default.
   * @default []
   */
  readonly trustedProxyCidrs?: readonly string[];
  /**
   * Pool affinity (see DcvAffinity). "client-ip" hashes the full address (`hash $remote_addr
   * consistent`; nginx's ip_hash would use only the first three octets).
   * @default "client-ip"
   */
  readonly affinity?: DcvAffinity;
  /** Seconds an idle proxied connection (WebSocket) may stay open; DCV sessions last hours. @default 3600 */
  readonly readTimeoutSeconds?: number;
  /** Seconds a write to an agent may stall before the connection is closed. @default 3600 */
  readonly sendTimeoutSeconds?: number;
  /** Verify the agents' TLS certificates (DCV ships self-signed ones). @default false */
  readonly verifyAgentTls?: boolean;
  /** CA bundle path used when verifyAgentTls is true (required then). @default undefined */
  readonly agentCaPath?: string;
  /**
   * Name sent as SNI to agents and checked against their certificates when verifyAgentTls is
   * true (proxy_ssl_name). @default the upstream name ("dcv-pool", "dcv-route-<agent>")
   */
  readonly agentTlsName?: string;
  /** Idle upstream keepalive connections per worker, 1..1024. @default 16 */
  readonly keepaliveConnections?: number;
  /** User the worker processes run as when the master runs as root. @default "nginx" */
  readonly user?: string;
  /** Paths on the gateway host; tests override them to a temp prefix so nginx runs unprivileged. @default {} */
  readonly paths?: NginxGatewayPaths;
}

/** Every default in one place, so validation and rendering agree on them. */
export const NGINX_GATEWAY_DEFAULTS = {
  agentPort: 8443,
  webUrlPath: "/",
  weight: 1,
  maxFails: 3,
  failTimeoutSeconds: 30,
  listenPort: 8443,
  healthPort: 8081,
  listenAddress: "0.0.0.0",
  proxyProtocol: true,
  affinity: "client-ip",
  readTimeoutSeconds: 3600,
  sendTimeoutSeconds: 3600,
  verifyAgentTls: false,
  keepaliveConnections: 16,
  user: "nginx",
  paths: {
    certificate: "/etc/nginx/tls/gateway.crt",
    certificateKey: "/etc/nginx/tls/gateway.key",
    pid: "/run/nginx.pid",
    accessLog: "/var/log/nginx/dcv-access.log",
    errorLog: "/var/log/nginx/dcv-error.log",
    tempDir: "/var/lib/nginx/tmp",
  },
} as const;

/** An agent with every default filled in. */
export type ResolvedAgent = Required<DcvAgentTarget>;

/**
 * The configuration with every default filled in; what the rules and the renderer read.
 * Properties mean what they mean in NginxGatewayConfig.
 */
export type ResolvedGatewayConfig = Readonly<
  Required<Omit<NginxGatewayConfig, "agents" | "agentCaPath" | "agentTlsName" | "paths">> & {
    agents: readonly ResolvedAgent[];
    agentCaPath: string | undefined;
    agentTlsName: string | undefined;
    paths: Required<NginxGatewayPaths>;
  }
>;

/** Fills in every default; does not validate (nginxConfigIssues does). */
export function resolveGatewayConfig(config: NginxGatewayConfig): ResolvedGatewayConfig {
  const d = NGINX_GATEWAY_DEFAULTS;
  return {
    agents: config.agents.map((a) => ({
      name: a.name,
      address: a.address,
      webUrlPath: a.webUrlPath ?? d.webUrlPath,
      port: a.port ?? d.agentPort,
      weight: a.weight ?? d.weight,
      backup: a.backup ?? false,
      drain: a.drain ?? false,
      maxFails: a.maxFails ?? d.maxFails,
      failTimeoutSeconds: a.failTimeoutSeconds ?? d.failTimeoutSeconds,
    })),
    listenPort: config.listenPort ?? d.listenPort,
    healthPort: config.healthPort ?? d.healthPort,
    listenAddress: config.listenAddress ?? d.listenAddress,
    proxyProtocol: config.proxyProtocol ?? d.proxyProtocol,
    trustedProxyCidrs: config.trustedProxyCidrs ?? [],
    affinity: config.affinity ?? d.affinity,
    readTimeoutSeconds: config.readTimeoutSeconds ?? d.readTimeoutSeconds,
    sendTimeoutSeconds: config.sendTimeoutSeconds ?? d.sendTimeoutSeconds,
    verifyAgentTls: config.verifyAgentTls ?? d.verifyAgentTls,
    agentCaPath: config.agentCaPath,
    agentTlsName: config.agentTlsName,
    keepaliveConnections: config.keepaliveConnections ?? d.keepaliveConnections,
    user: config.user ?? d.user,
    paths: { ...d.paths, ...stripUndefined(config.paths ?? {}) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
