import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/validation";
import {
  explainRequest,
  matchesHost,
  matchesPath,
  patternsOverlap,
} from "../../lib/route-explainer";
import {
  planRoutes,
  routingIssues,
  type PlannedRule,
  type RouteInput,
  type RoutingPlan,
} from "../../modules/alb/routing";

const SERVICES = ["api", "web", "admin", "docs", "v2", "health", "files"];
const EXAMPLE: RouteInput[] = [
  { service: "api", paths: ["/api/*", "/socket.io/*"] },
  { service: "web", paths: ["/*"] },
];

/** The service that receives `path` (on `host`) through the planned listener. */
function serve(plan: RoutingPlan, path: string, host?: string): string | undefined {
  return explainRequest(plan.rules, plan.defaultService, { path, host }).service;
}

const plan = (routes: readonly RouteInput[]): RoutingPlan => planRoutes(routes, SERVICES);

/** Wildcards in a rule, as ALB counts them for its per-rule limit. */
const wildcardsIn = (rule: PlannedRule): number =>
  [...rule.hosts, ...rule.paths].join("").replace(/[^*?]/g, "").length;

describe("the example configuration", () => {
  const example = plan(EXAMPLE);

  it.each([
    ["/", "web"],
    ["/about", "web"],
    ["/api/users", "api"],
    ["/socket.io/?EIO=4&transport=websocket", "api"],
    ["/apix", "web"],
  ])("sends %s to %s", (path, service) => {
    expect(serve(example, path)).toBe(service);
  });

  it("makes the catch-all service the listener default and plans rules only for the rest", () => {
    expect(example.defaultService).toBe("web");
    expect(example.rules.map((r) => r.service)).toEqual(["api", "api"]);
    // Each prefix rule also carries its bare prefix ("/api"), which "/api/*" does not match.
    expect(example.rules.flatMap((r) => r.paths).sort()).toEqual([
      "/api",
      "/api/*",
      "/socket.io",
      "/socket.io/*",
    ]);
    for (const rule of example.rules) {
      expect(rule.hosts).toEqual([]);
      expect(rule.id).toMatch(/^api-[0-9a-f]{8}$/);
      expect(Number.isInteger(rule.priority)).toBe(true);
      expect(rule.priority).toBeGreaterThanOrEqual(1);
      expect(rule.priority).toBeLessThanOrEqual(50_000);
    }
    const priorities = example.rules.map((r) => r.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it("does not depend on the order of routes or of their patterns", () => {
    const reordered: RouteInput[] = [
      { service: "web", paths: ["/*"] },
      { service: "api", paths: ["/socket.io/*", "/api/*"] },
    ];
    expect(plan(reordered)).toEqual(example);
  });
});

describe("prefix routes also match their bare prefix", () => {
  it.each([
    ["/", "web"],
    ["/api", "api"],
    ["/api/", "api"],
    ["/api/users", "api"],
    ["/apix", "web"],
    ["/socket.io", "api"],
    ["/socket.io/?EIO=4&transport=websocket", "api"],
  ])("sends %s to %s", (path, service) => {
    expect(serve(plan(EXAMPLE), path)).toBe(service);
  });

  it("leaves a bare prefix that another route declares to that route", () => {
    const p = plan([
      { service: "api", paths: ["/api/*"] },
      { service: "docs", paths: ["/api"] },
      { service: "web", paths: ["/*"] },
    ]);
    expect(serve(p, "/api")).toBe("docs");
    expect(serve(p, "/api/x")).toBe("api");
    expect(p.rules.find((r) => r.service === "api")?.paths).toEqual(["/api/*"]);
  });

  it("adds nothing to patterns that are not plain prefixes", () => {
    const p = plan([{ service: "files", paths: ["/f*", "/a/*/b/*", "/exact"] }]);
    expect(p.rules.flatMap((r) => r.paths).sort()).toEqual(["/a/*/b/*", "/exact", "/f*"]);
  });

  it("keeps rule ids (construct ids) of the declared patterns, so adding the bare prefix updates rules in place", () => {
    const [socket] = plan([{ service: "api", paths: ["/socket.io/*"] }]).rules;
    // The id hashes ["/socket.io/*"] only, as before the bare prefix rode along.
    expect(socket.paths).toEqual(["/socket.io/*", "/socket.io"]);
    expect(socket.id).toBe("api-08c6ac66");
  });
});

describe("most specific first", () => {
  it.each([
    [
      "listed first",
      [
        { service: "api", paths: ["/api/*"] },
        { service: "v2", paths: ["/api/v2/*"] },
      ],
    ],
    [
      "listed last",
      [
        { service: "v2", paths: ["/api/v2/*"] },
        { service: "api", paths: ["/api/*"] },
      ],
    ],
  ])("evaluates /api/v2/* before /api/* whether the broader route is %s", (_, routes) => {
    const p = plan(routes);
    expect(serve(p, "/api/v2/users")).toBe("v2");
    expect(serve(p, "/api/v1/users")).toBe("api");
    // The bare prefix belongs to the more specific route, "/api/vx" to the broader one.
    expect(serve(p, "/api/v2")).toBe("v2");
    expect(serve(p, "/api")).toBe("api");
    expect(serve(p, "/api/v2x")).toBe("api");
  });

  it("evaluates an exact path before a wildcard with a shorter literal prefix", () => {
    const p = plan([
      { service: "docs", paths: ["/he*"] },
      { service: "health", paths: ["/health"] },
    ]);
    expect(serve(p, "/health")).toBe("health");
    expect(serve(p, "/help")).toBe("docs");
    expect(serve(p, "/health/deep")).toBe("docs");
  });

  it("evaluates an exact path before a wildcard with the same literal prefix", () => {
    const p = plan([
      { service: "api", paths: ["/api*"] },
      { service: "health", paths: ["/api"] },
    ]);
    expect(serve(p, "/api")).toBe("health");
    expect(serve(p, "/apix")).toBe("api");
  });

  it.each<RouteInput>([
    { service: "api", paths: ["/?"] },
    { service: "docs", paths: ["/*x"] },
    { service: "admin", hosts: ["*.?.io"] },
    { service: "files", hosts: ["*.a.io"], paths: ["/*y"] },
  ])("gives the least specific rules valid priorities too: %j", (route) => {
    const [rule] = plan([route]).rules;
    expect(rule.priority).toBeGreaterThanOrEqual(1);
    expect(rule.priority).toBeLessThanOrEqual(50_000);
  });

  it("evaluates host AND path rules before host-only and path-only ones", () => {
    const p = plan([
      { service: "api", paths: ["/api/*"] },
      { service: "docs", hosts: ["admin.example.com"] },
      { service: "admin", hosts: ["admin.example.com"], paths: ["/api/*"] },
      { service: "web", paths: ["/*"] },
    ]);
    expect(serve(p, "/api/users", "admin.example.com")).toBe("admin");
    expect(serve(p, "/other", "admin.example.com")).toBe("docs");
    expect(serve(p, "/api/users", "www.example.com")).toBe("api");
    expect(serve(p, "/api/users")).toBe("api");
    expect(serve(p, "/other", "www.example.com")).toBe("web");
  });

  it("evaluates host-only rules before path-only ones (a host owns its whole site)", () => {
    const p = plan([
      { service: "api", paths: ["/api/*"] },
      { service: "docs", hosts: ["docs.example.com"] },
    ]);
    expect(serve(p, "/api/x", "docs.example.com")).toBe("docs");
    expect(serve(p, "/api/x", "www.example.com")).toBe("api");
  });

  it("evaluates an exact host before a wildcard host, ignoring case", () => {
    const p = plan([
      { service: "docs", hosts: ["*.example.com"] },
      { service: "admin", hosts: ["Admin.Example.com"] },
    ]);
    expect(serve(p, "/", "ADMIN.example.COM")).toBe("admin");
    expect(serve(p, "/", "docs.example.com")).toBe("docs");
    expect(serve(p, "/", "example.com")).toBeUndefined();
  });
});

/** Literal characters before the first wildcard; exact patterns count one more. */
function rank(pattern: string): number {
  const first = pattern.search(/[*?]/);
  return first < 0 ? pattern.length * 2 + 1 : first * 2;
}
const hostRank = (h: string): number =>
  h.replace(/[*?]/g, "").length * 2 + (/[*?]/.test(h) ? 0 : 1);
const kind = (r: PlannedRule): number =>
  r.hosts.length > 0 && r.paths.length > 0 ? 0 : r.hosts.length > 0 ? 1 : 2;
const someOverlap = (as: readonly string[], bs: readonly string[]): boolean =>
  as.length === 0 || bs.length === 0 || as.some((a) => bs.some((b) => patternsOverlap(a, b)));

/** Whether some request could match both rules. */
const compete = (a: PlannedRule, b: PlannedRule): boolean =>
  someOverlap(a.hosts, b.hosts) && someOverlap(a.paths, b.paths);

/** Whether `a` is more specific than `b` by the documented order (independent restatement). */
function moreSpecific(a: PlannedRule, b: PlannedRule): boolean {
  if (kind(a) !== kind(b)) return kind(a) < kind(b);
  if (a.paths.length > 0) {
    const pa = Math.max(...a.paths.map(rank));
    const pb = Math.max(...b.paths.map(rank));
    if (pa !== pb) return pa > pb;
    if (a.hosts.length === 0) return false;
    return !/[*?]/.test(a.hosts[0]) && /[*?]/.test(b.hosts[0]);
  }
  return Math.max(...a.hosts.map(hostRank)) > Math.max(...b.hosts.map(hostRank));
}

/** A small deterministic PRNG, so a failing case can be reproduced. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

describe("ordering invariant", () => {
  const pathPool = [
    "/api/*",
    "/api/v2/*",
    "/api/v2/users",
    "/a*",
    "/api",
    "/ap?/*",
    "/socket.io/*",
    "/static/*",
    "/static/img/*",
    "/health",
    "/he*",
    "/s*",
    "/docs/*",
    "/docs/v?/*",
    "/api*",
    "/*",
  ];
  const hostPool = ["admin.example.com", "*.example.com", "api.example.com", "*.api.example.com"];

  it("puts every rule before each less specific rule it competes with, in 300 random configs", () => {
    const random = prng(42);
    const pick = <T>(pool: readonly T[], n: number): T[] => [
      ...new Set(Array.from({ length: n }, () => pool[Math.floor(random() * pool.length)])),
    ];
    let checkedPairs = 0;
    let validPlans = 0;
    for (let round = 0; round < 300; round++) {
      const routes: RouteInput[] = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const hosts = pick(hostPool, Math.floor(random() * 2));
        const paths = pick(pathPool, (hosts.length === 0 ? 1 : 0) + Math.floor(random() * 3));
        return { service: SERVICES[Math.floor(random() * SERVICES.length)], hosts, paths };
      });
      if (routingIssues(routes, SERVICES).length > 0) continue;
      validPlans++;
      const { rules } = plan(routes);
      for (const a of rules) {
        for (const b of rules) {
          if (a === b || !compete(a, b) || !moreSpecific(a, b)) continue;
          checkedPairs++;
          expect(a.priority, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBeLessThan(
            b.priority,
          );
        }
      }
    }
    expect(validPlans).toBeGreaterThan(100);
    expect(checkedPairs).toBeGreaterThan(200);
  });
});

describe("stable priorities", () => {
  const base = plan(EXAMPLE);
  const sevenPaths = ["/f1/*", "/f2/*", "/f3/*", "/f4/*", "/f5/*", "/f6/*", "/f7/*"];

  it.each<[string, RouteInput[]]>([
    ["an unrelated path route", [{ service: "docs", paths: ["/docs/*"] }]],
    ["a more specific route under /api", [{ service: "v2", paths: ["/api/v2/*"] }]],
    ["a host-only route", [{ service: "admin", hosts: ["admin.example.com"] }]],
    [
      "a host+path route on /api/*",
      [{ service: "admin", hosts: ["admin.example.com"], paths: ["/api/*"] }],
    ],
    ["a route split into several rules", [{ service: "files", paths: sevenPaths }]],
    ["a pinned route", [{ service: "health", paths: ["/health"], priority: 1 }]],
    [
      "several routes at once",
      [
        { service: "docs", paths: ["/docs/*", "/docs/v?/*"] },
        { service: "admin", hosts: ["admin.example.com", "*.admin.example.com"] },
        { service: "health", paths: ["/health", "/ready"] },
      ],
    ],
  ])("keeps the priority and id of every existing rule when adding %s", (_, added) => {
    const grown = plan([...added, ...EXAMPLE]);
    for (const rule of base.rules) expect(grown.rules).toContainEqual(rule);
    expect(grown.defaultService).toBe("web");
  });

  it("keeps the other rules when a route is removed", () => {
    const full = plan([...EXAMPLE, { service: "docs", paths: ["/docs/*"] }]);
    const smaller = plan(EXAMPLE);
    for (const rule of smaller.rules) expect(full.rules).toContainEqual(rule);
  });

  it("moves a rule whose slot is taken to a free priority of the same rank, whatever the route order", () => {
    const solo = new Map<string, number>();
    let pair: [string, string] | undefined;
    for (let n = 10; n < 100 && pair === undefined; n++) {
      const path = `/p${n}/*`;
      const priority = plan([{ service: "docs", paths: [path] }]).rules[0].priority;
      const clash = [...solo].find(([, p]) => p === priority);
      if (clash !== undefined) pair = [clash[0], path];
      solo.set(path, priority);
    }
    if (pair === undefined) throw new Error("no two /pNN/* patterns share a slot");
    const [first, second] = pair;
    const routes: RouteInput[] = [
      { service: "docs", paths: [first] },
      { service: "files", paths: [second] },
      { service: "web", paths: ["/p*"] },
      { service: "api", paths: ["/p10/x/*"] },
    ];
    const together = plan(routes);
    expect(plan([...routes].reverse())).toEqual(together);
    const at = (path: string) => together.rules.find((r) => r.paths.includes(path))?.priority;
    expect(at(first)).not.toBe(at(second));
    expect([at(first), at(second)]).toContain(solo.get(first));
    expect(serve(together, first.replace("*", "x"))).toBe("docs");
    expect(serve(together, second.replace("*", "x"))).toBe("files");
    expect(serve(together, "/p10/x/y")).toBe("api");
    expect(serve(together, "/pq")).toBe("web");
  });
});

describe("splitting routes to ALB's rule limits (3 values per condition, 5 per rule, 5 wildcards)", () => {
  const paths = ["/a1/*", "/a2/*", "/a3/*", "/a4/*", "/a5/*", "/a6/*", "/a7/*"];

  const withBare = [...paths, ...paths.map((p) => p.slice(0, -2))].sort();

  it("splits 7 prefix patterns (each with its bare prefix) into rules of at most 3 values and routes each of them", () => {
    const { rules } = plan([{ service: "files", paths }]);
    // A pattern and its bare prefix stay in one rule; two pairs would need 4 values.
    expect(rules).toHaveLength(7);
    expect(rules.flatMap((r) => r.paths).sort()).toEqual(withBare);
    for (const rule of rules) expect(rule.paths.length).toBeLessThanOrEqual(3);
    for (const path of paths) expect(serve({ rules }, path.replace("*", "x"))).toBe("files");
    expect(serve({ rules }, "/a8/x")).toBeUndefined();
  });

  it("repeats the hosts on every rule when a host+path route is split", () => {
    const hosts = ["a.example.com", "b.example.com"];
    const { rules } = plan([{ service: "files", hosts, paths }]);
    expect(rules.length).toBeGreaterThan(1);
    const covered = rules.flatMap((r) => r.hosts.flatMap((h) => r.paths.map((p) => `${h} ${p}`)));
    expect(covered.sort()).toEqual(hosts.flatMap((h) => withBare.map((p) => `${h} ${p}`)).sort());
    for (const rule of rules) {
      expect(rule.hosts.length).toBeLessThanOrEqual(3);
      expect(rule.paths.length).toBeLessThanOrEqual(3);
      expect(rule.hosts.length + rule.paths.length).toBeLessThanOrEqual(5);
    }
    for (const host of hosts) expect(serve({ rules }, "/a7/x", host)).toBe("files");
    expect(serve({ rules }, "/a7/x", "c.example.com")).toBeUndefined();
  });

  it("keeps every rule within 5 wildcards", () => {
    const many = ["/a/*/x/*", "/b/*/x/*", "/c/*/x/*", "/d/*/x/*"];
    const pathOnly = plan([{ service: "files", paths: many }]).rules;
    const withHost = plan([{ service: "docs", hosts: ["*.*.example.com"], paths: many }]).rules;
    for (const rule of [...pathOnly, ...withHost]) expect(wildcardsIn(rule)).toBeLessThanOrEqual(5);
    expect(pathOnly).toHaveLength(2);
    expect(withHost).toHaveLength(4);
  });
});

describe("catch-all and host routes", () => {
  it('splits "/*" off a route that also lists other paths', () => {
    const p = plan([
      { service: "web", paths: ["/*", "/static/*"] },
      { service: "api", paths: ["/s*"] },
    ]);
    expect(p.defaultService).toBe("web");
    expect(p.rules.map((r) => [r.service, r.paths])).toEqual([
      ["web", ["/static/*", "/static"]],
      ["api", ["/s*"]],
    ]);
    expect(serve(p, "/static/app.js")).toBe("web");
    expect(serve(p, "/search")).toBe("api");
    expect(serve(p, "/")).toBe("web");
  });

  it('treats "/*" beside hosts as a host-only rule, not as the default', () => {
    const p = plan([{ service: "admin", hosts: ["admin.example.com"], paths: ["/*"] }]);
    expect(p.defaultService).toBeUndefined();
    expect(p.rules.map((r) => [r.hosts, r.paths])).toEqual([[["admin.example.com"], []]]);
  });

  it("leaves the default to the listener when no route catches everything", () => {
    const p = plan([{ service: "api", paths: ["/api/*"] }]);
    expect(p.defaultService).toBeUndefined();
    expect(serve(p, "/")).toBeUndefined();
  });

  it("accepts no routes while there are no services", () => {
    expect(routingIssues([], [])).toEqual([]);
    expect(planRoutes([], [])).toEqual({ rules: [] });
  });
});

describe("pinned priorities", () => {
  it("uses the pinned priority, and consecutive ones when the route is split", () => {
    const p = plan([
      { service: "health", paths: ["/health"], priority: 7 },
      { service: "files", paths: ["/a1", "/a2", "/a3", "/a4", "/a5", "/a6", "/a7"], priority: 20 },
    ]);
    expect(p.rules.map((r) => [r.service, r.priority])).toEqual([
      ["health", 7],
      ["files", 20],
      ["files", 21],
      ["files", 22],
    ]);
  });

  it("moves a planned rule off a priority somebody pinned", () => {
    const taken = plan(EXAMPLE).rules[0];
    const p = plan([
      ...EXAMPLE,
      { service: "health", paths: ["/health"], priority: taken.priority },
    ]);
    const moved = p.rules.find((r) => r.id === taken.id);
    expect(moved?.priority).not.toBe(taken.priority);
    expect(new Set(p.rules.map((r) => r.priority)).size).toBe(p.rules.length);
  });
});

/** The message of the ConfigError that planning `routes` throws. */
function failure(routes: readonly RouteInput[], services: readonly string[] = SERVICES): string {
  try {
    planRoutes(routes, services, "environments.dev.services.routes");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected the routes to be rejected");
}

describe("validation rules: each names the path, the value and what is allowed", () => {
  const at = "environments\\.dev\\.services\\.routes";
  const cases: [string, RouteInput[], RegExp][] = [
    [
      "route to an unknown service",
      [{ service: "ap", paths: ["/api/*"] }],
      new RegExp(
        `${at}\\[0\\]\\.service: "ap" is not a service of this environment; known services: "api", "web", `,
      ),
    ],
    [
      "route with neither paths nor hosts",
      [{ service: "api", paths: [] }],
      new RegExp(`${at}\\[0\\]: has neither paths nor hosts; give at least one path pattern`),
    ],
    [
      "same path in two routes",
      [
        { service: "api", paths: ["/api/*"] },
        { service: "docs", paths: ["/docs/*", "/api/*"] },
      ],
      new RegExp(
        `${at}\\[1\\]\\.paths\\[1\\]: "/api/\\*" is already routed by routes\\[0\\] \\(service "api"\\); each host and path combination may be routed once`,
      ),
    ],
    [
      "same host and path in two routes, hosts compared without case",
      [
        { service: "api", hosts: ["a.example.com"], paths: ["/x/*"] },
        { service: "docs", hosts: ["A.example.COM"], paths: ["/x/*"] },
      ],
      new RegExp(
        `${at}\\[1\\]\\.paths\\[0\\]: "/x/\\*" on host "a\\.example\\.com" is already routed by routes\\[0\\]`,
      ),
    ],
    [
      "same pattern twice in one route",
      [{ service: "api", paths: ["/api/*", "/v1/*", "/api/*"] }],
      new RegExp(`${at}\\[0\\]\\.paths\\[2\\]: "/api/\\*" is listed twice in this route`),
    ],
    [
      "same host twice in one route",
      [{ service: "admin", hosts: ["a.example.com", "A.EXAMPLE.COM"] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[1\\]: "A\\.EXAMPLE\\.COM" is listed twice in this route \\(host names ignore case\\)`,
      ),
    ],
    [
      "two catch-alls",
      [
        { service: "web", paths: ["/*"] },
        { service: "docs", paths: ["/docs/*", "/*"] },
      ],
      new RegExp(
        `${at}\\[1\\]\\.paths\\[1\\]: "/\\*" is a second catch-all: routes\\[0\\] \\(service "web"\\) already receives every unmatched request`,
      ),
    ],
    [
      "more rules than ALB allows per load balancer",
      Array.from({ length: 101 }, (_, n) => ({ service: "api", paths: [`/r${n}/x`] })),
      new RegExp(
        `${at}: need 101 listener rules .*; ALB allows 100 per load balancer besides the default`,
      ),
    ],
    [
      "path without a leading slash",
      [{ service: "api", paths: ["api/*"] }],
      new RegExp(`${at}\\[0\\]\\.paths\\[0\\]: "api/\\*" must start with "/"`),
    ],
    [
      '"*" instead of "/*"',
      [{ service: "web", paths: ["*"] }],
      new RegExp(
        `${at}\\[0\\]\\.paths\\[0\\]: "\\*" must start with "/".*\\(use "/\\*" to catch everything\\)`,
      ),
    ],
    [
      "path longer than 128 characters",
      [{ service: "api", paths: [`/${"a".repeat(128)}`] }],
      new RegExp(
        `${at}\\[0\\]\\.paths\\[0\\]: "/a+\\.\\.\\. is 129 characters long; ALB allows at most 128`,
      ),
    ],
    [
      "path with characters ALB rejects",
      [{ service: "api", paths: ["/api/{id}", "/a b"] }],
      new RegExp(
        `${at}\\[0\\]\\.paths\\[0\\]: "/api/\\{id\\}" contains "\\{", "\\}"; ALB path patterns allow only A-Z a-z 0-9 _ - \\. \\$ / ~ " ' @ : \\+ & and the wildcards \\* and \\?`,
      ),
    ],
    [
      "path with more than 5 wildcards",
      [{ service: "api", paths: ["/*/*/*/*/*/*"] }],
      new RegExp(
        `${at}\\[0\\]\\.paths\\[0\\]: "/\\*/\\*/\\*/\\*/\\*/\\*" has 6 wildcards; ALB allows at most 5 per rule`,
      ),
    ],
    [
      "host with a scheme",
      [{ service: "admin", hosts: ["https://admin.example.com"] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[0\\]: "https://admin\\.example\\.com" is not a host name; give only the host`,
      ),
    ],
    [
      "host with characters ALB rejects",
      [{ service: "admin", hosts: ["admin_1.example.com"] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[0\\]: "admin_1\\.example\\.com" contains "_"; ALB host patterns allow only A-Z a-z 0-9 - \\. and the wildcards \\* and \\?`,
      ),
    ],
    [
      "host without a dot",
      [{ service: "admin", hosts: ["localhost"] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[0\\]: "localhost" is not allowed: ALB needs at least one "\\." and only letters after the last one`,
      ),
    ],
    [
      "host ending in digits (an IP address)",
      [{ service: "admin", hosts: ["10.0.0.1"] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[0\\]: "10\\.0\\.0\\.1" is not allowed: ALB needs at least one "\\." and only letters after the last one`,
      ),
    ],
    [
      "host longer than 128 characters",
      [{ service: "admin", hosts: [`${"a".repeat(125)}.com`] }],
      new RegExp(
        `${at}\\[0\\]\\.hosts\\[0\\]: "a+\\.\\.\\. is 129 characters long; ALB allows at most 128`,
      ),
    ],
    [
      "host and path with more than 5 wildcards together",
      [{ service: "admin", hosts: ["*.*.*.example.com"], paths: ["/a/*/b/*/c/*"] }],
      new RegExp(
        `${at}\\[0\\]: its host and path patterns together need more than 5 wildcards in one rule`,
      ),
    ],
    [
      "priority below 1",
      [{ service: "api", paths: ["/api/*"], priority: 0 }],
      new RegExp(
        `${at}\\[0\\]\\.priority: 0 is not a listener rule priority; use a whole number from 1 to 50000`,
      ),
    ],
    [
      "priority above 50000",
      [{ service: "api", paths: ["/api/*"], priority: 50_001 }],
      new RegExp(`${at}\\[0\\]\\.priority: 50001 is not a listener rule priority`),
    ],
    [
      "fractional priority",
      [{ service: "api", paths: ["/api/*"], priority: 1.5 }],
      new RegExp(`${at}\\[0\\]\\.priority: 1\\.5 is not a listener rule priority`),
    ],
    [
      "the same priority pinned twice",
      [
        { service: "api", paths: ["/api/*"], priority: 10 },
        { service: "docs", paths: ["/docs/*"], priority: 10 },
      ],
      new RegExp(
        `${at}\\[1\\]\\.priority: 10 pins priority 10, which collides with routes\\[0\\] \\(priority 10\\); pinned priorities must be unique`,
      ),
    ],
    [
      "a split pinned route running into another pinned route",
      [
        { service: "api", paths: ["/a1", "/a2", "/a3", "/a4"], priority: 10 },
        { service: "docs", paths: ["/docs/*"], priority: 11 },
      ],
      new RegExp(
        `${at}\\[1\\]\\.priority: 11 pins priority 11, which collides with routes\\[0\\] \\(priorities 10\\.\\.11\\)`,
      ),
    ],
    [
      "a split pinned route running past 50000",
      [{ service: "api", paths: ["/a1", "/a2", "/a3", "/a4"], priority: 50_000 }],
      new RegExp(
        `${at}\\[0\\]\\.priority: 50000 pins priorities 50000\\.\\.50001 \\(the route is split into 2 rules\\); ALB allows up to 50000`,
      ),
    ],
    [
      "a priority on a pure catch-all",
      [{ service: "web", paths: ["/*"], priority: 5 }],
      new RegExp(
        `${at}\\[0\\]\\.priority: 5 cannot apply: a catch-all route \\("/\\*" without hosts\\) becomes the listener's default action`,
      ),
    ],
    [
      "overlapping patterns of equal specificity for different services",
      [
        { service: "api", paths: ["/api/*"] },
        { service: "docs", paths: ["/api/?"] },
      ],
      new RegExp(
        `${at}\\[1\\]\\.paths\\[0\\]: "/api/\\?" \\(service "docs"\\) overlaps routes\\[0\\] \\(service "api"\\) and neither is more specific`,
      ),
    ],
  ];

  it.each(cases)("%s", (_, routes, expected) => {
    expect(failure(routes)).toMatch(expected);
  });

  it("no routes while services exist: nothing would reach them", () => {
    expect(failure([], ["api", "web"])).toMatch(
      new RegExp(
        `${at}: is empty, so "api", "web" would be unreachable: the listener would have no rules and no default service`,
      ),
    );
  });

  it("reports paths relative to the routes list, every problem at once", () => {
    expect(
      routingIssues(
        [
          { service: "nope", paths: ["/ok/*", "bad"] },
          { service: "api", hosts: ["x"] },
        ],
        SERVICES,
      ).map((i) => i.path),
    ).toEqual([
      [0, "service"],
      [0, "paths", 1],
      [1, "hosts", 0],
    ]);
  });

  it("accepts overlapping-looking patterns that cannot match the same request", () => {
    expect(
      routingIssues(
        [
          { service: "api", paths: ["/abc/*"] },
          { service: "docs", paths: ["/abd/*"] },
        ],
        SERVICES,
      ),
    ).toEqual([]);
  });

  it("agrees with the matcher on what overlaps", () => {
    expect(matchesPath("/api/*", "/api/x") && matchesPath("/api/?", "/api/x")).toBe(true);
    expect(matchesHost("*.example.com", "a.example.com")).toBe(true);
  });
});
