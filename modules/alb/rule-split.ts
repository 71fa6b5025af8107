import {
  RULES_PER_LOAD_BALANCER,
  VALUES_PER_CONDITION,
  VALUES_PER_RULE,
  WILDCARDS_PER_RULE,
  isExact,
  wildcards,
} from "./limits";

/*
 * Most specific first. A rule's band is fixed by its kind and the specificity of its patterns
 * (every pattern in one rule has the same specificity), never by the other rules:
 *   1. host AND path rules, by path specificity, then exact hosts before wildcard hosts;
 *   2. host-only rules, by host specificity;
 *   3. path-only rules, by path specificity.
 * Path specificity: more literal characters before the first wildcard first, and an exact path
 * before a wildcard one with the same prefix ("/api/v2/*" < "/api/*", "/health" < "/he*").
 * Host specificity: more literal characters first, an exact host before a wildcard one.
 * Counts above LEVEL_CAP rank alike; overlapping rules of equal rank and different services
 * are rejected, so the order is never a coin toss. Each band has BAND_WIDTH priorities (as many
 * as the rule quota, so a band never fills up); a rule takes the slot its content hashes to,
 * or the next free one. Adding a route therefore leaves other rules' priorities alone unless
 * their slots collide.
 */
const LEVEL_CAP = 60;
const LEVELS = LEVEL_CAP * 2 + 2;
export const BAND_WIDTH = RULES_PER_LOAD_BALANCER;

const pathLevel = (p: string): number => {
  const prefix = p.search(/[*?]/);
  return Math.min(prefix < 0 ? p.length : prefix, LEVEL_CAP) * 2 + (isExact(p) ? 1 : 0);
};
const hostLevel = (h: string): number =>
  Math.min(h.length - wildcards(h), LEVEL_CAP) * 2 + (isExact(h) ? 1 : 0);

export function bandOf(hosts: readonly string[], paths: readonly string[]): number {
  const fromTop = (level: number): number => LEVELS - 1 - level;
  if (paths.length === 0) return LEVELS * 2 + fromTop(hostLevel(hosts[0]));
  if (hosts.length === 0) return LEVELS * 3 + fromTop(pathLevel(paths[0]));
  return fromTop(pathLevel(paths[0])) * 2 + (isExact(hosts[0]) ? 0 : 1);
}

/**
 * Values that ride along with a pattern in the same condition: a prefix pattern "/api/*" also
 * carries its bare prefix "/api", which ALB's "/api/*" does not match.
 */
export type Companions = (pattern: string) => readonly string[];
const none: Companions = () => [];

/**
 * Consecutive chunks of at most `size` values and `budget` wildcards, each value together with
 * its companions; undefined if one value alone is over budget.
 */
function chunk(
  values: readonly string[],
  size: number,
  budget: number,
  companions: Companions = none,
): string[][] | undefined {
  const out: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const value of values) {
    const unit = [value, ...companions(value)];
    const w = unit.reduce((n, v) => n + wildcards(v), 0);
    if (w > budget || unit.length > size) return undefined;
    if (current.length + unit.length > size || used + w > budget) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(...unit);
    used += w;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface Conditions {
  readonly hosts: string[];
  readonly paths: string[];
}

/**
 * Hosts x paths as few rules as the per-condition, per-rule and wildcard limits allow. A rule
 * ANDs its host and path conditions, so every host chunk is paired with every path chunk.
 */
function split(
  hosts: readonly string[],
  paths: readonly string[],
  companions: Companions,
): Conditions[] | undefined {
  if (hosts.length === 0 || paths.length === 0) {
    const onHosts = hosts.length > 0;
    return chunk(
      onHosts ? hosts : paths,
      VALUES_PER_CONDITION,
      WILDCARDS_PER_RULE,
      onHosts ? none : companions,
    )?.map((c) => (onHosts ? { hosts: c, paths: [] } : { hosts: [], paths: c }));
  }
  let best: Conditions[] | undefined;
  for (let h = 1; h <= VALUES_PER_CONDITION; h++) {
    for (let p = 1; p <= VALUES_PER_CONDITION && h + p <= VALUES_PER_RULE; p++) {
      for (let budget = 0; budget <= WILDCARDS_PER_RULE; budget++) {
        const hc = chunk(hosts, h, budget);
        const pc = chunk(paths, p, WILDCARDS_PER_RULE - budget, companions);
        if (hc === undefined || pc === undefined) continue;
        if (best === undefined || hc.length * pc.length < best.length) {
          best = hc.flatMap((hs) => pc.map((ps) => ({ hosts: hs, paths: ps })));
        }
      }
    }
  }
  return best;
}

function groupBy(values: readonly string[], key: (v: string) => number): string[][] {
  const groups = new Map<number, string[]>();
  for (const v of values) groups.set(key(v), [...(groups.get(key(v)) ?? []), v]);
  return [...groups.values()];
}

/** A route's rules, each holding patterns of one specificity (pinned routes may mix them). */
export function splitRoute(
  hosts: readonly string[],
  paths: readonly string[],
  pinned: boolean,
  companions: Companions = none,
): Conditions[] | undefined {
  const sortedHosts = [...hosts].sort();
  const sortedPaths = [...paths].sort();
  if (pinned) return split(sortedHosts, sortedPaths, companions);
  const hostGroups =
    sortedHosts.length === 0
      ? [[]]
      : groupBy(sortedHosts, paths.length === 0 ? hostLevel : (h) => (isExact(h) ? 1 : 0));
  const pathGroups = sortedPaths.length === 0 ? [[]] : groupBy(sortedPaths, pathLevel);
  const rules: Conditions[] = [];
  for (const hs of hostGroups) {
    for (const ps of pathGroups) {
      const part = split(hs, ps, companions);
      if (part === undefined) return undefined;
      rules.push(...part);
    }
  }
  return rules;
}
