import { show, type Issue } from "../lib/validation";
import { planRoutes, routingIssues, type RoutingPlan } from "../modules/alb/routing";
import { albIssues } from "../modules/alb/validate";
import { fargateServiceIssues } from "../modules/fargate-service/validate";
import type { EnvironmentConfig } from "./schema";

/**
 * Rules of the services layer that need the whole environment: each service, the routes, the
 * ALB, and what the network and data layers must provide. Paths are relative to
 * `environments.<env>.services`.
 */
export function servicesIssues(env: EnvironmentConfig, namePrefix: string): Issue[] {
  const s = env.services;
  if (s === undefined) return [];
  const issues: Issue[] = [];
  const names = s.services.map((svc) => svc.name);
  const endpoints = env.network.interfaceEndpoints;
  const noNat = env.network.natGateways === "none";
  const indexOf = (name: string) => names.indexOf(name);

  s.services.forEach((svc, index) => {
    const at = (...path: (string | number)[]) => ["services", index, ...path];
    const first = indexOf(svc.name);
    if (first !== index) {
      // A copied block left with its old name would silently replace the original's resources.
      issues.push({
        path: at("name"),
        message: `${show(svc.name)} is already the name of services[${first}]; each service needs its own name`,
      });
    }
    issues.push(
      ...fargateServiceIssues(svc.name, svc, { namePrefix, production: env.production }).map(
        (i) => ({
          ...i,
          path: at(...(i.path.length === 0 ? ["name"] : i.path)),
        }),
      ),
    );
    if (svc.database && env.database === undefined) {
      issues.push({
        path: at("database"),
        message: "true, but this environment has no database (environments.<env>.database)",
      });
    }
    if (noNat && svc.internetEgress) {
      issues.push({
        path: at("internetEgress"),
        message: 'true, but natGateways is "none": there is no route to the internet',
      });
    }
    const usesSecrets = svc.database || Object.values(svc.secrets).some((x) => "secretArn" in x);
    if (noNat && usesSecrets && !endpoints.includes("secretsmanager")) {
      issues.push({
        path: at("secrets"),
        message:
          'need the secretsmanager interface endpoint when natGateways is "none" (add it to network.interfaceEndpoints)',
      });
    }
    if (
      noNat &&
      Object.values(svc.secrets).some((x) => "ssmParameterArn" in x) &&
      !endpoints.includes("ssm")
    ) {
      issues.push({
        path: at("secrets"),
        message:
          'need the ssm interface endpoint when natGateways is "none" (add it to network.interfaceEndpoints)',
      });
    }
    if (noNat && svc.execEnabled && !endpoints.includes("ssmmessages")) {
      issues.push({
        path: at("execEnabled"),
        message: 'true needs the ssmmessages interface endpoint when natGateways is "none"',
      });
    }
  });

  const capacity = s.cluster;
  if (capacity.fargateWeight === 0 && capacity.spotWeight === 0) {
    issues.push({
      path: ["cluster", "spotWeight"],
      message:
        "0 with fargateWeight 0: ECS needs at least one capacity provider with a weight above 0 (tasks beyond fargateBase would have nowhere to run); set fargateWeight or spotWeight to 1..1000",
    });
  }

  const routing = routingIssues(s.routes, names);
  issues.push(...routing.map((i) => ({ ...i, path: ["routes", ...i.path] })));
  let plan: RoutingPlan | undefined;
  if (routing.length === 0) {
    plan = planRoutes(s.routes, names);
    const routed = new Set([
      ...plan.rules.map((r) => r.service),
      ...(plan.defaultService === undefined ? [] : [plan.defaultService]),
    ]);
    for (const name of names.filter((n) => !routed.has(n))) {
      issues.push({
        path: ["services", indexOf(name)],
        message:
          "has no route; ECS cannot register a target group that no listener uses. Add a route or remove the service",
      });
    }
  }
  const blueGreen = s.services.filter((svc) => svc.blueGreen.enabled).map((svc) => svc.name);
  const alb = albIssues(s.alb, plan, blueGreen);
  issues.push(...alb.alb.map((i) => ({ ...i, path: ["alb", ...i.path] })));
  issues.push(
    ...alb.services.map((i) => {
      const [service, ...rest] = i.path;
      return { ...i, path: ["services", indexOf(String(service)), ...rest] };
    }),
  );
  return issues;
}
