import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { WebSocket } from "ws";
import type { AgentReply } from "./agent";
import { withTimeout } from "./wait";

const LOOPBACK = "127.0.0.1";
const REQUEST_TIMEOUT_MS = 5_000;

export interface HttpResult {
  readonly status: number;
  readonly body: string;
  /** Response headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
}

/** GET over TLS on a fresh connection (no pooling, so each request is balanced on its own). */
export function httpsGet(
  port: number,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpResult> {
  return send(
    httpsRequest({
      host: LOOPBACK,
      port,
      path,
      headers,
      servername: "localhost",
      rejectUnauthorized: false,
      agent: false,
    }),
  );
}

/** Plain-HTTP GET, for the health listener. */
export function httpGet(port: number, path: string): Promise<HttpResult> {
  return send(httpRequest({ host: LOOPBACK, port, path, agent: false }));
}

/** Plain-HTTP GET on a raw connection that first sends a PROXY v2 header, as NLB health checks do. */
export function httpGetAs(clientAddress: string, port: number, path: string): Promise<HttpResult> {
  const raw = netConnect({ host: LOOPBACK, port });
  raw.write(proxyV2Header({ address: clientAddress, port: 40_000 }, { address: LOOPBACK, port }));
  return send(
    httpRequest({ createConnection: () => raw, path, headers: { host: "localhost" } }),
  ).finally(() => {
    raw.destroy();
  });
}

/** The NLB's health check: with PROXY protocol on, it carries the header too. */
export async function healthCheck(port: number, proxyProtocol: boolean): Promise<void> {
  const result = proxyProtocol
    ? await httpGetAs("10.0.0.9", port, "/health")
    : await httpGet(port, "/health");
  if (result.status !== 200) throw new Error(`/health answered ${result.status}`);
}

/** The stand-in agent that answered; fails on anything but a 200 from an agent. */
export function agentReply(result: HttpResult): AgentReply {
  if (result.status !== 200) {
    throw new Error(`expected 200 from an agent, got ${result.status}: ${result.body}`);
  }
  return JSON.parse(result.body) as AgentReply;
}

/** A PROXY protocol v2 header for a TCP/IPv4 connection, as an NLB sends it. */
export function proxyV2Header(
  source: { readonly address: string; readonly port: number },
  destination: { readonly address: string; readonly port: number },
): Buffer {
  const signature = Buffer.from("\r\n\r\n\0\r\nQUIT\n", "binary");
  const header = Buffer.alloc(16 + 12);
  signature.copy(header, 0);
  header[12] = 0x21; // version 2, command PROXY
  header[13] = 0x11; // AF_INET, STREAM
  header.writeUInt16BE(12, 14); // two IPv4 addresses and two ports follow
  Buffer.from(source.address.split(".").map(Number)).copy(header, 16);
  Buffer.from(destination.address.split(".").map(Number)).copy(header, 20);
  header.writeUInt16BE(source.port, 24);
  header.writeUInt16BE(destination.port, 26);
  return header;
}

/**
 * GET over TLS on a raw connection that first sends a PROXY v2 header claiming `clientAddress`,
 * the way the NLB reaches the gateway.
 */
export function httpsGetAs(
  clientAddress: string,
  port: number,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpResult> {
  const raw = netConnect({ host: LOOPBACK, port });
  raw.write(proxyV2Header({ address: clientAddress, port: 40_000 }, { address: LOOPBACK, port }));
  const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: "localhost" });
  const result = send(
    httpRequest({
      createConnection: () => secure,
      path,
      headers: { host: "localhost", ...headers },
    }),
  );
  return result.finally(() => {
    secure.destroy();
    raw.destroy();
  });
}

function send(req: ReturnType<typeof httpRequest>): Promise<HttpResult> {
  const done = new Promise<HttpResult>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("error", reject);
      res.once("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          headers: res.headers,
        });
      });
    });
    req.end();
  });
  return withTimeout(done, REQUEST_TIMEOUT_MS, `GET ${req.path}`).finally(() => req.destroy());
}

/** An open WebSocket to the gateway over TLS (self-signed certificate accepted). */
export function openWebSocket(port: number, path: string): Promise<WebSocket> {
  const ws = new WebSocket(`wss://${LOOPBACK}:${port}${path}`, {
    rejectUnauthorized: false,
    handshakeTimeout: REQUEST_TIMEOUT_MS,
  });
  const opened = new Promise<WebSocket>((resolve, reject) => {
    ws.once("open", () => {
      resolve(ws);
    });
    ws.once("error", reject);
  });
  return withTimeout(opened, REQUEST_TIMEOUT_MS, `WebSocket ${path} to open`).catch(
    (error: unknown) => {
      ws.terminate();
      throw error;
    },
  );
}

/** Sends `text` and resolves with the next message. */
export function echo(ws: WebSocket, text: string): Promise<string> {
  const reply = new Promise<string>((resolve, reject) => {
    ws.once("message", (data: Buffer) => {
      resolve(data.toString("utf8"));
    });
    ws.once("close", (code: number) => {
      reject(new Error(`WebSocket closed (${code})`));
    });
  });
  ws.send(text);
  return withTimeout(reply, REQUEST_TIMEOUT_MS, `echo of ${JSON.stringify(text)}`);
}

/** Resolves with the close code once the WebSocket closes, or fails after `ms`. */
export function closed(ws: WebSocket, ms: number): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  const done = new Promise<number>((resolve) =>
    ws.once("close", (code: number) => {
      resolve(code);
    }),
  );
  return withTimeout(done, ms, "the WebSocket to close");
}
