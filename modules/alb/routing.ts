import { createHash } from "node:crypto";
import { ConfigError, show, type Issue } from "../../lib/validation";
import { patternsOverlap } from "../../lib/alb-patterns";
import {
  CATCH_ALL,
  MAX_PRIORITY,
  RULES_PER_LOAD_BALANCER,
  VALUES_PER_CONDITION,
  VALUES_PER_RULE,
  WILDCARDS_PER_RULE,
  patternProblem,
} from "./limits";
import { BAND_WIDTH, bandOf, splitRoute, type Companions, type Conditions } from "./rule-split";

export { CATCH_ALL } from "./limits";

export interface RouteInput {
  /** Service that receives the matching requests. */
  readonly service: string;
  /**
   * ALB path patterns, e.g. "/api/*". A prefix pattern also matches its bare prefix ("/api"),
   * which ALB's "/api/*" alone does not; "/apix" still does not match. "/*" without hosts makes
   * the service the listener default.
   * @default [] (host-only route)
   */
  readonly paths?: readonly string[];
  /**
   * Host-header patterns, e.g. "admin.example.com".
   * @default [] (any host)
   */
  readonly hosts?: readonly string[];
  /**
   * Pins the route's rules to priority, priority+1, ... instead of planning them from their
   * specificity (1..50000, lower is evaluated first).
   * @default undefined (planned)
   */
  readonly priority?: number;
}

export interface PlannedRule {
  /** Listener rule priority (1..50000, lower is evaluated first). */
  readonly priority: number;
  /** Service that receives the matching requests. */
  readonly service: string;
  /** Path-pattern condition values (empty = no path condition). */
  readonly paths: readonly string[];
  /** Host-header condition values, lowercase (empty = no host condition). */
  readonly hosts: readonly string[];
  /** Stable construct-id suffix derived from the rule's patterns, e.g. "api-3f9a2c1b". */
  readonly id: string;
}

export interface RoutingPlan {
  /** Listener rules, sorted by priority. */
  readonly rules: readonly PlannedRule[];
  /**
   * Service of the catch-all route ("/*" with no hosts), the listener's default action.
   * @default undefined (no catch-all: the listener default answers unmatched requests itself)
   */
  readonly defaultService?: string;
}

interface Draft extends Conditions {
  readonly route: number;
  readonly service: string;
  readonly pinned?: number;
  readonly band: number;
  readonly home: number;
  readonly id: string;
}

/**
 * The bare prefix a prefix pattern leaves out: ALB's "/api/*" does not match "/api", which a
 * NestJS app with a global prefix (and Swagger's default) serves. Undefined for patterns with
 * other wildcards and for the catch-all.
 */
export function barePrefix(pattern: string): string | undefined {
  const match = /^(\/[^*?]*[^*?/])\/\*$/.exec(pattern);
  return match?.[1];
}

function draft(
  route: number,
  service: string,
  c: Conditions,
  added: ReadonlySet<string>,
  pinned?: number,
): Draft {
  // Only the declared patterns feed the hash: reordering the config, adding routes or the bare
  // prefixes that ride along must not move it.
  const digest = createHash("sha256")
    .update(JSON.stringify([c.hosts, c.paths.filter((p) => !added.has(p))]))
    .digest("hex")
    .slice(0, 8);
  const home = parseInt(digest, 16) % BAND_WIDTH;
  return {
    ...c,
    route,
    service,
    pinned,
    band: bandOf(c.hosts, c.paths),
    home,
    id: `${service}-${digest}`,
  };
}

const overlapAny = (as: readonly string[], bs: readonly string[]): string | undefined =>
  bs.length === 0 || as.length === 0
    ? undefined
    : bs.find((b) => as.some((a) => patternsOverlap(a, b)));

