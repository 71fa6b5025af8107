import { spawn } from "node:child_process";

/** What a finished process left: exit code (null when killed), stdout and stderr. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Working directory. */
  readonly cwd: string;
  /** The whole environment of the process (nothing is inherited). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Run `command` through /bin/sh, as npm and cdktf run a script line.
   * @default false
   */
  readonly shell?: boolean;
  /**
   * Killed after this long; the test then fails on its exit code.
   * @default 240_000
   */
  readonly timeoutMs?: number;
}

/**
 * Runs a command to completion without blocking the worker. A test file that needs several
 * fresh processes starts the independent ones together (Promise.all in one beforeAll) and lets
 * its tests inspect the results: a process spends much of its time loading a snapshot or
 * writing cdktf.out, which overlaps well with another's CPU work.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      shell: options.shell ?? false,
      timeout: options.timeoutMs ?? 240_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
