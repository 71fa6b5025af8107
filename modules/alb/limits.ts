import { show } from "../../lib/validation";

/** The pattern that catches every request; without hosts it is the listener default. */
export const CATCH_ALL = "/*";

/*
 * ALB limits, from the Elastic Load Balancing user guide and API reference:
 * - "Condition types for listener rules" (docs.aws.amazon.com/elasticloadbalancing/latest/
 *   application/rule-condition-types.html): up to three match evaluations per condition, up to
 *   five per rule, at most five wildcards per rule. Host names: at least one "." and only
 *   letters after the last one.
 * - "Quotas for your Application Load Balancers" (.../application/load-balancer-limits.html):
 *   100 rules per load balancer excluding default rules; 5 condition values and 5 condition
 *   wildcards per rule.
 * - API PathPatternConditionConfig / HostHeaderConditionConfig and RuleCondition.Values: at most
 *   128 characters; paths A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?; hosts A-Z a-z 0-9 - . * ?.
 * - API CreateRule: priority 1 to 50000.
 */
export const VALUES_PER_CONDITION = 3;
export const VALUES_PER_RULE = 5;
export const WILDCARDS_PER_RULE = 5;
export const RULES_PER_LOAD_BALANCER = 100;
export const MAX_PATTERN_LENGTH = 128;
export const MAX_PRIORITY = 50_000;
const NOT_PATH_CHAR = /[^A-Za-z0-9_\-.$/~"'@:+&*?]/g;
const NOT_HOST_CHAR = /[^A-Za-z0-9\-.*?]/g;

const WILDCARDS = /[*?]/g;
export const wildcards = (p: string): number => p.match(WILDCARDS)?.length ?? 0;
export const isExact = (p: string): boolean => wildcards(p) === 0;

const SYNTAX = {
  path: { notAllowed: NOT_PATH_CHAR, allowed: `A-Z a-z 0-9 _ - . $ / ~ " ' @ : + &` },
  host: { notAllowed: NOT_HOST_CHAR, allowed: "A-Z a-z 0-9 - ." },
} as const;

/** What ALB would reject about a path or host pattern, if anything. */
export function patternProblem(kind: "path" | "host", value: string): string | undefined {
  const v = show(value);
  if (kind === "path" && !value.startsWith("/")) {
    const hint = value === "*" ? ` (use ${show(CATCH_ALL)} to catch everything)` : "";
    return `${v} must start with "/": ALB compares it with the request path${hint}`;
  }
  if (value.length > MAX_PATTERN_LENGTH) {
    return `${v} is ${value.length} characters long; ALB allows at most ${MAX_PATTERN_LENGTH}`;
  }
  if (kind === "host" && /[/:]/.test(value)) {
    return `${v} is not a host name; give only the host (e.g. "api.example.com"), without scheme, port or path`;
  }
  const bad = [...new Set(value.match(SYNTAX[kind].notAllowed))].map((c) => show(c));
  if (bad.length > 0) {
    return `${v} contains ${bad.join(", ")}; ALB ${kind} patterns allow only ${SYNTAX[kind].allowed} and the wildcards * and ?`;
  }
  if (kind === "host" && !/\.[A-Za-z]+$/.test(value)) {
    return `${v} is not allowed: ALB needs at least one "." and only letters after the last one (e.g. "api.example.com", "*.example.com")`;
  }
  const n = wildcards(value);
  if (n > WILDCARDS_PER_RULE) {
    return `${v} has ${n} wildcards; ALB allows at most ${WILDCARDS_PER_RULE} per rule`;
  }
  return undefined;
}
