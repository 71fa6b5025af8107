import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import type { DcvAgentTarget } from "../../modules/dcv/nginx-config";
import { StandInAgent } from "../helpers/nginx/agent";
import { selfSignedCert, type SelfSignedCert } from "../helpers/nginx/certs";
import {
  agentReply,
  closed,
  echo,
  httpGet,
  httpGetAs,
  httpsGet,
  httpsGetAs,
  openWebSocket,
} from "../helpers/nginx/client";
import {
  NGINX_BIN,
  nginxInstalled,
  startGateway,
  type RunningGateway,
  type TestGatewayConfig,
} from "../helpers/nginx/gateway";
import { eventually, sleep } from "../helpers/nginx/wait";

const installed = nginxInstalled();
const inCi = (process.env.CI ?? "") !== "" && process.env.CI !== "false";
if (!installed && !inCi) {
  console.warn(
    `dcv-nginx-live: skipped, ${NGINX_BIN} not found (apt-get install -y nginx to run these tests)`,
  );
}

const TEST_MS = 20_000;

// Without nginx on CI the suite must fail, not skip: the generated config would go untested.
describe.skipIf(!installed && !inCi)("DCV gateway config on a real nginx", () => {
  let root = "";
  let agentCert: SelfSignedCert;
  let gatewayCert: SelfSignedCert;
  let agent1: StandInAgent;
  let agent2: StandInAgent;
  let agent3: StandInAgent;
  /** Serves only under /agent4/, like a DCV server with web-url-path /agent4/. */
  let agent4: StandInAgent;
  const gateways: RunningGateway[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    if (!installed) {
      throw new Error(
        `${NGINX_BIN} is missing but CI is set: install it (apt-get install -y nginx)`,
      );
    }
    root = await mkdtemp(join(tmpdir(), "dcv-nginx-"));
    gatewayCert = await selfSignedCert(root, "gateway");
    agentCert = await selfSignedCert(root, "agent");
    agent1 = new StandInAgent("agent1", agentCert);
    agent2 = new StandInAgent("agent2", agentCert);
    agent3 = new StandInAgent("agent3", agentCert);
    agent4 = new StandInAgent("agent4", agentCert, "/agent4/");
    await Promise.all([agent1.start(), agent2.start(), agent3.start(), agent4.start()]);
  }, 30_000);

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
    // Tests stop agents to simulate outages; the next test starts from all agents up.
    for (const agent of [agent1, agent2, agent3, agent4]) await agent.start();
  });

  afterAll(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
    await Promise.all([agent1, agent2, agent3, agent4].map((a) => a?.stop()));
    if (root !== "") await rm(root, { recursive: true, force: true });
  });

  function target(agent: StandInAgent, extra: Partial<DcvAgentTarget> = {}): DcvAgentTarget {
    return { name: agent.name, address: "127.0.0.1", port: agent.port, ...extra };
  }

  async function launch(config: TestGatewayConfig): Promise<RunningGateway> {
    const gateway = await startGateway(root, gatewayCert, config);
    gateways.push(gateway);
    return gateway;
  }

  async function webSocket(gateway: RunningGateway, path: string): Promise<WebSocket> {
    const ws = await openWebSocket(gateway.listenPort, path);
    sockets.push(ws);
    return ws;
  }

  /** Which agent answered each of `count` sequential requests. */
  async function answers(gateway: RunningGateway, path: string, count: number): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      names.push(agentReply(await httpsGet(gateway.listenPort, path)).agent);
    }
    return names;
  }

  it(
    "nginx -t accepts configs using every feature",
    async () => {
      const routed = await launch({
        agents: [
          target(agent1, { weight: 3, maxFails: 1, failTimeoutSeconds: 5 }),
          target(agent2),
          target(agent3, { backup: true }),
          target(agent4, { webUrlPath: "/agent4/" }),
        ],
        affinity: "none",
        proxyProtocol: true,
        trustedProxyCidrs: ["127.0.0.1/32", "10.0.0.0/16"],
        verifyAgentTls: true,
        agentCaPath: agentCert.certPath,
        agentTlsName: "localhost",
        keepaliveConnections: 8,
      });
      expect(routed.testOutput).toMatch(/test is successful/);
      const hashed = await launch({
        agents: [target(agent1), target(agent2)],
        affinity: "client-ip",
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      expect(hashed.testOutput).toMatch(/test is successful/);
      const cookie = await launch({
        agents: [target(agent1), target(agent2, { drain: true }), target(agent3)],
        affinity: "cookie",
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      expect(cookie.testOutput).toMatch(/test is successful/);
      const prefixesOnly = await launch({
        agents: [target(agent4, { webUrlPath: "/agent4/" })],
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      expect(prefixesOnly.testOutput).toMatch(/test is successful/);
    },
    TEST_MS,
  );

  it(
    "sends no new requests to a drained agent, and nginx -t accepts down with client-ip affinity",
    async () => {
      const gateway = await launch({
        agents: [target(agent1, { drain: true }), target(agent2)],
        affinity: "client-ip",
        proxyProtocol: false,
      });
      expect(gateway.testOutput).toMatch(/test is successful/);
      expect(new Set(await answers(gateway, "/", 6))).toEqual(new Set(["agent2"]));
    },
    TEST_MS,
  );

  it(
    "answers plain health checks when PROXY protocol is off",
    async () => {
      const gateway = await launch({ agents: [target(agent1)], proxyProtocol: false });
      expect(await httpGet(gateway.healthPort, "/health")).toMatchObject({
        status: 200,
        body: "ok\n",
      });
    },
    TEST_MS,
  );

  it(
    "passes an HTTPS request through to the agent with forwarding headers and the client's Host:port",
    async () => {
      const gateway = await launch({ agents: [target(agent1)], proxyProtocol: false });
      const reply = agentReply(
        await httpsGet(gateway.listenPort, "/some/page?x=1", {
          "x-forwarded-for": "6.6.6.6",
          host: "dcv.example.com:8443",
        }),
      );
      expect(reply.agent).toBe("agent1");
      expect(reply.url).toBe("/some/page?x=1");
      // The port survives, so an agent's redirect points back at the client-facing :8443.
      expect(reply.headers.host).toBe("dcv.example.com:8443");
      expect(reply.headers["x-forwarded-proto"]).toBe("https");
      expect(reply.headers["x-real-ip"]).toBe("127.0.0.1");
      // A client-supplied X-Forwarded-For is replaced, not extended.
      expect(reply.headers["x-forwarded-for"]).toBe("127.0.0.1");
    },
    TEST_MS,
  );

  it(
    "passes a WebSocket through both ways",
    async () => {
      const gateway = await launch({ agents: [target(agent1)], proxyProtocol: false });
      const ws = await webSocket(gateway, "/ws");
      expect(await echo(ws, "hello")).toBe("agent1:hello");
      expect(await echo(ws, "again")).toBe("agent1:again");
    },
    TEST_MS,
  );

  it(
    "keeps an idle WebSocket open within readTimeoutSeconds and closes it after",
    async () => {
      const gateway = await launch({
        agents: [target(agent1)],
        proxyProtocol: false,
        readTimeoutSeconds: 2,
      });
      const ws = await webSocket(gateway, "/ws");
      expect(await echo(ws, "start")).toBe("agent1:start");
      await sleep(1_000);
      expect(ws.readyState).toBe(ws.OPEN);
      expect(await echo(ws, "after 1 s idle")).toBe("agent1:after 1 s idle");
      const idleSince = Date.now();
      const code = await closed(ws, 6_000);
      const idleMs = Date.now() - idleSince;
      // 1006: the TCP connection was cut without a close frame, i.e. by nginx, not the agent.
      expect(code).toBe(1006);
      expect(idleMs).toBeGreaterThanOrEqual(1_500);
      expect(idleMs).toBeLessThan(4_500);
    },
    TEST_MS,
  );

  it(
    "fails over to the other agent when the agent a client is pinned to stops (client-ip affinity)",
    async () => {
      const gateway = await launch({
        agents: [target(agent1), target(agent2)],
        affinity: "client-ip",
        proxyProtocol: false,
      });
      const pinned = await answers(gateway, "/", 4);
      expect(new Set(pinned).size).toBe(1);
      const [primary, other] = pinned[0] === "agent1" ? [agent1, agent2] : [agent2, agent1];
      await primary.stop();
      expect(await answers(gateway, "/", 4)).toEqual(Array(4).fill(other.name));
    },
    TEST_MS,
  );

  it(
    "balances by weight, and uses the backup agent only while every other agent is down",
    async () => {
      const fast = { maxFails: 1, failTimeoutSeconds: 1 };
      const gateway = await launch({
        agents: [
          target(agent1, { ...fast, weight: 3 }),
          target(agent2, { ...fast, weight: 1 }),
          target(agent3, { ...fast, backup: true }),
        ],
        affinity: "none",
        proxyProtocol: false,
      });
      const balanced = await answers(gateway, "/", 12);
      const count = (name: string): number => balanced.filter((n) => n === name).length;
      expect(count("agent3")).toBe(0);
      expect(count("agent2")).toBeGreaterThan(0);
      expect(count("agent1")).toBeGreaterThanOrEqual(2 * count("agent2"));

      await agent1.stop();
      expect(new Set(await answers(gateway, "/", 4))).toEqual(new Set(["agent2"]));
      await agent2.stop();
      expect(await answers(gateway, "/", 4)).toEqual(Array(4).fill("agent3"));

      await agent1.start();
      // nginx retries agent1 once its fail_timeout has passed (1 s, with 1 s clock granularity).
      await eventually(
        async () => {
          const reply = agentReply(await httpsGet(gateway.listenPort, "/"));
          if (reply.agent !== "agent1") throw new Error(`still served by ${reply.agent}`);
        },
        5_000,
        "agent1 to be used again after its restart",
      );
      expect(await answers(gateway, "/", 4)).toEqual(Array(4).fill("agent1"));
    },
    TEST_MS,
  );

  it(
    "serves a prefixed agent only under its web-url-path, prefix kept, never from the pool, 502 rather than another agent",
    async () => {
      // The stand-in answers only under /agent4/: in the pool it would return 404s.
      expect((await httpsGet(agent4.port, "/")).status).toBe(404);
      const gateway = await launch({
        agents: [target(agent4, { webUrlPath: "/agent4/" }), target(agent2)],
        affinity: "none",
        proxyProtocol: false,
      });
      for (let i = 0; i < 6; i++) {
        const reply = agentReply(await httpsGet(gateway.listenPort, `/agent4/session?n=${i}`));
        expect([reply.agent, reply.url]).toEqual(["agent4", `/agent4/session?n=${i}`]);
      }
      expect(await answers(gateway, "/", 6)).toEqual(Array(6).fill("agent2"));
      const ws = await webSocket(gateway, "/agent4/ws");
      expect(await echo(ws, "routed")).toBe("agent4:routed");
      ws.terminate();

      await agent4.stop();
      for (let i = 0; i < 3; i++) {
        const result = await httpsGet(gateway.listenPort, "/agent4/session");
        expect(result.status).toBe(502);
        expect(result.body).not.toContain("agent2");
      }
      expect(agentReply(await httpsGet(gateway.listenPort, "/")).agent).toBe("agent2");
    },
    TEST_MS,
  );

  it(
    "answers 404 at / when every agent is behind its own prefix",
    async () => {
      const gateway = await launch({
        agents: [target(agent4, { webUrlPath: "/agent4/" })],
        proxyProtocol: false,
      });
      expect((await httpsGet(gateway.listenPort, "/")).status).toBe(404);
      expect(agentReply(await httpsGet(gateway.listenPort, "/agent4/")).agent).toBe("agent4");
    },
    TEST_MS,
  );

  it(
    "cookie affinity keeps each browser on one agent although every browser shares one address (SNAT)",
    async () => {
      const gateway = await launch({
        agents: [target(agent1), target(agent2)],
        affinity: "cookie",
        proxyProtocol: true,
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      const cookieName = "dcv_gateway_affinity";
      const chosen = new Set<string>();
      // Sixteen browsers behind one VPN address; all on one agent would be a 1 in 32768 event.
      for (let browser = 0; browser < 16; browser++) {
        const first = await httpsGetAs("203.0.113.7", gateway.listenPort, "/");
        const setCookie = first.headers["set-cookie"]?.[0] ?? "";
        expect(setCookie).toMatch(
          new RegExp(`^${cookieName}=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Strict$`),
        );
        const cookie = setCookie.split(";")[0];
        const agent = agentReply(first).agent;
        for (let i = 0; i < 3; i++) {
          const again = await httpsGetAs("203.0.113.7", gateway.listenPort, "/", { cookie });
          expect(agentReply(again).agent).toBe(agent);
          // A browser that has its cookie is not handed a new one.
          expect(again.headers["set-cookie"]).toBeUndefined();
        }
        chosen.add(agent);
      }
      expect(chosen).toEqual(new Set(["agent1", "agent2"]));
    },
    TEST_MS,
  );

  it(
    "answers the health check with 200 while every agent is down",
    async () => {
      const gateway = await launch({
        agents: [target(agent1), target(agent2)],
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      await Promise.all([agent1.stop(), agent2.stop(), agent3.stop()]);
      // Plain HTTP behind a PROXY v2 header, exactly as NLB health checks arrive with PPv2 on.
      expect(await httpGetAs("10.0.0.9", gateway.healthPort, "/health")).toMatchObject({
        status: 200,
        body: "ok\n",
      });
      expect((await httpGetAs("10.0.0.9", gateway.healthPort, "/anything-else")).status).toBe(404);
      // Without the header nginx drops the connection: the health port speaks what the NLB speaks.
      await expect(httpGet(gateway.healthPort, "/health")).rejects.toThrow();
      expect((await httpsGetAs("203.0.113.7", gateway.listenPort, "/")).status).toBe(502);
    },
    TEST_MS,
  );

  it(
    "takes the client address from a PROXY v2 header sent by a trusted peer",
    async () => {
      const gateway = await launch({
        agents: [target(agent1)],
        proxyProtocol: true,
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      const probe = randomUUID();
      const reply = agentReply(await httpsGetAs("203.0.113.7", gateway.listenPort, `/p?${probe}`));
      expect(reply.headers["x-real-ip"]).toBe("203.0.113.7");
      expect(reply.headers["x-forwarded-for"]).toBe("203.0.113.7");

      const entry = await eventually(
        async () => {
          const found = (await gateway.accessLogEntries()).find((e) =>
            String(e.request).includes(probe),
          );
          if (found === undefined) throw new Error("no access log line yet");
          return found;
        },
        3_000,
        "the access log line",
      );
      expect(entry).toMatchObject({
        client: "203.0.113.7",
        peer: "127.0.0.1",
        request: `GET /p?${probe} HTTP/1.1`,
        status: 200,
        upstream: `127.0.0.1:${agent1.port}`,
        upstream_status: "200",
      });
      expect(typeof entry.request_time).toBe("number");
      expect(entry.upstream_connect_time).toMatch(/^\d+\.\d{3}$/);
      expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);

      // Every connection must start with the header once PROXY protocol is on.
      await expect(httpsGet(gateway.listenPort, "/")).rejects.toThrow();
    },
    TEST_MS,
  );

  it(
    "ignores PROXY v2 addresses from a peer outside trustedProxyCidrs",
    async () => {
      const gateway = await launch({
        agents: [target(agent1)],
        proxyProtocol: true,
        trustedProxyCidrs: ["10.0.0.0/8"],
      });
      const reply = agentReply(await httpsGetAs("203.0.113.7", gateway.listenPort, "/"));
      expect(reply.headers["x-real-ip"]).toBe("127.0.0.1");
      expect(reply.headers["x-forwarded-for"]).toBe("127.0.0.1");
    },
    TEST_MS,
  );

  it(
    "keeps each real client on one agent with client-ip affinity over PROXY v2",
    async () => {
      const gateway = await launch({
        agents: [target(agent1), target(agent2)],
        affinity: "client-ip",
        proxyProtocol: true,
        trustedProxyCidrs: ["127.0.0.1/32"],
      });
      // Sixteen clients, two in the same /24: with random agent ports the hash ring moves, and
      // all sixteen landing on one agent would be a 1 in 32768 event, not a flake.
      const clients = [
        ...Array.from({ length: 14 }, (_, i) => `198.51.${i}.${10 + i}`),
        "203.0.113.7",
        "203.0.113.8",
      ];
      const chosen = new Map<string, string>();
      for (const client of clients) {
        const seen = new Set<string>();
        for (let i = 0; i < 3; i++) {
          seen.add(agentReply(await httpsGetAs(client, gateway.listenPort, "/")).agent);
        }
        expect([client, [...seen]]).toEqual([client, [expect.any(String)]]);
        chosen.set(client, [...seen][0]);
      }
      expect(new Set(chosen.values()).size).toBe(2);
    },
    TEST_MS,
  );

  it(
    "verifies agent certificates against agentCaPath when verifyAgentTls is on",
    async () => {
      const trusting = await launch({
        agents: [target(agent1)],
        proxyProtocol: false,
        verifyAgentTls: true,
        agentCaPath: agentCert.certPath,
        agentTlsName: "localhost",
      });
      expect(agentReply(await httpsGet(trusting.listenPort, "/")).agent).toBe("agent1");
      const wrongCa = await launch({
        agents: [target(agent1)],
        proxyProtocol: false,
        verifyAgentTls: true,
        agentCaPath: gatewayCert.certPath,
        agentTlsName: "localhost",
      });
      expect((await httpsGet(wrongCa.listenPort, "/")).status).toBe(502);
    },
    TEST_MS,
  );
});