/** Per-route checks; fills `drafts` with the rules of the routes that pass. */
function routeIssues(
  routes: readonly RouteInput[],
  services: readonly string[],
  drafts: Draft[],
): { issues: Issue[]; defaultRoute?: number } {
  const issues: Issue[] = [];
  const owners = new Map<string, number>();
  let defaultRoute: number | undefined;
  // A bare prefix some route declares itself stays with that route.
  const declared = new Set(routes.flatMap((r) => r.paths ?? []));
  const added = new Set<string>();
  const companions: Companions = (p) => {
    const bare = barePrefix(p);
    if (bare === undefined || declared.has(bare)) return [];
    added.add(bare);
    return [bare];
  };
  routes.forEach((route, i) => {
    const before = issues.length;
    const paths = route.paths ?? [];
    const hosts = (route.hosts ?? []).map((h) => h.toLowerCase());
    if (!services.includes(route.service)) {
      const known =
        services.length === 0 ? "none are defined" : services.map((s) => show(s)).join(", ");
      issues.push({
        path: [i, "service"],
        message: `${show(route.service)} is not a service of this environment; known services: ${known}`,
      });
    }
    if (paths.length === 0 && hosts.length === 0) {
      issues.push({
        path: [i],
        message: `has neither paths nor hosts; give at least one path pattern (e.g. "/api/*") or host pattern (e.g. "admin.example.com")`,
      });
    }
    paths.forEach((p, j) => {
      const problem =
        patternProblem("path", p) ??
        (paths.indexOf(p) !== j ? `${show(p)} is listed twice in this route` : undefined);
      if (problem !== undefined) issues.push({ path: [i, "paths", j], message: problem });
    });
    (route.hosts ?? []).forEach((h, j) => {
      const twice = hosts.indexOf(hosts[j]) !== j;
      const problem =
        patternProblem("host", h) ??
        (twice ? `${show(h)} is listed twice in this route (host names ignore case)` : undefined);
      if (problem !== undefined) issues.push({ path: [i, "hosts", j], message: problem });
    });
    const pin = route.priority;
    if (pin !== undefined && (!Number.isInteger(pin) || pin < 1 || pin > MAX_PRIORITY)) {
      issues.push({
        path: [i, "priority"],
        message: `${show(pin)} is not a listener rule priority; use a whole number from 1 to ${MAX_PRIORITY} (lower is evaluated first)`,
      });
    }
    if (issues.length > before) return;

    // "/*" matches every path: beside hosts it adds nothing; without hosts it is the default.
    let rulePaths = paths.filter((p) => p !== CATCH_ALL);
    if (rulePaths.length < paths.length && hosts.length === 0) {
      if (defaultRoute !== undefined) {
        issues.push({
          path: [i, "paths", paths.indexOf(CATCH_ALL)],
          message: `${show(CATCH_ALL)} is a second catch-all: routes[${defaultRoute}] (service ${show(routes[defaultRoute].service)}) already receives every unmatched request; only one route may be the listener default`,
        });
        return;
      }
      defaultRoute = i;
      if (rulePaths.length === 0) {
        if (pin !== undefined)
          issues.push({
            path: [i, "priority"],
            message: `${show(pin)} cannot apply: a catch-all route (${show(CATCH_ALL)} without hosts) becomes the listener's default action, which has no priority; remove it`,
          });
        return;
      }
    } else if (rulePaths.length < paths.length) {
      rulePaths = [];
    }

    for (const [j, host] of (hosts.length > 0 ? hosts : [""]).entries()) {
      const path = (rulePaths.length > 0 ? rulePaths : [""]).find((p) =>
        owners.has(`${host} ${p}`),
      );
      const owner = path === undefined ? undefined : owners.get(`${host} ${path}`);
      if (path !== undefined && owner !== undefined) {
        const what = [path === "" ? "" : show(path), host === "" ? "" : `host ${show(host)}`]
          .filter((s) => s !== "")
          .join(" on ");
        issues.push({
          path: path === "" ? [i, "hosts", j] : [i, "paths", paths.indexOf(path)],
          message: `${what} is already routed by routes[${owner}] (service ${show(routes[owner].service)}); each host and path combination may be routed once`,
        });
        return;
      }
      for (const p of rulePaths.length > 0 ? rulePaths : [""]) owners.set(`${host} ${p}`, i);
    }

    const parts = splitRoute(hosts, rulePaths, pin !== undefined, companions);
    if (parts === undefined) {
      issues.push({
        path: [i],
        message: `its host and path patterns together need more than ${WILDCARDS_PER_RULE} wildcards in one rule, which ALB does not allow; use fewer * and ? in them`,
      });
      return;
    }
    parts.forEach((c, k) =>
      drafts.push(draft(i, route.service, c, added, pin === undefined ? undefined : pin + k)),
    );
  });
  return { issues, defaultRoute };
}

