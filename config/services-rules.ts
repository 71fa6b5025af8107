import { show, under, type Issue } from "../lib/validation";
import { analyzeRoutes, type RoutingPlan } from "../modules/alb/routing";
import { albIssues } from "../modules/alb/validate";
import { fargateServiceIssues, serviceUrlVariable } from "../modules/fargate-service/validate";
import { ALB_LOG_PREFIX, ATHENA_RESULTS_PREFIX, CDN_LOG_PREFIX } from "../lib/log-prefixes";
import { logRouterIssues, serviceLogRouterIssues } from "../modules/log-router/validate";
import type { ResolvedEnvironment } from "./resolve";

/**
 * Rules of the services layer that need the whole environment: each service, the routes, the
 * ALB, and what the network and data layers must provide. Paths are relative to
 * `environments.<env>.services`. Also returns the routing plan (the listener rules) once
 * there are no issues.
 */
export function checkServices(
  env: ResolvedEnvironment,
  namePrefix: string,
): { issues: Issue[]; routing?: RoutingPlan } {
  const s = env.services;
  if (s === undefined) return { issues: [] };
  const issues: Issue[] = [];
  const names = s.services.map((svc) => svc.name);
  const endpoints = env.network.interfaceEndpoints;
  const noNat = env.network.natGateways === "none";
  const indexOf = (name: string) => names.indexOf(name);

  issues.push(
    ...under(
      ["logRouter"],
      logRouterIssues(s.logRouter, {
        production: env.production,
        // Where ALB, CloudFront, AWS Config and CloudTrail deliver in the log bucket.
        reservedPrefixes: [
          ALB_LOG_PREFIX,
          CDN_LOG_PREFIX,
          "config",
          "AWSLogs",
          ATHENA_RESULTS_PREFIX,
          env.operations.trail.keyPrefix,
        ],
      }),
    ),
  );
  s.services.forEach((svc, index) => {
    const at = (...path: (string | number)[]) => ["services", index, ...path];
    if (svc.logRouter) {
      issues.push(
        ...serviceLogRouterIssues(svc, s.logRouter).map((i) => ({ ...i, path: at(...i.path) })),
      );
    }
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

  const internal = new Set(s.services.filter((svc) => svc.internal).map((svc) => svc.name));
  const routedNames = names.filter((n) => !internal.has(n));
  const toInternal = s.routes.flatMap((route, i) =>
    internal.has(route.service)
      ? [
          {
            path: ["routes", i, "service"],
            message: `${show(route.service)} is an internal service (internal: true), which takes no ALB route; remove the route or the internal flag`,
          },
        ]
      : [],
  );
  issues.push(...toInternal);
  const analysis = toInternal.length > 0 ? undefined : analyzeRoutes(s.routes, routedNames);
  issues.push(...under(["routes"], analysis?.issues ?? []));
  const plan = analysis?.plan;
  if (plan !== undefined) {
    const routed = new Set([
      ...plan.rules.map((r) => r.service),
      ...(plan.defaultService === undefined ? [] : [plan.defaultService]),
    ]);
    for (const name of routedNames.filter((n) => !routed.has(n))) {
      issues.push({
        path: ["services", indexOf(name)],
        message:
          "has no route; ECS cannot register a target group that no listener uses. Add a route, or set internal: true for a service the ALB does not serve (a worker, an internal API)",
      });
    }
  }

  s.services.forEach((svc, index) => {
    svc.calls.forEach((callee, j) => {
      const at = ["services", index, "calls", j];
      const target = s.services.find((x) => x.name === callee);
      if (target === undefined) {
        issues.push({
          path: at,
          message: `${show(callee)} is not a service of this environment; known services: ${names.map((n) => show(n)).join(", ")}`,
        });
      } else if (callee === svc.name) {
        issues.push({ path: at, message: `${show(callee)} is the service itself` });
      } else if (svc.calls.indexOf(callee) !== j) {
        issues.push({ path: at, message: `${show(callee)} is listed twice` });
      } else if (target.port === undefined) {
        issues.push({
          path: at,
          message: `${show(callee)} listens on no port (services[${indexOf(callee)}].port), so there is nothing to call`,
        });
      } else {
        const variable = serviceUrlVariable(callee);
        if (variable in svc.environment || variable in svc.secrets) {
          issues.push({
            path: ["services", index, "environment", variable],
            message: `${show(variable)} is set by calls (http://${callee}:${target.port}); remove it`,
          });
        }
      }
    });
    const scratch = s.repositories.scratchTagPrefixes.find(
      (p) => svc.imageTag?.startsWith(p) === true,
    );
    if (env.production && scratch !== undefined) {
      issues.push({
        path: ["services", index, "imageTag"],
        message: `${show(svc.imageTag)} is a scratch tag (prefix ${show(scratch)}), which the repository lifecycle expires; production runs released tags only`,
      });
    }
  });
  s.repositories.scratchTagPrefixes.forEach((p, i) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(p)) {
      issues.push({
        path: ["repositories", "scratchTagPrefixes", i],
        message: `${show(p)} is not the start of an image tag (letters, digits, "_", "." and "-")`,
      });
    }
  });

  const blueGreen = s.services.filter((svc) => svc.blueGreen.enabled).map((svc) => svc.name);
  const alb = albIssues(s.alb, plan, blueGreen);
  issues.push(...under(["alb"], alb.alb));
  issues.push(
    ...alb.services.map((i) => {
      const [service, ...rest] = i.path;
      return { ...i, path: ["services", indexOf(String(service)), ...rest] };
    }),
  );
  return issues.length === 0 ? { issues, routing: plan } : { issues };
}
