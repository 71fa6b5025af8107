import { resolve } from "node:path";
import { loadConfig, type PlatformConfig } from "../config";
import { estimateEnvironments, formatCost, readSynthesized } from "../lib/cost/report";

/*
 * `npm run cost [-- --out cdktf.out] [--detail]`: the monthly cost estimate of what the last
 * synth wrote, per stack and per environment, offline. `npm run synth` prints the same table.
 */

/** The environment of a stack id `<project>-<env>-<layer>`, from the configuration. */
export function environmentOf(config: PlatformConfig): (stack: string) => string {
  return (stack) =>
    Object.values(config.environments).find((e) => stack.startsWith(`${config.project}-${e.name}-`))
      ?.name ?? "other";
}

/** The printed estimate of the stacks under `outdir`. */
export function costReport(outdir: string, config: PlatformConfig, detail = false): string {
  return formatCost(estimateEnvironments(readSynthesized(outdir), environmentOf(config)), detail);
}

export function main(): void {
  const i = process.argv.indexOf("--out");
  const outdir = resolve(i >= 0 ? (process.argv[i + 1] ?? "cdktf.out") : "cdktf.out");
  console.log(costReport(outdir, loadConfig(), process.argv.includes("--detail")));
}

if (require.main === module) main();
