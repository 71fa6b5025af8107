import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  explainRequest,
  listenerRulesFromStack,
  matchesHost,
  matchesPath,
  patternsOverlap,
  type ExplainRule,
} from "../../lib/route-explainer";
import { planRoutes } from "../../modules/alb/routing";
import { formatExplanation, parseRoutesArgs, servicesStackDir, USAGE } from "../../scripts/routes";
import type { TfJson } from "../helpers/tf";

describe("ALB pattern semantics", () => {
  it.each<[string, string, boolean]>([
    ["/api/*", "/api/users", true],
    ["/api/*", "/api/", true],
    ["/api/*", "/api", false],
    ["/api/*", "/API/users", false],
    ["/api/*", "/api/a/b/c", true],
    ["/*.js", "/static/app.js", true],
    ["/a?c", "/abc", true],
    ["/a?c", "/ac", false],
    ["/a?c", "/abbc", false],
    ["/a*b*c", "/aXbYc", true],
    ["/a*b*c", "/aXbY", false],
    ["/x.y", "/xzy", false],
    ["/socket.io/*", "/socket.io/?EIO=4&transport=websocket", true],
    ["/search", "/search?q=*", true],
    ["/search?q", "/search?q", false],
    ["/health", "/health#top", true],
  ])("path pattern %s against %s: %s", (pattern, path, expected) => {
    expect(matchesPath(pattern, path)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ["*.example.com", "api.example.com", true],
    ["*.example.com", "example.com", false],
    ["API.Example.com", "api.EXAMPLE.com", true],
    ["api-?.example.com", "api-1.example.com", true],
    ["api-?.example.com", "api-12.example.com", false],
    ["admin.example.com", "admin.example.com.evil.io", false],
  ])("host pattern %s against %s: %s", (pattern, host, expected) => {
    expect(matchesHost(pattern, host)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ["/api/*", "/api/?", true],
    ["/api/v2/*", "/api/*", true],
    ["/abc/*", "/abd/*", false],
    ["/a*", "/*z", true],
    ["/api", "/api/*", false],
    ["/x?", "/xy", true],
    ["/x?", "/x", false],
    ["/a*b", "/a*c", false],
    ["*.example.com", "api.*", true],
    ["a.example.com", "b.example.com", false],
  ])("%s and %s can match the same request: %s", (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});

describe("explainRequest", () => {
  const rules: ExplainRule[] = [
    { priority: 200, service: "api", paths: ["/api/*", "/v1/*"], hosts: [] },
    { priority: 300, action: "fixed response 404", paths: ["/private/*"], hosts: [] },
    { priority: 100, service: "admin", paths: ["/api/*"], hosts: ["admin.example.com"] },
    { priority: 150, service: "docs", paths: [], hosts: ["docs.example.com"] },
  ];

  it("evaluates rules in priority order, not in the order given", () => {
    const result = explainRequest(rules, "web", { host: "admin.example.com", path: "/api/x" });
    expect(result).toMatchObject({ service: "admin", decidedBy: "rule", outcome: "admin" });
    expect(result.rule?.priority).toBe(100);
    expect(result.reason).toBe("rule 100 (host admin.example.com, path /api/*) -> admin");
  });

  it("skips rules with a host condition when the request has no Host header", () => {
    expect(explainRequest(rules, "web", { path: "/api/x" }).reason).toBe(
      "rule 200 (path /api/*) -> api",
    );
  });

  it("names the pattern that matched", () => {
    expect(explainRequest(rules, "web", { path: "/v1/x?y=1" }).reason).toBe(
      "rule 200 (path /v1/*) -> api",
    );
    expect(explainRequest(rules, "web", { host: "DOCS.example.com", path: "/api/x" }).reason).toBe(
      "rule 150 (host docs.example.com) -> docs",
    );
  });

  it("explains a rule that does not forward", () => {
    expect(explainRequest(rules, "web", { path: "/private/x" })).toMatchObject({
      service: undefined,
      outcome: "fixed response 404",
      reason: "rule 300 (path /private/*) -> fixed response 404",
    });
  });

  it("falls back to the listener default", () => {
    expect(explainRequest(rules, "web", { path: "/about" })).toMatchObject({
      service: "web",
      decidedBy: "default",
      reason: "no rule matched; listener default -> web",
    });
    expect(explainRequest(rules, undefined, { path: "/about" }, "redirect to HTTPS")).toMatchObject(
      {
        service: undefined,
        decidedBy: "default",
        reason: "no rule matched; listener default -> redirect to HTTPS",
      },
    );
    expect(explainRequest(rules, undefined, { path: "/about" })).toMatchObject({
      service: undefined,
      decidedBy: "none",
      reason: "no rule matched and the listener has no default service",
    });
  });

  it("explains planned rules directly", () => {
    const plan = planRoutes(
      [
        { service: "api", paths: ["/api/*", "/socket.io/*"] },
        { service: "web", paths: ["/*"] },
      ],
      ["api", "web"],
    );
    const result = explainRequest(plan.rules, plan.defaultService, { path: "/api/users" });
    expect(result.reason).toMatch(/^rule \d+ \(path \/api\/\*\) -> api$/);
  });
});

const ref = (type: string, name: string): string => `\${${type}.${name}.arn}`;
const forwardTo = (tg: string) => [
  { type: "forward", target_group_arn: ref("aws_lb_target_group", tg) },
];
const weighted = (a: [string, number], b: [string, number]) => [
  {
    type: "forward",
    forward: {
      target_group: [
        { arn: ref("aws_lb_target_group", a[0]), weight: a[1] },
        { arn: ref("aws_lb_target_group", b[0]), weight: b[1] },
      ],
    },
  },
];
const paths = (...values: string[]) => ({ path_pattern: { values } });
const hosts = (...values: string[]) => ({ host_header: { values } });
const targetGroup = (service: string) => ({
  port: 8080,
  protocol: "HTTP",
  tags: { Environment: "dev", Service: service },
});

/** A services stack in the shape the ALB construct synthesizes. */
function servicesStack(options: { https?: boolean } = {}): TfJson {
  const https = options.https ?? true;
  const front = https ? "https" : "http";
  return {
    resource: {
      aws_lb_target_group: {
        api_blue: targetGroup("api"),
        api_green: targetGroup("api"),
        web_blue: targetGroup("web"),
        admin_blue: targetGroup("admin"),
      },
      aws_lb_listener: {
        ...(https
          ? {
              https: { port: 443, protocol: "HTTPS", default_action: forwardTo("web_blue") },
              http: {
                port: 80,
                protocol: "HTTP",
                default_action: [
                  {
                    type: "redirect",
                    redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" },
                  },
                ],
              },
            }
          : { http: { port: 80, protocol: "HTTP", default_action: forwardTo("web_blue") } }),
        test: { port: 8080, protocol: "HTTP", default_action: forwardTo("admin_blue") },
      },
      aws_lb_listener_rule: {
        api_socket: {
          listener_arn: ref("aws_lb_listener", front),
          priority: 46591,
          action: forwardTo("api_blue"),
          condition: [paths("/socket.io/*")],
        },
        api_api: {
          listener_arn: ref("aws_lb_listener", front),
          priority: 47736,
          action: weighted(["api_blue", 0], ["api_green", 100]),
          condition: [paths("/api/*")],
        },
        admin_api: {
          listener_arn: ref("aws_lb_listener", front),
          priority: 110,
          action: weighted(["admin_blue", 100], ["api_green", 0]),
          condition: [hosts("admin.example.com"), paths("/api/*")],
        },
        test_all: {
          listener_arn: ref("aws_lb_listener", "test"),
          priority: 1,
          action: forwardTo("admin_blue"),
          condition: [paths("/*")],
        },
      },
    },
  };
}

describe("listenerRulesFromStack", () => {
  it("reads the HTTPS listener's rules, sorted by priority, and its default service", () => {
    const routing = listenerRulesFromStack(servicesStack());
    expect(routing.listener).toBe("https");
    expect(routing.defaultService).toBe("web");
    expect(routing.defaultAction).toBeUndefined();
    expect(routing.rules).toEqual([
      { priority: 110, service: "admin", paths: ["/api/*"], hosts: ["admin.example.com"] },
      { priority: 46591, service: "api", paths: ["/socket.io/*"], hosts: [] },
      { priority: 47736, service: "api", paths: ["/api/*"], hosts: [] },
    ]);
  });

  it("explains requests through the rules it read", () => {
    const { rules, defaultService } = listenerRulesFromStack(servicesStack());
    const serve = (path: string, host?: string) =>
      explainRequest(rules, defaultService, { path, host }).reason;
    expect(serve("/api/users")).toBe("rule 47736 (path /api/*) -> api");
    expect(serve("/api/users", "admin.example.com")).toBe(
      "rule 110 (host admin.example.com, path /api/*) -> admin",
    );
    expect(serve("/socket.io/?EIO=4&transport=websocket")).toBe(
      "rule 46591 (path /socket.io/*) -> api",
    );
    expect(serve("/")).toBe("no rule matched; listener default -> web");
  });

  it("takes the service of the heavier target group of a weighted forward", () => {
    const json = servicesStack();
    const rule = json.resource?.aws_lb_listener_rule.api_api;
    if (rule === undefined) throw new Error("fixture changed");
    rule.action = weighted(["web_blue", 100], ["api_green", 0]);
    expect(listenerRulesFromStack(json).rules[2].service).toBe("web");
    rule.action = weighted(["web_blue", 1], ["api_green", 99]);
    expect(listenerRulesFromStack(json).rules[2].service).toBe("api");
  });

  it("explains the HTTP listener of an HTTPS environment as a redirect", () => {
    const routing = listenerRulesFromStack(servicesStack(), "http");
    expect(routing).toMatchObject({
      listener: "http",
      rules: [],
      defaultAction: "redirect to HTTPS",
    });
    expect(routing.defaultService).toBeUndefined();
    expect(
      explainRequest(
        routing.rules,
        routing.defaultService,
        { path: "/api/x" },
        routing.defaultAction,
      ).reason,
    ).toBe("no rule matched; listener default -> redirect to HTTPS");
  });

  it("uses the HTTP listener when there is no HTTPS one", () => {
    const routing = listenerRulesFromStack(servicesStack({ https: false }));
    expect(routing.listener).toBe("http");
    expect(routing.defaultService).toBe("web");
    expect(routing.rules.map((r) => r.priority)).toEqual([110, 46591, 47736]);
  });

  it("accepts nested blocks written as lists", () => {
    const json = servicesStack();
    const rule = json.resource?.aws_lb_listener_rule.admin_api;
    if (rule === undefined) throw new Error("fixture changed");
    rule.condition = [
      { host_header: [{ values: ["a.example.com"] }] },
      { path_pattern: [{ values: ["/x/*"] }] },
    ];
    rule.action = [
      {
        type: "forward",
        forward: [{ target_group: [{ arn: ref("aws_lb_target_group", "admin_blue") }] }],
      },
    ];
    expect(listenerRulesFromStack(json).rules[0]).toEqual({
      priority: 110,
      service: "admin",
      hosts: ["a.example.com"],
      paths: ["/x/*"],
    });
  });

  it("fails clearly when the stack has no such listener", () => {
    expect(() => listenerRulesFromStack({ resource: {} })).toThrow(
      "the stack has no HTTP listener (aws_lb_listener on port 80)",
    );
    expect(() => listenerRulesFromStack(servicesStack({ https: false }), "https")).toThrow(
      "the stack has no HTTPS listener (aws_lb_listener on port 443)",
    );
  });

  it("fails clearly on a forward to a target group without a Service tag", () => {
    const json = servicesStack();
    const groups = json.resource?.aws_lb_target_group;
    if (groups === undefined) throw new Error("fixture changed");
    groups.web_blue = { port: 8080 };
    expect(() => listenerRulesFromStack(json)).toThrow(
      "aws_lb_listener.https forwards to ${aws_lb_target_group.web_blue.arn}, which is not a target group with a Service tag in this stack",
    );
  });

  it("refuses conditions it cannot evaluate rather than explaining them wrongly", () => {
    const json = servicesStack();
    const rule = json.resource?.aws_lb_listener_rule.api_api;
    if (rule === undefined) throw new Error("fixture changed");
    rule.condition = [
      paths("/api/*"),
      { http_header: { http_header_name: "X-Canary", values: ["1"] } },
    ];
    expect(() => listenerRulesFromStack(json)).toThrow(
      "aws_lb_listener_rule.api_api has a condition the explainer cannot evaluate: http_header",
    );
  });
});

describe("routes CLI (pure parts)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "routes-cli-"));
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each<[string[], object]>([
    [["dev", "/api/users"], { env: "dev", path: "/api/users", host: undefined }],
    [
      ["dev", "/api/users", "--host", "admin.example.com"],
      { env: "dev", path: "/api/users", host: "admin.example.com" },
    ],
    [["--host", "a.example.com", "prod", "/"], { env: "prod", path: "/", host: "a.example.com" }],
  ])("parses %j", (argv, expected) => {
    expect(parseRoutesArgs(argv)).toEqual(expected);
  });

  it.each<[string[], string]>([
    [[], "missing <env> and <path>"],
    [["dev"], "missing <path>"],
    [["dev", "api/users"], '<path> must start with "/" (got "api/users")'],
    [["dev", "/x", "--host"], "--host needs a host name"],
    [["dev", "/x", "--host", "--verbose"], "--host needs a host name"],
    [["dev", "/x", "--verbose"], "unknown option --verbose"],
    [["dev", "/x", "/y"], "unexpected argument /y"],
  ])("rejects %j", (argv, message) => {
    const parsed = parseRoutesArgs(argv);
    expect(parsed).toHaveProperty("error");
    const error = "error" in parsed ? parsed.error : "";
    expect(error.startsWith(message)).toBe(true);
    expect(error.endsWith(USAGE)).toBe(true);
  });

  it("prints one line per answer", () => {
    const rules: ExplainRule[] = [
      { priority: 110, service: "api", paths: ["/api/*"], hosts: [] },
      { priority: 5, service: "admin", paths: ["/api/*"], hosts: ["admin.example.com"] },
    ];
    const line = (path: string, host?: string, fallback?: string, action?: string) =>
      formatExplanation({ path, host }, explainRequest(rules, fallback, { path, host }, action));
    expect(line("/api/users")).toBe("GET /api/users -> api (rule 110: path /api/*)");
    expect(line("/api/users", "admin.example.com")).toBe(
      "GET admin.example.com/api/users -> admin (rule 5: host admin.example.com, path /api/*)",
    );
    expect(line("/about", undefined, "web")).toBe("GET /about -> web (listener default)");
    expect(line("/about", undefined, undefined, "redirect to HTTPS")).toBe(
      "GET /about -> redirect to HTTPS (listener default)",
    );
    expect(line("/about")).toBe(
      "GET /about -> no service (no rule matched and the listener has no default service)",
    );
  });

  it("finds the services stack among the synthesized stacks", () => {
    const withServices = join(scratch, "with");
    for (const stack of ["platform-dev-network", "platform-dev-services", "platform-dev-data"]) {
      mkdirSync(join(withServices, "stacks", stack), { recursive: true });
    }
    writeFileSync(
      join(withServices, "stacks", "platform-dev-services", "cdk.tf.json"),
      JSON.stringify(servicesStack()),
    );
    expect(servicesStackDir(withServices)).toBe(
      join(withServices, "stacks", "platform-dev-services"),
    );

    const without = join(scratch, "without");
    mkdirSync(join(without, "stacks", "platform-dev-network"), { recursive: true });
    expect(servicesStackDir(without)).toBeUndefined();
  });
});

describe("explainRequest: a path that missed its prefix rule", () => {
  // Rules as a hand-written listener might have them: "/api/*" without the bare "/api".
  const rules: ExplainRule[] = [
    { priority: 10, service: "api", paths: ["/api/*"], hosts: [] },
    { priority: 20, service: "docs", paths: ["/docs/*", "/docs"], hosts: [] },
  ];

  it("warns when the bare prefix falls to the listener default", () => {
    const result = explainRequest(rules, "web", { path: "/api" });
    expect(result.service).toBe("web");
    expect(result.warning).toMatch(
      /^\/api fell to the catch-all only because rule 10 \(api\) has \/api\/\* but not the bare prefix \/api/,
    );
    expect(formatExplanation({ path: "/api" }, result)).toMatch(
      /^GET \/api -> web \(listener default\)\nwarning: \/api fell to the catch-all/,
    );
  });

  it("warns when a blue/green catch-all rule takes it", () => {
    const withCatchAll = [...rules, { priority: 50000, service: "web", paths: ["/*"], hosts: [] }];
    expect(explainRequest(withCatchAll, undefined, { path: "/api?x=1" }).warning).toMatch(
      /rule 10 \(api\)/,
    );
  });

  it("stays quiet where the rule carries the bare prefix, and for other paths", () => {
    expect(explainRequest(rules, "web", { path: "/docs" }).warning).toBeUndefined();
    expect(explainRequest(rules, "web", { path: "/apix" }).warning).toBeUndefined();
    expect(explainRequest(rules, "web", { path: "/" }).warning).toBeUndefined();
    expect(explainRequest(rules, "web", { path: "/api/users" }).warning).toBeUndefined();
  });

  it("finds nothing to warn about in rules planned from prefix routes", () => {
    const planned = planRoutes(
      [
        { service: "api", paths: ["/api/*"] },
        { service: "web", paths: ["/*"] },
      ],
      ["api", "web"],
    );
    const result = explainRequest(planned.rules, planned.defaultService, { path: "/api" });
    expect(result.service).toBe("api");
    expect(result.warning).toBeUndefined();
  });
});
