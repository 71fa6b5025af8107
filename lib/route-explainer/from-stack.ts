import type { ExplainRule } from "./types";

/*
 * Reads a listener's routing back from a synthesized stack (cdk.tf.json), so explanations
 * describe what Terraform would create.
 */
type Block = Record<string, unknown>;

/** Just enough of a synthesized stack (cdk.tf.json) to read listeners back; TfJson fits it. */
export interface SynthesizedStack {
  /** `resource.<type>.<logical name>` bodies. */
  readonly resource?: Record<string, Record<string, Block>>;
}

/** The routing of one listener, read back from a synthesized stack. */
export interface ListenerRouting {
  /** Which listener was read: the HTTPS or HTTP one, or the one on a given port. */
  readonly listener: "https" | "http" | number;
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
 * listener (port 80), or of the one asked for (by kind or port, e.g. the blue/green test
 * listener's 8080). Throws when that listener is not there.
 */
export function listenerRulesFromStack(
  json: SynthesizedStack,
  listener?: "https" | "http" | number,
): ListenerRouting {
  const resources = (type: string): [string, Block][] =>
    Object.entries(json.resource?.[type] ?? {});
  const listeners = resources("aws_lb_listener");
  const portOf = (kind: "https" | "http" | number) =>
    typeof kind === "number" ? kind : LISTENER_PORTS[kind];
  const onPort = (kind: "https" | "http" | number) =>
    listeners.filter(([, body]) => Number(text(body.port)) === portOf(kind));
  const kind = listener ?? (onPort("https").length > 0 ? "https" : "http");
  const found = onPort(kind);
  if (found.length !== 1) {
    const what = typeof kind === "number" ? "" : `${kind.toUpperCase()} `;
    throw new Error(
      found.length === 0
        ? `the stack has no ${what}listener (aws_lb_listener on port ${portOf(kind)})`
        : `the stack has ${found.length} listeners on port ${portOf(kind)}: ${found.map(([n]) => n).join(", ")}`,
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
