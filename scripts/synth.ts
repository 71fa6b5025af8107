import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PlatformConfig } from "../config";
import { checkPolicies, type StackJson } from "../lib/policy";
import { createApp } from "../main";
import { costReport } from "./cost";

/*
 * `npm run synth [-- --env dev,prod] [--out dir]`: synthesizes into a scratch directory and
 * swaps it into place only when everything succeeded, so a failed synth leaves the previous
 * output untouched. Prints one line per stack, then the monthly cost estimate (scripts/cost.ts).
 */
function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
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

export function main(): void {
  const started = process.hrtime.bigint();
  const outdir = resolve(argValue("--out") ?? "cdktf.out");
  const scratch = mkdtempSync(`${outdir}.tmp-`);
  let config: PlatformConfig;
  try {
    const only = argValue("--env");
    if (only !== undefined) process.env.PLATFORM_ENVIRONMENTS = only;
    const created = createApp({ outdir: scratch });
    created.app.synth();
    config = created.config;
    rmSync(outdir, { recursive: true, force: true });
    renameSync(scratch, outdir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    // cdktf suggests skipping validation; the fix is the resource or a documented exception.
    console.error(
      message.replace(
        /\n*If you wish to ignore these validations.*$/s,
        "\n\nFix the resource, or add { rule, resource, reason } to environments.<env>.policyExceptions.",
      ),
    );
    process.exitCode = 1;
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
