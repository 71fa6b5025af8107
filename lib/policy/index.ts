import { POLICY_RULES } from "./rules";
import type { Body, PolicyException, ResourceView, StackJson, Violation } from "./types";

export * from "./types";
export { POLICY_RULES } from "./rules";

/** The resources of a synthesized stack, with address and construct path. */
export function resourcesOf(json: StackJson): ResourceView[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => ({
      address: `${type}.${name}`,
      path:
        (body["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ??
        `${type}.${name}`,
      type,
      body,
    })),
  );
}

export interface PolicyResult {
  /** Violations no exception covers: synth must fail on any of these. */
  readonly violations: readonly Violation[];
  /** Violations covered by an exception, with its reason (listed in the synth summary). */
  readonly excepted: readonly (Violation & { readonly reason: string })[];
}

/** Runs every rule over one synthesized stack. */
export function checkPolicies(
  json: StackJson,
  production: boolean,
  exceptions: readonly PolicyException[],
): PolicyResult {
  const data = new Map<string, Body>(
    Object.entries(json.data ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, body]): [string, Body] => [`data.${type}.${name}`, body]),
    ),
  );
  const found = POLICY_RULES.flatMap((rule) =>
    rule.check({ resources: resourcesOf(json), data, production }),
  );
  const violations: Violation[] = [];
  const excepted: (Violation & { reason: string })[] = [];
  for (const v of found) {
    const exception = exceptions.find(
      (e) =>
        e.rule === v.rule && (e.resource === v.resource.path || e.resource === v.resource.address),
    );
    if (exception === undefined) violations.push(v);
    else excepted.push({ ...v, reason: exception.reason });
  }
  return { violations, excepted };
}

/** `POLICY <rule> <path> (<address>): <message>` */
export function formatViolation(v: Violation): string {
  return `${v.rule} ${v.resource.path} (${v.resource.address}): ${v.message}`;
}
