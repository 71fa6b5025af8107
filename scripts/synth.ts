import { readFileSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { PlatformConfig, PlatformInput } from "../config";
import { synthAtomically } from "../lib/atomic-synth";
import { reportFailure } from "../lib/error-report";
import { checkPolicies, type StackJson } from "../lib/policy";
import { createApp } from "../main";
import { costReport } from "./cost";

/*
 * `npm run synth [-- --env dev,prod] [--out dir]`: synthesizes into a scratch directory and
 * swaps it into place only when everything succeeded, so a failed synth leaves the previous
 * output untouched. Prints one line per stack, then the monthly cost estimate (scripts/cost.ts).
 */
const USAGE = "usage: npm run synth [-- --env <name>[,<name>...]] [--out <dir>]";

/** Options of the command line; anything else is refused rather than ignored. */
export interface SynthArgs {
  readonly env?: string;
  readonly out?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "UsageError";
  }
}

/**
 * Parses `--env <list>` and `--out <dir>`. A flag this script does not know (`--envs`,
 * `--env=dev`, a stray word) is an error: silently ignoring it would synthesize something
 * other than what was asked for.
 */
export function parseArgs(args: readonly string[]): SynthArgs {
  const parsed: { env?: string; out?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = (["--env", "--out"] as const).find((f) => f === arg);
    if (flag === undefined) {
      const eq = /^(--env|--out)=(.*)$/.exec(arg);
      throw new UsageError(
        eq === null
          ? `${JSON.stringify(arg)} is not an option of npm run synth; options: --env, --out`
          : `${JSON.stringify(arg)}: give the value after a space: ${eq[1]} ${eq[2]}`,
      );
    }
    const value = args[i + 1] as string | undefined;
    if (value === undefined || value === "" || value.startsWith("--")) {
      throw new UsageError(
        `${flag} needs a value, e.g. ${flag === "--env" ? "--env dev" : "--out cdktf.out"}`,
      );
    }
    const key = flag === "--env" ? "env" : "out";
    if (parsed[key] !== undefined) throw new UsageError(`${flag} is given twice`);
    parsed[key] = value;
    i++;
  }
  return parsed;
}

/** The arguments after this script's own path (whichever launcher started it). */
function scriptArgs(): string[] {
  const at = process.argv.findIndex((a, i) => i > 0 && /^synth\.(ts|js|cjs)$/.test(basename(a)));
  return process.argv.slice(at >= 0 ? at + 1 : 2);
}

interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
  readonly backend: string;
}

function countBlocks(block: Record<string, Record<string, unknown>> | undefined): number {
  return Object.values(block ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

type WrittenStack = StackJson & {
  readonly output?: Record<string, unknown>;
  readonly terraform?: { backend?: Record<string, unknown>; cloud?: unknown };
};

/** Every stack cdktf wrote, parsed once for the summary and the policy exception list. */
function readStacks(outdir: string): { stack: string; json: WrittenStack }[] {
  const stacksDir = join(outdir, "stacks");
  return readdirSync(stacksDir)
    .sort()
    .map((stack) => ({
      stack,
      json: JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as WrittenStack,
    }));
}

function summarize(stack: string, json: WrittenStack): StackSummary {
  const backend =
    json.terraform?.cloud !== undefined ? "cloud" : Object.keys(json.terraform?.backend ?? {})[0];
  return {
    stack,
    resources: countBlocks(json.resource),
    dataSources: countBlocks(json.data),
    outputs: Object.keys(json.output ?? {}).length,
    backend: backend ?? "none",
  };
}

/** The policy violations the configuration excepts, as `<rule> <resource>: <reason>` lines. */
function policyExceptions(config: PlatformConfig, stack: string, json: StackJson): string[] {
  const env = Object.values(config.environments).find((e) =>
    stack.startsWith(`${config.project}-${e.name}-`),
  );
  if (env === undefined) return [];
  return checkPolicies(json, env.production, env.policyExceptions).excepted.map(
    (x) => `${x.rule} ${x.resource.path}: ${x.reason}`,
  );
}

/**
 * What `npm run synth <argv>` does up to the summary: parses the command line, synthesizes
 * into a scratch directory and swaps it into place. Throws the error main() prints.
 */
export function synthFromArgs(
  argv: readonly string[],
  input?: PlatformInput,
): { outdir: string; config: PlatformConfig } {
  const args = parseArgs(argv);
  const outdir = resolve(args.out ?? "cdktf.out");
  const config = synthAtomically(outdir, (scratch) => {
    const created = createApp({
      outdir: scratch,
      environments: args.env,
      environmentsSource: args.env === undefined ? undefined : "--env",
      input,
    });
    created.app.synth();
    return created.config;
  });
  return { outdir, config };
}

export function main(): void {
  const started = process.hrtime.bigint();
  let outdir: string;
  let config: PlatformConfig;
  try {
    ({ outdir, config } = synthFromArgs(scriptArgs()));
  } catch (error) {
    reportFailure(error);
    return;
  }
  const written = readStacks(outdir);
  const rows = written.map(({ stack, json }) => summarize(stack, json));
  const width = Math.max(...rows.map((r) => r.stack.length), 5);
  console.log(`${"stack".padEnd(width)}  resources  data  outputs  backend`);
  for (const r of rows) {
    console.log(
      `${r.stack.padEnd(width)}  ${String(r.resources).padStart(9)}  ${String(r.dataSources).padStart(4)}  ${String(r.outputs).padStart(7)}  ${r.backend}`,
    );
  }
  const exceptions = written.flatMap(({ stack, json }) => policyExceptions(config, stack, json));
  if (exceptions.length > 0) {
    console.log("policy exceptions (config policyExceptions):");
    for (const line of exceptions) console.log(`  ${line}`);
  }
  const total = rows.reduce((n, r) => n + r.resources, 0);
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  console.log(`${rows.length} stacks, ${total} resources, written to ${outdir} in ${ms} ms`);
  console.log(costReport(outdir, config));
}

if (require.main === module) main();
