/*
 * Answers "which service gets this request?" the way the ALB does: rules in priority order,
 * the first whose conditions all match wins, else the listener's default action. Works on
 * planned rules and on the rules read back from a synthesized stack, so the answer reflects
 * what Terraform would create rather than what the config meant.
 */

/** A listener rule as the explainer sees it. */
export interface ExplainRule {
  /** Listener rule priority (lower is evaluated first). */
  readonly priority: number;
  /**
   * Service the rule forwards to.
   * @default undefined (the rule does not forward; see `action`)
   */
  readonly service?: string;
  /**
   * What the rule does when it does not forward, e.g. "redirect to HTTPS", "fixed response 404".
   * @default undefined (forwards to `service`)
   */
  readonly action?: string;
  /** Path-pattern condition values (empty = no path condition). */
  readonly paths: readonly string[];
  /** Host-header condition values (empty = no host condition). */
  readonly hosts: readonly string[];
}

/** The request to explain. */
export interface ExplainRequest {
  /**
   * Host header.
   * @default undefined (no Host header: rules with a host condition cannot match)
   */
  readonly host?: string;
  /** Request target; a query string (`?...`) is ignored, as ALB path patterns ignore it. */
  readonly path: string;
}

export interface Explanation {
  /** Service that receives the request; undefined when redirected or nothing forwards it. */
  readonly service: string | undefined;
  /**
   * The rule that matched.
   * @default undefined (the listener default applied)
   */
  readonly rule?: ExplainRule;
  /**
   * The matched rule's conditions, e.g. "host a.example.com, path /api/*".
   * @default undefined (the listener default applied)
   */
  readonly matched?: string;
  /** What decided: a rule, the listener default, or nothing (no rule and no default service). */
  readonly decidedBy: "rule" | "default" | "none";
  /** What happens to the request: the service name, or an action such as "redirect to HTTPS". */
  readonly outcome: string;
  /** One sentence, e.g. "rule 110 (path /api/*) -> api". */
  readonly reason: string;
  /**
   * Set when the request fell to the catch-all only because a prefix rule lacks its bare
   * prefix (rule "/api/*" without "/api", request "/api").
   * @default undefined (nothing suspicious)
   */
  readonly warning?: string;
}

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

/*
 * Wildcard matching: `*` is zero or more characters (including "/"), `?` exactly one.
 * Greedy with one backtrack point, so it stays linear-ish whatever the pattern.
 */
function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** The path ALB compares: no query string, no fragment. */
export function requestPath(target: string): string {
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

/** ALB path-pattern semantics: case-sensitive, against the path only. */
export function matchesPath(pattern: string, path: string): boolean {
  return globMatch(pattern, requestPath(path));
}

/** ALB host-header semantics: case-insensitive. */
export function matchesHost(pattern: string, host: string): boolean {
  return globMatch(pattern.toLowerCase(), host.toLowerCase());
}

/**
 * Whether some string matches both wildcard patterns (lowercase hosts first: host matching
 * ignores case). Decides if two rules can compete for the same request.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === "*") result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === "*") result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i < a.length && j < b.length)
      result = (a[i] === b[j] || a[i] === "?" || b[j] === "?") && go(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
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

export {
  listenerRulesFromStack,
  type ListenerRouting,
  type SynthesizedStack,
} from "./stack-routing";
