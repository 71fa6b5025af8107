/*
 * Answers "which service gets this request?" the way the ALB does: rules in priority order,
 * the first whose conditions all match wins, else the listener's default action. Works on
 * planned rules and on the rules read back from a synthesized stack (from-stack.ts), so the
 * answer reflects what Terraform would create rather than what the config meant.
 */
import { matchesHost, matchesPath } from "../alb-patterns";
import type { ExplainRequest, ExplainRule, Explanation } from "./types";

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
    };
  }
  if (defaultService !== undefined) {
    return {
      service: defaultService,
      decidedBy: "default",
      outcome: defaultService,
      reason: `no rule matched; listener default -> ${defaultService}`,
    };
  }
  if (defaultAction !== undefined) {
    return {
      service: undefined,
      decidedBy: "default",
      outcome: defaultAction,
      reason: `no rule matched; listener default -> ${defaultAction}`,
    };
  }
  return {
    service: undefined,
    decidedBy: "none",
    outcome: "no service",
    reason: "no rule matched and the listener has no default service",
  };
}
