/*
 * Answers "which service gets this request?" the way the ALB does: rules in priority order,
 * the first whose conditions all match wins, else the listener's default action. Works on
 * planned rules and on the rules read back from a synthesized stack (from-stack.ts), so the
 * answer reflects what Terraform would create rather than what the config meant.
 */
import { matchesHost, matchesPath, requestPath } from "../alb-patterns";
import type { ExplainRequest, ExplainRule, Explanation } from "./types";

/** The catch-all pattern. */
const CATCH_ALL_PATTERN = "/*";

/**
 * A warning when `request` reached the catch-all although a prefix rule names exactly its
 * path as the prefix: "/api/*" does not match "/api", so the request missed the service.
 */
function missingBarePrefix(
  rules: readonly ExplainRule[],
  request: ExplainRequest,
): string | undefined {
  const path = requestPath(request.path);
  for (const rule of [...rules].sort((a, b) => a.priority - b.priority)) {
    const prefixRule = rule.paths.find((p) => p === `${path}/*`);
    if (prefixRule === undefined || rule.paths.includes(path)) continue;
    const host = request.host;
    if (
      rule.hosts.length > 0 &&
      (host === undefined || !rule.hosts.some((h) => matchesHost(h, host)))
    )
      continue;
    return `${path} fell to the catch-all only because rule ${rule.priority} (${rule.service ?? rule.action ?? "?"}) has ${prefixRule} but not the bare prefix ${path}, which ALB's ${prefixRule} does not match; declare the route as a prefix (the platform adds ${path}) or add ${path} to it`;
  }
  return undefined;
}

/** The conditions of `rule` that `request` satisfies, or undefined when the rule does not match. */
function matchRule(rule: ExplainRule, request: ExplainRequest): string | undefined {
  const parts: string[] = [];
  if (rule.hosts.length > 0) {
    const host = request.host;
    const hit = host === undefined ? undefined : rule.hosts.find((h) => matchesHost(h, host));
    if (hit === undefined) return undefined;
    parts.push(`host ${hit}`);
  }
  if (rule.paths.length > 0) {
    const hit = rule.paths.find((p) => matchesPath(p, request.path));
    if (hit === undefined) return undefined;
    parts.push(`path ${hit}`);
  }
  return parts.join(", ");
}

/**
 * Evaluates `rules` in priority order like the listener does. `defaultAction` describes a
 * default that does not forward (e.g. "redirect to HTTPS"); it is used when there is no
 * `defaultService`.
 */
export function explainRequest(
  rules: readonly ExplainRule[],
  defaultService: string | undefined,
  request: ExplainRequest,
  defaultAction?: string,
): Explanation {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  const warning = () => {
    const text = missingBarePrefix(ordered, request);
    return text === undefined ? {} : { warning: text };
  };
  for (const rule of ordered) {
    const matched = matchRule(rule, request);
    if (matched === undefined) continue;
    const outcome = rule.service ?? rule.action ?? "no action";
    return {
      service: rule.service,
      decidedBy: "rule",
      rule,
      matched,
      outcome,
      reason: `rule ${rule.priority} (${matched}) -> ${outcome}`,
      // A blue/green catch-all is a rule of its own ("/*" at the lowest priority).
      ...(rule.paths.includes(CATCH_ALL_PATTERN) && rule.hosts.length === 0 ? warning() : {}),
    };
  }
  if (defaultService !== undefined) {
    return {
      service: defaultService,
      decidedBy: "default",
      outcome: defaultService,
      reason: `no rule matched; listener default -> ${defaultService}`,
      ...warning(),
    };
  }
  if (defaultAction !== undefined) {
    return {
      service: undefined,
      decidedBy: "default",
      outcome: defaultAction,
      reason: `no rule matched; listener default -> ${defaultAction}`,
      ...warning(),
    };
  }
  return {
    service: undefined,
    decidedBy: "none",
    outcome: "no service",
    reason: "no rule matched and the listener has no default service",
  };
}
