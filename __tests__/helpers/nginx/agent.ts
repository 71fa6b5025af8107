import { createServer, type Server } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { WebSocketServer, type RawData } from "ws";
import type { SelfSignedCert } from "./certs";
import { withTimeout } from "./wait";

/** What a stand-in agent answers to every HTTP request. */
export interface AgentReply {
  readonly agent: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A stand-in DCV server on 127.0.0.1: HTTPS requests get a JSON AgentReply, WebSocket
 * messages come back as "<agent>:<message>". Like a DCV server with a `web-url-path`, it
 * answers only under its path (404 elsewhere, WebSocket upgrades refused). It can be stopped
 * and restarted on the same port, which is what failover tests need.
 */
export class StandInAgent {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    readonly name: string,
    private readonly cert: SelfSignedCert,
    /** The DCV web-url-path it serves under. */
    readonly webUrlPath = "/",
  ) {}

  private serves(url: string | undefined): boolean {
    return (url ?? "").startsWith(this.webUrlPath);
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens on the previous port, or on a free one the first time. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer({ key: this.cert.key, cert: this.cert.cert }, (req, res) => {
      if (!this.serves(req.url)) {
        const body = `${this.name} serves only under ${this.webUrlPath}`;
        res.writeHead(404, {
          "content-type": "text/plain",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      const reply: AgentReply = {
        agent: this.name,
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
      };
      const body = JSON.stringify(reply);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
    // Raw sockets, so stop() also cuts TLS handshakes and upgraded WebSockets.
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    const wss = new WebSocketServer({
      server,
      verifyClient: (info: { req: { url?: string } }) => this.serves(info.req.url),
    });
    wss.on("connection", (ws) => {
      ws.on("message", (data) => {
        ws.send(`${this.name}:${rawText(data)}`);
      });
    });
    await withTimeout(this.listen(server), 5_000, `agent ${this.name} to listen`);
    const address = server.address();
    if (typeof address === "object" && address !== null) this.boundPort = address.port;
    this.server = server;
  }

  /** Stops listening and drops every open connection, like a DCV server going away. */
  /**
   * Binds below the kernel's ephemeral range (32768+), where outgoing connections of other
   * tests cannot take the port while the agent is stopped; a restart rebinds the same port,
   * retrying briefly if something else holds it.
   */
  private async listen(server: ReturnType<typeof createServer>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const port =
        this.boundPort !== 0 ? this.boundPort : 20_000 + Math.floor(Math.random() * 12_000);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
          });
        });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await withTimeout(closed, 5_000, `agent ${this.name} to stop`);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString("utf8");
}
