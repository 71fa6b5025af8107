import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PRICES, USAGE, type PriceTable, type UsageAssumptions } from "../../config/prices";
import { estimateStacks, type CostEstimate, type CostStackJson } from "./estimate";

/** A synthesized stack as the estimate reads it. */
export interface SynthesizedStack {
  readonly stack: string;
  readonly json: CostStackJson & {
    readonly provider?: { readonly aws?: readonly { region?: unknown }[] };
  };
}

/** Every stack under `<outdir>/stacks`, in name order. */
export function readSynthesized(outdir: string): SynthesizedStack[] {
  const dir = join(outdir, "stacks");
  return readdirSync(dir)
    .sort()
    .map((stack) => ({
      stack,
      json: JSON.parse(
        readFileSync(join(dir, stack, "cdk.tf.json"), "utf8"),
      ) as SynthesizedStack["json"],
    }));
}

/** Cost of one environment: its stacks' lines, and totals by stack. */
export interface EnvironmentCost extends CostEstimate {
  readonly environment: string;
  readonly region: string;
  readonly byStack: readonly { readonly stack: string; readonly monthly: number }[];
  readonly monthly: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Groups stacks by environment (`environmentOf`) and prices each group with its region's
 * table (from the stack's AWS provider). A region without a table fails loudly.
 */
export function estimateEnvironments(
  stacks: readonly SynthesizedStack[],
  environmentOf: (stack: string) => string,
  prices: Readonly<Record<string, PriceTable>> = PRICES,
  usage: UsageAssumptions = USAGE,
): EnvironmentCost[] {
  const groups = new Map<string, SynthesizedStack[]>();
  for (const s of stacks) {
    const env = environmentOf(s.stack);
    groups.set(env, [...(groups.get(env) ?? []), s]);
  }
  return [...groups].map(([environment, members]) => {
    const regions = [
      ...new Set(
        members.map((m) => m.json.provider?.aws?.[0]?.region).filter((r) => typeof r === "string"),
      ),
    ];
    const region = regions.length === 1 ? regions[0] : undefined;
    const table = region === undefined ? undefined : prices[region];
    if (region === undefined || table === undefined) {
      throw new Error(
        `no price table for environment ${environment} (region ${JSON.stringify(regions)}); ` +
          `add one to config/prices.ts (tables: ${Object.keys(prices).join(", ")})`,
      );
    }
    const estimate = estimateStacks(members, table, usage);
    const byStack = members.map((m) => ({
      stack: m.stack,
      monthly: round2(
        estimate.lines.filter((l) => l.stack === m.stack).reduce((n, l) => n + l.monthly, 0),
      ),
    }));
    return {
      ...estimate,
      environment,
      region,
      byStack,
      monthly: round2(byStack.reduce((n, s) => n + s.monthly, 0)),
    };
  });
}

const usd = (n: number) => n.toFixed(2).padStart(10);

/** The estimate as printed by `npm run synth` and `npm run cost` (`detail` adds every line). */
export function formatCost(costs: readonly EnvironmentCost[], detail = false): string {
  const out: string[] = [];
  const regions = [...new Set(costs.map((c) => c.region))];
  const dated = regions.map((r) => `${r} prices of ${PRICES[r]?.asOf ?? "?"}`).join(", ");
  out.push(
    `estimated monthly cost, USD (on-demand ${dated}, config/prices.ts; assumptions: docs/cost.md)`,
  );
  const width = Math.max(5, ...costs.flatMap((c) => c.byStack.map((s) => s.stack.length)));
  for (const c of costs) {
    for (const s of c.byStack) {
      out.push(`  ${s.stack.padEnd(width)}  ${usd(s.monthly)}`);
      if (!detail) continue;
      for (const l of c.lines.filter((x) => x.stack === s.stack && x.monthly > 0)) {
        out.push(
          `      ${usd(l.monthly)}  ${l.address}: ${l.detail}${l.assumed ? " (assumed usage)" : ""}`,
        );
      }
    }
    out.push(`  ${`${c.environment} total`.padEnd(width)}  ${usd(c.monthly)}`);
  }
  const unpriced = costs.flatMap((c) => c.unpriced);
  if (unpriced.length > 0) {
    out.push("not in the estimate (add prices to config/prices.ts):");
    for (const u of unpriced) out.push(`  ${u.stack} ${u.address}: ${u.reason}`);
  }
  return out.join("\n");
}
