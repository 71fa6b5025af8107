import { execFile, spawn, type ChildProcess } from "node:child_process";
import { constants, accessSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { renderNginxConfig, type NginxGatewayConfig } from "../../../modules/dcv/nginx-gateway";
import type { SelfSignedCert } from "./certs";
import { healthCheck } from "./client";
import { freePorts } from "./ports";
import { eventually, withTimeout } from "./wait";

/** Where Debian's nginx package puts the binary; CI installs it with apt-get. */
export const NGINX_BIN = "/usr/sbin/nginx";

export function nginxInstalled(): boolean {
  try {
    accessSync(NGINX_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What the test chooses; loopback, ports, paths and user are filled in by startGateway. */
export type TestGatewayConfig = Omit<
  NginxGatewayConfig,
  "listenAddress" | "listenPort" | "healthPort" | "paths" | "user"
>;

export interface RunningGateway {
  /** TLS listener on 127.0.0.1. */
  readonly listenPort: number;
  /** Plain-HTTP health listener on 127.0.0.1. */
  readonly healthPort: number;
  /** The rendered nginx.conf. */
  readonly configText: string;
  readonly accessLog: string;
  /** Output of `nginx -t` (nginx writes it to stderr). */
  readonly testOutput: string;
  /** JSON objects of the access log so far. */
  accessLogEntries(): Promise<Record<string, unknown>[]>;
  /** Fast shutdown (TERM) of the whole process group; KILL when it does not exit in time. */
  stop(): Promise<void>;
}

export interface NginxTestResult {
  readonly ok: boolean;
  readonly output: string;
}

/** `nginx -t -p <prefix> -c <conf>`; the prefix keeps every relative path in the temp dir. */
export function nginxConfigTest(prefix: string, confPath: string): Promise<NginxTestResult> {
  return new Promise((resolve) => {
    execFile(
      NGINX_BIN,
      ["-t", "-p", `${prefix}/`, "-c", confPath],
      { timeout: 10_000 },
      (error, stdout, stderr) => {
        resolve({ ok: error === null, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * Renders the configuration for loopback, free ports, the gateway certificate `cert` and a fresh
 * prefix under `root`, checks it
 * with `nginx -t`, starts nginx in the foreground as the current user and waits for /health.
 */
export async function startGateway(
  root: string,
  cert: SelfSignedCert,
  config: TestGatewayConfig,
): Promise<RunningGateway> {
  const prefix = await mkdtemp(join(root, "gateway-"));
  const tempDir = join(prefix, "tmp");
  await mkdir(tempDir);
  const [listenPort, healthPort] = await freePorts(2);
  const accessLog = join(prefix, "access.log");
  const configText = renderNginxConfig({
    ...config,
    listenAddress: "127.0.0.1",
    listenPort,
    healthPort,
    user: userInfo().username,
    paths: {
      certificate: cert.certPath,
      certificateKey: cert.keyPath,
      pid: join(prefix, "nginx.pid"),
      accessLog,
      errorLog: join(prefix, "error.log"),
      tempDir,
    },
  });
  const confPath = join(prefix, "nginx.conf");
  await writeFile(confPath, configText);
  const check = await nginxConfigTest(prefix, confPath);
  if (!check.ok) throw new Error(`nginx -t rejected the config:\n${check.output}\n${configText}`);

  const child = spawn(NGINX_BIN, ["-p", `${prefix}/`, "-c", confPath, "-g", "daemon off;"], {
    // Own process group, so stop() reaches the workers too.
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  const stop = (): Promise<void> => stopGroup(child, exited);
  try {
    const died = exited.then(() => {
      throw new Error(`nginx exited during startup: ${stderr}`);
    });
    // Only startup failures matter; the exit that stop() causes later is expected.
    died.catch(() => undefined);
    await Promise.race([
      eventually(
        () => healthCheck(healthPort, config.proxyProtocol ?? true),
        5_000,
        "nginx /health to answer",
      ),
      died,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    listenPort,
    healthPort,
    configText,
    accessLog,
    testOutput: check.output,
    accessLogEntries: async () =>
      (await readFile(accessLog, "utf8"))
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop,
  };
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // TERM, not QUIT: a graceful stop would wait for open WebSockets to finish.
  process.kill(-pid, "SIGTERM");
  try {
    await withTimeout(exited, 5_000, "nginx to exit after SIGTERM");
  } catch {
    process.kill(-pid, "SIGKILL");
    await withTimeout(exited, 5_000, "nginx to exit after SIGKILL");
  }
}
