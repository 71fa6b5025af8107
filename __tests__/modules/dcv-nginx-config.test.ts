import { Token } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  nginxConfigIssues,
  renderNginxConfig,
  type DcvAgentTarget,
  type NginxGatewayConfig,
} from "../../modules/dcv/nginx-gateway";
import { ConfigError } from "../../lib/validation";

const AGENT1: DcvAgentTarget = { name: "agent1", address: "10.150.248.180" };
const AGENT2: DcvAgentTarget = { name: "agent2", address: "10.150.248.136" };
const BASE: NginxGatewayConfig = { agents: [AGENT1, AGENT2], trustedProxyCidrs: ["10.150.0.0/16"] };

function config(overrides: Partial<NginxGatewayConfig> = {}): NginxGatewayConfig {
  return { ...BASE, ...overrides };
}

/** The body of the first `<header> {` block, without nested blocks' closing lines. */
function block(text: string, header: string): string {
  const start = text.indexOf(`${header} {`);
  if (start < 0) throw new Error(`no block ${header}`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`block ${header} is not closed`);
}

function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trim());
}

describe("rendered nginx.conf", () => {
  const text = renderNginxConfig(BASE);

  it("is a complete main config with balanced braces", () => {
    expect(lines(text).slice(1, 5)).toEqual([
      "user nginx;",
      "worker_processes auto;",
      "pid /run/nginx.pid;",
      "error_log /var/log/nginx/dcv-error.log warn;",
    ]);
    expect(text).toMatch(/^events \{\n {4}worker_connections \d+;\n\}$/m);
    expect(text).toMatch(/^http \{$/m);
    expect(text.split("{").length).toBe(text.split("}").length);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("defaults: TLS on 0.0.0.0:8443 with PROXY protocol, health on 8081 with it too, client-ip affinity", () => {
    expect(text).toContain("listen 0.0.0.0:8443 ssl proxy_protocol default_server;");
    expect(block(text, "upstream dcv-pool")).toMatch(
      /hash \$remote_addr consistent;[\s\S]*server[\s\S]*keepalive 16;/,
    );
    expect(text).toContain("proxy_read_timeout 3600s;");
    expect(text).toContain("proxy_send_timeout 3600s;");
    expect(text).toContain("proxy_ssl_verify off;");
    expect(text).toContain("ssl_certificate /etc/nginx/tls/gateway.crt;");
    expect(text).toContain("ssl_certificate_key /etc/nginx/tls/gateway.key;");
    expect(text).toContain("access_log /var/log/nginx/dcv-access.log dcv_json;");
    expect(text).toContain("proxy_temp_path /var/lib/nginx/tmp/proxy;");
  });

  it("lists every agent with weight, max_fails, fail_timeout and backup", () => {
    const t = renderNginxConfig(
      config({
        affinity: "none",
        agents: [
          { ...AGENT1, weight: 3, maxFails: 0, failTimeoutSeconds: 10 },
          { ...AGENT2, port: 9443, backup: true },
        ],
      }),
    );
    const pool = block(t, "upstream dcv-pool");
    expect(pool).not.toContain("hash");
    expect(lines(pool)).toContain(
      "server 10.150.248.180:8443 weight=3 max_fails=0 fail_timeout=10s;  # agent1",
    );
    expect(lines(pool)).toContain(
      "server 10.150.248.136:9443 weight=1 max_fails=3 fail_timeout=30s backup;  # agent2",
    );
  });

  it("drains a pool agent with nginx's down flag, keeping hash affinity for the others", () => {
    const t = renderNginxConfig(config({ agents: [{ ...AGENT1, drain: true }, AGENT2] }));
    const pool = block(t, "upstream dcv-pool");
    expect(pool).toContain("hash $remote_addr consistent;");
    expect(lines(pool)).toContain(
      "server 10.150.248.180:8443 weight=1 max_fails=3 fail_timeout=30s down;  # agent1",
    );
  });

  it("passes the client's Host header with its port, so agents' redirects come back to :8443", () => {
    expect(lines(block(text, "server"))).toContain("proxy_set_header Host $http_host;");
    expect(text).not.toContain("proxy_set_header Host $host;");
  });

  it("cookie affinity: hashes a per-browser id from a cookie nginx hands out, falling back to the request id", () => {
    const t = renderNginxConfig(config({ affinity: "cookie" }));
    expect(block(t, "upstream dcv-pool")).toMatch(
      /hash \$dcv_affinity_key consistent;[\s\S]*server[\s\S]*keepalive 16;/,
    );
    expect(t).not.toContain("$remote_addr consistent");
    expect(lines(block(t, "map $cookie_dcv_gateway_affinity $dcv_affinity_key"))).toEqual(
      expect.arrayContaining(['"" $request_id;', "default $cookie_dcv_gateway_affinity;"]),
    );
    expect(lines(block(t, "map $cookie_dcv_gateway_affinity $dcv_affinity_set_cookie"))).toEqual(
      expect.arrayContaining([
        '"" "dcv_gateway_affinity=$request_id; Path=/; Secure; HttpOnly; SameSite=Strict";',
        'default "";',
      ]),
    );
    expect(lines(block(t, "server"))).toContain(
      "add_header Set-Cookie $dcv_affinity_set_cookie always;",
    );
    expect(text).not.toContain("dcv_affinity");
  });

  it("trusts PROXY headers only from the configured CIDRs", () => {
    const tls = block(
      renderNginxConfig(config({ trustedProxyCidrs: ["10.150.0.0/16", "10.151.0.0/24"] })),
      "server",
    );
    expect(lines(tls)).toEqual(
      expect.arrayContaining([
        "set_real_ip_from 10.150.0.0/16;",
        "set_real_ip_from 10.151.0.0/24;",
        "real_ip_header proxy_protocol;",
      ]),
    );
  });

  it("without PROXY protocol has no proxy_protocol and no realip directives", () => {
    const t = renderNginxConfig({ agents: [AGENT1], proxyProtocol: false });
    expect(t).not.toMatch(/proxy_protocol|set_real_ip_from|real_ip_header/);
    expect(t).toContain("listen 0.0.0.0:8443 ssl default_server;");
  });

  it("proxies WebSockets over HTTP/1.1 without buffering, with the configured timeouts", () => {
    const tls = block(
      renderNginxConfig(config({ readTimeoutSeconds: 7200, sendTimeoutSeconds: 120 })),
      "server",
    );
    expect(lines(tls)).toEqual(
      expect.arrayContaining([
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_buffering off;",
        "proxy_request_buffering off;",
        "proxy_read_timeout 7200s;",
        "proxy_send_timeout 120s;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto https;",
        "proxy_ssl_server_name on;",
        "proxy_pass https://dcv-pool;",
      ]),
    );
    expect(block(text, "map $http_upgrade $connection_upgrade")).toContain("default upgrade;");
  });

  it("allows only TLS 1.2 and 1.3, towards clients and towards agents", () => {
    expect(lines(text)).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(lines(text)).toContain("proxy_ssl_protocols TLSv1.2 TLSv1.3;");
    expect(text).not.toMatch(/TLSv1(\.1)?[ ;]/);
  });

  it("verifies agent certificates against the CA bundle when asked", () => {
    const t = renderNginxConfig(
      config({ verifyAgentTls: true, agentCaPath: "/etc/nginx/dcv-ca.pem", agentTlsName: "dcv" }),
    );
    expect(lines(t)).toEqual(
      expect.arrayContaining([
        "proxy_ssl_verify on;",
        "proxy_ssl_trusted_certificate /etc/nginx/dcv-ca.pem;",
        "proxy_ssl_name dcv;",
      ]),
    );
    expect(text).not.toContain("proxy_ssl_name");
  });

  it("serves a prefixed agent only under its web-url-path, keeping the prefix, and never from the pool", () => {
    const AGENT3: DcvAgentTarget = { name: "agent3", address: "10.150.248.7" };
    const t = renderNginxConfig(
      config({
        agents: [
          { ...AGENT1, webUrlPath: "/agent1/" },
          { ...AGENT2, webUrlPath: "/agent2/" },
          AGENT3,
        ],
      }),
    );
    const route = block(t, "upstream dcv-route-agent1");
    expect(route).toContain("server 10.150.248.180:8443 max_fails=3 fail_timeout=30s;");
    expect(route).not.toContain("10.150.248.136");
    // proxy_pass without a URI part passes the request URI on unchanged.
    expect(block(t, "location ^~ /agent1/")).toMatch(/proxy_pass https:\/\/dcv-route-agent1;/);
    expect(block(t, "location ^~ /agent2/")).toMatch(/proxy_pass https:\/\/dcv-route-agent2;/);
    const pool = block(t, "upstream dcv-pool");
    expect(pool).toContain("# agent3");
    expect(pool).not.toMatch(/agent1|agent2/);
  });

  it("answers 404 at / when every agent is behind its own prefix", () => {
    const t = renderNginxConfig(
      config({
        agents: [
          { ...AGENT1, webUrlPath: "/agent1/" },
          { ...AGENT2, webUrlPath: "/agent2/" },
        ],
      }),
    );
    expect(t).not.toContain("upstream dcv-pool");
    expect(lines(block(t, "location /"))).toContain("return 404;");
    // Nothing to be sticky in: no affinity cookie is handed out.
    const cookie = renderNginxConfig(
      config({ affinity: "cookie", agents: [{ ...AGENT1, webUrlPath: "/agent1/" }] }),
    );
    expect(cookie).not.toContain("dcv_affinity");
  });

  it("serves /health on its own plain-HTTP server that never proxies", () => {
    const t = renderNginxConfig(config({ healthPort: 9000, listenAddress: "10.0.1.5" }));
    const health = t.slice(t.lastIndexOf("server {"));
    // NLB health checks carry the PROXY header once PPv2 is on.
    expect(lines(health)).toContain("listen 10.0.1.5:9000 proxy_protocol default_server;");
    expect(health).toContain("location = /health {");
    expect(health).toContain('return 200 "ok\\n";');
    expect(health).not.toMatch(/proxy_pass|ssl|real_ip/);
    const plain = renderNginxConfig(
      config({ healthPort: 9000, listenAddress: "10.0.1.5", proxyProtocol: false }),
    );
    expect(lines(plain.slice(plain.lastIndexOf("server {")))).toContain(
      "listen 10.0.1.5:9000 default_server;",
    );
  });

  it("writes a JSON access log with the real client and upstream timings", () => {
    const format = /log_format dcv_json escape=json\n((?:\s+'.*'\n?)+);/.exec(text);
    expect(format).not.toBeNull();
    const template = (format?.[1] ?? "")
      .split("\n")
      .map((l) => l.trim().replace(/^'|';?$/g, ""))
      .join("");
    const sample = template.replace(/\$[a-z_0-9]+/g, "1");
    expect(JSON.parse(sample)).toEqual(
      expect.objectContaining({ time: "1", client: "1", request: "1", status: 1 }),
    );
    for (const variable of [
      "$time_iso8601",
      "$remote_addr",
      "$request",
      "$status",
      "$upstream_addr",
      "$upstream_status",
      "$request_time",
      "$upstream_connect_time",
    ]) {
      expect(template).toContain(variable);
    }
  });

  it("uses the configured host paths and user", () => {
    const t = renderNginxConfig(
      config({
        user: "www-data",
        paths: { pid: "/tmp/x/nginx.pid", tempDir: "/tmp/x/tmp", accessLog: "/tmp/x/a.log" },
      }),
    );
    expect(lines(t)).toEqual(
      expect.arrayContaining([
        "user www-data;",
        "pid /tmp/x/nginx.pid;",
        "client_body_temp_path /tmp/x/tmp/client_body;",
        "access_log /tmp/x/a.log dcv_json;",
        "error_log /var/log/nginx/dcv-error.log warn;",
      ]),
    );
  });

  it("passes unresolved tokens through for agent addresses and trusted CIDRs", () => {
    const address = Token.asString({ Ref: "agent1.private_ip" });
    const cidr = Token.asString({ Ref: "vpc.cidr_block" });
    const cfg = config({ agents: [{ ...AGENT1, address }], trustedProxyCidrs: [cidr] });
    expect(nginxConfigIssues(cfg)).toEqual([]);
    const t = renderNginxConfig(cfg);
    expect(t).toContain(`server ${address}:8443`);
    expect(t).toContain(`set_real_ip_from ${cidr};`);
  });

  it("reports every problem at once under the given config path", () => {
    const bad = config({ listenPort: 0, agents: [{ ...AGENT1, weight: 0 }] });
    expect(nginxConfigIssues(bad).map((i) => i.path)).toEqual([
      ["agents", 0, "weight"],
      ["listenPort"],
    ]);
    expect(() => renderNginxConfig(bad, "environments.prod.dcv.gateway")).toThrow(
      /Invalid configuration \(2 problems\):\n {2}environments\.prod\.dcv\.gateway\.agents\[0\]\.weight: .*\n {2}environments\.prod\.dcv\.gateway\.listenPort: /,
    );
  });
});

describe("validation rules: each names the path, the value and what is allowed", () => {
  const a1 = AGENT1;
  const a2 = AGENT2;
  const cases: [string, NginxGatewayConfig, RegExp][] = [
    [
      "no agents",
      config({ agents: [] }),
      /dcv\.gateway\.agents: is empty; list at least one DCV agent$/,
    ],
    [
      "agent name pattern",
      config({ agents: [{ ...a1, name: "Agent_1" }, a2] }),
      /agents\[0\]\.name: "Agent_1" is not a valid agent name; use \[a-z\]\[a-z0-9-\]\{0,31\}/,
    ],
    [
      "duplicate agent names",
      config({ agents: [a1, { ...a2, name: "agent1" }] }),
      /agents\[1\]\.name: "agent1" is already the name of agents\[0\]; agent names must be unique/,
    ],
    [
      "duplicate address:port",
      config({ agents: [a1, { ...a2, address: a1.address, port: 8443 }] }),
      /agents\[1\]\.address: "10\.150\.248\.180:8443" is already the target of agents\[0\]; each agent needs its own address and port/,
    ],
    [
      "every primary agent drained",
      config({
        agents: [
          { ...a1, drain: true },
          { ...a2, drain: true },
        ],
      }),
      /dcv\.gateway\.agents: drains every primary pool agent; keep at least one pool agent that is neither backup nor drain/,
    ],
    [
      "every agent a backup",
      config({
        affinity: "none",
        agents: [
          { ...a1, backup: true },
          { ...a2, backup: true },
        ],
      }),
      /agents: marks all 2 pool agents as backup; at least one must not be a backup/,
    ],
    [
      "weight outside 1..100",
      config({ agents: [a1, { ...a2, weight: 101 }] }),
      /agents\[1\]\.weight: 101 is not allowed; use an integer from 1 to 100/,
    ],
    [
      "fractional weight",
      config({ agents: [{ ...a1, weight: 1.5 }, a2] }),
      /agents\[0\]\.weight: 1\.5 is not allowed; use an integer from 1 to 100/,
    ],
    [
      "agent port outside 1..65535",
      config({ agents: [{ ...a1, port: 70000 }, a2] }),
      /agents\[0\]\.port: 70000 is not a TCP port; use an integer from 1 to 65535/,
    ],
    [
      "listenPort 0",
      config({ listenPort: 0 }),
      /listenPort: 0 is not a TCP port; use an integer from 1 to 65535/,
    ],
    [
      "healthPort above 65535",
      config({ healthPort: 65536 }),
      /healthPort: 65536 is not a TCP port; use an integer from 1 to 65535/,
    ],
    [
      "healthPort equal to listenPort",
      config({ listenPort: 8443, healthPort: 8443 }),
      /healthPort: 8443 is also the listenPort; the health endpoint needs a port of its own/,
    ],
    [
      "negative maxFails",
      config({ agents: [{ ...a1, maxFails: -1 }, a2] }),
      /agents\[0\]\.maxFails: -1 is not allowed; use an integer of 0 or more/,
    ],
    [
      "failTimeoutSeconds below 1",
      config({ agents: [a1, { ...a2, failTimeoutSeconds: 0 }] }),
      /agents\[1\]\.failTimeoutSeconds: 0 is not allowed; use a whole number of seconds, 1 or more/,
    ],
    [
      "backup agent with client-ip affinity",
      config({ agents: [a1, { ...a2, backup: true }] }),
      /agents\[1\]\.backup: is true but affinity is "client-ip", and nginx rejects backup servers in a hash upstream; set affinity "none"/,
    ],
    [
      "backup agent with cookie affinity",
      config({ affinity: "cookie", agents: [a1, { ...a2, backup: true }] }),
      /agents\[1\]\.backup: is true but affinity is "cookie", and nginx rejects backup servers in a hash upstream/,
    ],
    [
      "web-url-path without the trailing slash",
      config({ agents: [{ ...a1, webUrlPath: "/agent1" }, a2] }),
      /agents\[0\]\.webUrlPath: "\/agent1" is not a web-url-path; use "\/" \(the pool\) or "\/" \+ lower-case letters, digits or hyphens \+ "\/", e\.g\. "\/agent1\/"/,
    ],
    [
      "web-url-path with two segments",
      config({ agents: [{ ...a1, webUrlPath: "/dcv/agent1/" }, a2] }),
      /agents\[0\]\.webUrlPath: "\/dcv\/agent1\/" is not a web-url-path/,
    ],
    [
      "two agents behind one prefix",
      config({
        agents: [
          { ...a1, webUrlPath: "/agent1/" },
          { ...a2, webUrlPath: "/agent1/" },
        ],
      }),
      /agents\[1\]\.webUrlPath: "\/agent1\/" is already the webUrlPath of agents\[0\]; each prefix leads to one agent/,
    ],
    [
      "a prefixed agent drained as if it were in the pool",
      config({ agents: [{ ...a1, webUrlPath: "/agent1/", drain: true }, a2] }),
      /agents\[0\]\.drain: is true but "agent1" is served only under its webUrlPath "\/agent1\/", not in the pool; drain applies to pool agents/,
    ],
    [
      "proxyProtocol without trustedProxyCidrs",
      { agents: [a1] },
      /trustedProxyCidrs: is empty or not set but proxyProtocol is true; list the CIDRs allowed to send PROXY headers/,
    ],
    [
      "trusted CIDR that is not a CIDR",
      config({ trustedProxyCidrs: ["10.150.0.0/16", "10.150.0.1"] }),
      /trustedProxyCidrs\[1\]: "10\.150\.0\.1" is not a valid IPv4 CIDR \(not in a\.b\.c\.d\/n form\)/,
    ],
    [
      "trusted CIDR with host bits",
      config({ trustedProxyCidrs: ["10.150.3.0/16"] }),
      /trustedProxyCidrs\[0\]: "10\.150\.3\.0\/16" is not a valid IPv4 CIDR \(host bits are set/,
    ],
    [
      "trusting every address",
      config({ trustedProxyCidrs: ["0.0.0.0/0"] }),
      /trustedProxyCidrs\[0\]: "0\.0\.0\.0\/0" would let any host claim any client address/,
    ],
    [
      "read timeout above 7 days",
      config({ readTimeoutSeconds: 604801 }),
      /readTimeoutSeconds: 604801 is not allowed; use a whole number of seconds from 1 to 604800 \(7 days\)/,
    ],
    [
      "send timeout below 1",
      config({ sendTimeoutSeconds: 0 }),
      /sendTimeoutSeconds: 0 is not allowed; use a whole number of seconds from 1 to 604800/,
    ],
    [
      "verifyAgentTls without agentCaPath",
      config({ verifyAgentTls: true }),
      /agentCaPath: is missing but verifyAgentTls is true; give the path of the CA bundle/,
    ],
    [
      "address that injects configuration",
      config({ agents: [{ ...a1, address: "10.0.0.1; include /etc/shadow" }, a2] }),
      /agents\[0\]\.address: "10\.0\.0\.1; include \/etc\/shadow" contains whitespace, quotes, ";", "\{", "\}", "#", "\$" or "\\", which would inject nginx configuration/,
    ],
    [
      "address with a brace",
      config({ agents: [a1, { ...a2, address: "10.0.0.2}" }] }),
      /agents\[1\]\.address: "10\.0\.0\.2\}" contains whitespace/,
    ],
    [
      "address that is not an address",
      config({ agents: [{ ...a1, address: "10.0.0.300" }, a2] }),
      /agents\[0\]\.address: "10\.0\.0\.300" is not an IPv4 address or DNS name \(an octet is above 255\); allowed: a\.b\.c\.d \(octets 0-255, no leading zeros\)/,
    ],
    [
      "address with a leading zero",
      config({ agents: [{ ...a1, address: "10.0.0.010" }, a2] }),
      /agents\[0\]\.address: "10\.0\.0\.010" is not an IPv4 address or DNS name \(the octet "010" has a leading zero, which some tools read as octal; write it as 10\)/,
    ],
    [
      "address with the port in it",
      config({ agents: [{ ...a1, address: "agent1.internal:8443" }, a2] }),
      /agents\[0\]\.address: "agent1\.internal:8443" is not an IPv4 address or DNS name; .*with the port in "port"/,
    ],
    [
      "listenAddress that is not IPv4",
      config({ listenAddress: "localhost" }),
      /listenAddress: "localhost" is not an IPv4 address \(not in a\.b\.c\.d form\); use a\.b\.c\.d/,
    ],
    [
      "keepaliveConnections 0",
      config({ keepaliveConnections: 0 }),
      /keepaliveConnections: 0 is not allowed; use an integer from 1 to 1024/,
    ],
    [
      "unknown affinity",
      config({ affinity: "sticky" as "none" }),
      /affinity: "sticky" is not an affinity mode; allowed: "client-ip", "cookie", "none"/,
    ],
    [
      "user that is not a user name",
      config({ user: "nginx nginx" }),
      /user: "nginx nginx" is not a user name; use \[a-z_\]\[a-z0-9_-\]\{0,31\}/,
    ],
    [
      "relative or unsafe host path",
      config({ paths: { accessLog: "logs/access.log" } }),
      /paths\.accessLog: "logs\/access\.log" is not allowed; use an absolute path without whitespace/,
    ],
    [
      "agentTlsName that is not a DNS name",
      config({ agentTlsName: "dcv agents" }),
      /agentTlsName: "dcv agents" is not a DNS name/,
    ],
  ];

  it.each(cases)("%s", (_name, input, expected) => {
    expect(nginxConfigIssues(input)).toHaveLength(1);
    let message = "";
    try {
      renderNginxConfig(input);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as ConfigError).message;
    }
    expect(message).toMatch(expected);
    expect(message).toMatch(/^Invalid configuration: dcv\.gateway\./);
  });

  it("accepts the shipped-style configuration", () => {
    expect(nginxConfigIssues(BASE)).toEqual([]);
  });
});
