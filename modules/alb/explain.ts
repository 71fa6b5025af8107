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

type Block = Record<string, unknown>;

/** Just enough of a synthesized stack (cdk.tf.json) to read listeners back; TfJson fits it. */
export interface SynthesizedStack {
  /** `resource.<type>.<logical name>` bodies. */
  readonly resource?: Record<string, Record<string, Block>>;
}

/** The routing of one listener, read back from a synthesized stack. */
export interface ListenerRouting {
  /** Which listener was read. */
  readonly listener: "https" | "http";
  /** Its rules, sorted by priority. */
  readonly rules: ExplainRule[];
  /**
   * Service its default action forwards to.
   * @default undefined (the default action does not forward; see `defaultAction`)
   */
  readonly defaultService?: string;
  /**
   * The default action when it does not forward, e.g. "redirect to HTTPS".
   * @default undefined (forwards to `defaultService`)
   */
  readonly defaultAction?: string;
}

const LISTENER_PORTS = { https: 443, http: 80 } as const;
const TARGET_GROUP_REF = /^\$\{aws_lb_target_group\.([^.}]+)\.arn\}$/;
const TERMINAL_ACTIONS = ["forward", "redirect", "fixed-response"];

function asBlock(value: unknown): Block | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Block)
    : undefined;
}

/** Terraform JSON writes a nested block either as an object or as a list of objects. */
function blocks(value: unknown): Block[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map(asBlock).filter((b): b is Block => b !== undefined);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

function stringList(value: unknown): string[] {
  return (Array.isArray(value) ? value : []).filter((v): v is string => typeof v === "string");
}

/** What an action list does: the service it forwards to, or a description of the action. */
function resolveActions(
  actions: unknown,
  services: ReadonlyMap<string, string>,
  where: string,
): { service?: string; action?: string } {
  // Authentication actions may come first; the terminal action is the one that routes.
  const terminal = blocks(actions)
    .filter((a) => TERMINAL_ACTIONS.includes(text(a.type) ?? ""))
    .pop();
  if (terminal === undefined)
    throw new Error(`${where} has no forward, redirect or fixed-response action`);
  if (terminal.type === "redirect") {
    const redirect = blocks(terminal.redirect)[0] ?? {};
    const protocol = text(redirect.protocol);
    const target =
      protocol !== undefined && protocol !== "#{protocol}" ? protocol : text(redirect.host);
    return { action: target === undefined ? "redirect" : `redirect to ${target}` };
  }
  if (terminal.type === "fixed-response") {
    const status = text(blocks(terminal.fixed_response)[0]?.status_code);
    return { action: `fixed response${status === undefined ? "" : ` ${status}`}` };
  }
  let ref = text(terminal.target_group_arn);
  if (ref === undefined) {
    // Weighted forward (blue/green): the heavier target group carries the traffic.
    const groups = blocks(blocks(terminal.forward)[0]?.target_group);
    const weight = (g: Block): number => Number(text(g.weight) ?? 1);
    const heaviest = groups.reduce<Block | undefined>(
      (best, g) => (best === undefined || weight(g) > weight(best) ? g : best),
      undefined,
    );
    ref = text(heaviest?.arn);
  }
  const name = ref === undefined ? undefined : TARGET_GROUP_REF.exec(ref)?.[1];
  const service = name === undefined ? undefined : services.get(name);
  if (service === undefined) {
    throw new Error(
      `${where} forwards to ${ref ?? "nothing"}, which is not a target group with a Service tag in this stack`,
    );
  }
  return { service };
}

/**
 * The rules and default action of the stack's HTTPS listener (port 443), else its HTTP
 * listener (port 80), or of the one asked for. Throws when that listener is not there.
 */
export function listenerRulesFromStack(
  json: SynthesizedStack,
  listener?: "https" | "http",
): ListenerRouting {
  const resources = (type: string): [string, Block][] =>
    Object.entries(json.resource?.[type] ?? {});
  const listeners = resources("aws_lb_listener");
  const onPort = (kind: "https" | "http") =>
    listeners.filter(([, body]) => Number(text(body.port)) === LISTENER_PORTS[kind]);
  const kind = listener ?? (onPort("https").length > 0 ? "https" : "http");
  const found = onPort(kind);
  if (found.length !== 1) {
    throw new Error(
      found.length === 0
        ? `the stack has no ${kind.toUpperCase()} listener (aws_lb_listener on port ${LISTENER_PORTS[kind]})`
        : `the stack has ${found.length} listeners on port ${LISTENER_PORTS[kind]}: ${found.map(([n]) => n).join(", ")}`,
    );
  }
  const [name, body] = found[0];

  const services = new Map<string, string>();
  for (const [tg, tgBody] of resources("aws_lb_target_group")) {
    const service = text(asBlock(tgBody.tags)?.Service);
    if (service !== undefined) services.set(tg, service);
  }

  const listenerRef = `\${aws_lb_listener.${name}.arn}`;
  const rules: ExplainRule[] = resources("aws_lb_listener_rule")
    .filter(([, rule]) => rule.listener_arn === listenerRef)
    .map(([ruleName, rule]) => {
      const where = `aws_lb_listener_rule.${ruleName}`;
      const priority = Number(text(rule.priority));
      if (!Number.isInteger(priority)) throw new Error(`${where} has no fixed priority`);
      const paths: string[] = [];
      const hosts: string[] = [];
      for (const condition of blocks(rule.condition)) {
        const keys = Object.keys(condition);
        if (keys.length !== 1 || !["path_pattern", "host_header"].includes(keys[0])) {
          throw new Error(
            `${where} has a condition the explainer cannot evaluate: ${keys.join(", ")}`,
          );
        }
        for (const values of blocks(condition[keys[0]])) {
          (keys[0] === "path_pattern" ? paths : hosts).push(...stringList(values.values));
        }
      }
      return { priority, paths, hosts, ...resolveActions(rule.action, services, where) };
    })
    .sort((a, b) => a.priority - b.priority);

  const fallback = resolveActions(body.default_action, services, `aws_lb_listener.${name}`);
  return {
    listener: kind,
    rules,
    defaultService: fallback.service,
    defaultAction: fallback.action,
  };
}