/** Checks that need every rule: the quota, pinned ranges, and ties between overlapping rules. */
function planIssues(routes: readonly RouteInput[], drafts: readonly Draft[]): Issue[] {
  if (drafts.length > RULES_PER_LOAD_BALANCER) {
    return [
      {
        path: [],
        message: `need ${drafts.length} listener rules once split to ALB's per-rule limits (${VALUES_PER_CONDITION} values per condition, ${VALUES_PER_RULE} per rule); ALB allows ${RULES_PER_LOAD_BALANCER} per load balancer besides the default: merge routes or use broader patterns`,
      },
    ];
  }
  const issues: Issue[] = [];
  const ranges = new Map<number, [number, number]>();
  for (const d of drafts) {
    if (d.pinned === undefined) continue;
    const [first] = ranges.get(d.route) ?? [d.pinned];
    ranges.set(d.route, [first, d.pinned]);
  }
  const span = (a: number, b: number): string =>
    a === b ? `priority ${a}` : `priorities ${a}..${b}`;
  for (const [route, [first, last]] of ranges) {
    const pins = `${first} pins ${span(first, last)}${first === last ? "" : ` (the route is split into ${last - first + 1} rules)`}`;
    const clash = [...ranges].find(([other, [a, b]]) => other < route && a <= last && first <= b);
    if (last > MAX_PRIORITY) {
      issues.push({
        path: [route, "priority"],
        message: `${pins}; ALB allows up to ${MAX_PRIORITY}`,
      });
    } else if (clash !== undefined) {
      issues.push({
        path: [route, "priority"],
        message: `${pins}, which collides with routes[${clash[0]}] (${span(...clash[1])}); pinned priorities must be unique`,
      });
    }
  }
  const reported = new Set<string>();
  drafts.forEach((b, n) => {
    for (const a of drafts.slice(0, n)) {
      if (
        a.pinned !== undefined ||
        b.pinned !== undefined ||
        a.band !== b.band ||
        a.service === b.service
      )
        continue;
      const host = overlapAny(a.hosts, b.hosts);
      const path = overlapAny(a.paths, b.paths);
      if ((b.hosts.length > 0 && host === undefined) || (b.paths.length > 0 && path === undefined))
        continue;
      if (reported.has(`${a.route} ${b.route}`)) continue;
      reported.add(`${a.route} ${b.route}`);
      const route = routes[b.route];
      const [pattern, where] = path !== undefined ? [path, "paths"] : [host ?? "", "hosts"];
      const index =
        where === "paths"
          ? (route.paths ?? []).indexOf(pattern)
          : (route.hosts ?? []).findIndex((h) => h.toLowerCase() === pattern);
      issues.push({
        path: [b.route, where, index],
        message: `${show(pattern)} (service ${show(b.service)}) overlaps routes[${a.route}] (service ${show(a.service)}) and neither is more specific, so which one ALB evaluates first would be arbitrary; make one pattern more specific or pin a priority on one route`,
      });
    }
  });
  return issues;
}

/** Every routing problem and, when there are none, the plan: one pass over the routes. */
export function analyzeRoutes(
  routes: readonly RouteInput[],
  services: readonly string[],
): { issues: Issue[]; plan?: RoutingPlan } {
  return analyze(routes, services);
}

function analyze(
  routes: readonly RouteInput[],
  services: readonly string[],
): { issues: Issue[]; plan?: RoutingPlan } {
  if (routes.length === 0) {
    // An empty list is fine only while there is nothing to route to.
    if (services.length === 0) return { issues: [], plan: { rules: [] } };
    const message = `is empty, so ${services.map((s) => show(s)).join(", ")} would be unreachable: the listener would have no rules and no default service; add at least one route, e.g. { service: ${show(services[0])}, paths: ["/*"] }`;
    return { issues: [{ path: [], message }] };
  }
  const drafts: Draft[] = [];
  const { issues, defaultRoute } = routeIssues(routes, services, drafts);
  if (issues.length === 0) issues.push(...planIssues(routes, drafts));
  if (issues.length > 0) return { issues };

  const rule = (d: Draft, priority: number): PlannedRule => {
    return { priority, service: d.service, hosts: d.hosts, paths: d.paths, id: d.id };
  };
  const rules = drafts.flatMap((d) => (d.pinned === undefined ? [] : [rule(d, d.pinned)]));
  const taken = new Set(rules.map((r) => r.priority));
  // Probe in an order that depends on content only, never on the order of the routes.
  const auto = drafts.filter((d) => d.pinned === undefined);
  auto.sort((x, y) => x.band - y.band || x.home - y.home || (x.id < y.id ? -1 : 1));
  for (const d of auto) {
    const slot = (k: number): number => d.band * BAND_WIDTH + ((d.home + k) % BAND_WIDTH) + 1;
    let k = 0;
    while (taken.has(slot(k))) k++;
    taken.add(slot(k));
    rules.push(rule(d, slot(k)));
  }
  rules.sort((a, b) => a.priority - b.priority);
  return {
    issues,
    plan: {
      rules,
      defaultService: defaultRoute === undefined ? undefined : routes[defaultRoute].service,
    },
  };
}

/**
 * Every routing rule, with paths relative to the routes list (e.g. [0, "paths", 1]). `services`
 * are the names routes may point at. An empty list is an error only while services exist: then
 * nothing would reach them. Routes without a catch-all are fine: the listener answers unmatched
 * requests itself.
 */
export function routingIssues(routes: readonly RouteInput[], services: readonly string[]): Issue[] {
  return analyze(routes, services).issues;
}

/** The listener rules and default service for `routes`; throws a ConfigError listing every problem. */
export function planRoutes(
  routes: readonly RouteInput[],
  services: readonly string[],
  configPath?: string,
): RoutingPlan {
  const { issues, plan } = analyze(routes, services);
  if (plan === undefined) throw new ConfigError(configPath ?? "routes", issues);
  return plan;
}
