import { repeatIssues, show, type Issue } from "../lib/validation";
import { PLATFORM_TAG_KEYS } from "../lib/names";
import type { ResolvedEnvironment } from "./resolve";

/*
 * Every keyed list of an environment in one place (item: no silent overrides). A repeat in one
 * of them either creates the same AWS object twice (two security-group rules for one CIDR, two
 * subscriptions for one address, which AWS refuses at apply) or lets the later entry replace the
 * earlier one without a word. Lists whose module already reports repeats with a more specific
 * message (services, service calls, routes, DCV agents, interface endpoints, external network
 * names and CIDRs, edge paths, budget thresholds, AZs) are not repeated here.
 */
export function uniquenessIssues(env: ResolvedEnvironment): Issue[] {
  const issues: Issue[] = [];
  const list = (path: readonly (string | number)[], items: readonly unknown[] | undefined) =>
    issues.push(...repeatIssues(items ?? [], (i) => [...path, i]));

  list(["network", "gatewayEndpoints"], env.network.gatewayEndpoints);
  const s = env.services;
  if (s !== undefined) {
    list(["services", "alb", "ingressCidrs"], s.alb.ingressCidrs);
    list(["services", "alb", "testListenerCidrs"], s.alb.testListenerCidrs);
    list(["services", "repositories", "scratchTagPrefixes"], s.repositories.scratchTagPrefixes);
  }
  if (env.cache !== undefined) list(["cache", "allowFrom"], env.cache.allowFrom);
  const dcv = env.dcv;
  if (dcv !== undefined) {
    list(["dcv", "endpointService", "allowedPrincipals"], dcv.endpointService.allowedPrincipals);
    list(["dcv", "consumer", "clientCidrs"], dcv.consumer?.clientCidrs);
    list(["dcv", "consumer", "subnetIds"], dcv.consumer?.subnetIds);
  }
  const ops = env.operations;
  list(["operations", "alarmEmails", "critical"], ops.alarmEmails.critical);
  list(["operations", "alarmEmails", "warning"], ops.alarmEmails.warning);
  list(["operations", "budget", "emails"], ops.budget?.emails);
  if (env.state.backend === "cloud") {
    list(["state", "notifications", "emails"], env.state.notifications.emails);
    list(["state", "notifications", "triggers"], env.state.notifications.triggers);
  }
  issues.push(
    ...repeatIssues(
      env.acknowledgedReplacements,
      (i) => ["acknowledgedReplacements", i, "resource"],
      (a) => a.resource,
    ),
    ...repeatIssues(
      env.policyExceptions,
      (i) => ["policyExceptions", i, "resource"],
      (e) => `${e.rule} ${e.resource}`,
    ).map((i) => ({ ...i, message: `${i.message} (one exception per rule and resource)` })),
  );

  // default_tags: the platform's own tags win over the environment's, silently; and IAM, among
  // others, treats keys that differ only in case as the same key.
  const keys = Object.keys(env.tags);
  keys.forEach((key, i) => {
    const own = PLATFORM_TAG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (own !== undefined) {
      issues.push({
        path: ["tags", key],
        message: `${show(key)} is a tag the platform sets on every resource itself (${PLATFORM_TAG_KEYS.join(", ")}), so this value would be silently replaced; choose another key`,
      });
      return;
    }
    const earlier = keys.findIndex((k) => k.toLowerCase() === key.toLowerCase());
    if (earlier !== i) {
      issues.push({
        path: ["tags", key],
        message: `${show(key)} differs from the tag ${show(keys[earlier])} only in case; IAM and other services treat them as one key, so one value would replace the other. Keep one`,
      });
    }
  });
  return issues;
}

/**
 * DNS names an environment claims (CloudFront aliases, the ALB's record, the DCV endpoint
 * service's private name): two environments claiming one would fight over its record, and AWS
 * refuses a second CloudFront alias or private DNS name at apply.
 */
export function sharedNameIssues(
  environments: Readonly<Record<string, ResolvedEnvironment>>,
): Issue[] {
  const issues: Issue[] = [];
  const owners = new Map<string, string>();
  for (const [key, env] of Object.entries(environments)) {
    const listener = env.services?.alb.listener;
    const claims: [readonly (string | number)[], string | undefined][] = [
      [["edge", "domain"], env.edge?.domain],
      [
        ["services", "alb", "listener", "domain"],
        listener !== undefined && "domain" in listener ? listener.domain : undefined,
      ],
      [["dcv", "endpointService", "privateDnsName"], env.dcv?.endpointService.privateDnsName],
    ];
    for (const [path, name] of claims) {
      if (name === undefined) continue;
      const where = `environments.${key}.${path.join(".")}`;
      const owner = owners.get(name.toLowerCase());
      if (owner === undefined) {
        owners.set(name.toLowerCase(), where);
      } else if (!owner.startsWith(`environments.${key}.`)) {
        issues.push({
          path: ["environments", key, ...path],
          message: `${show(name)} is already claimed by ${owner}; each environment needs its own DNS names (e.g. ${show(`${key}.${name}`)})`,
        });
      }
    }
  }
  return issues;
}
