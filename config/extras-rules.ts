import type { z } from "zod";
import { show, type Issue } from "../lib/validation";
import { budgetIssues } from "../modules/budget/validate";
import { CACHE_VARIABLES, cacheIssues } from "../modules/cache/validate";
import { trailIssues } from "../modules/cloudtrail/validate";
import { edgePlacementIssues, edgeSettingsIssues } from "../modules/cdn/validate";
import type { PlatformSchema } from "./schema";

type Platform = z.output<typeof PlatformSchema>;

/**
 * Rules across environments for the extras (the trail's one owner per account is an account
 * singleton, config/account-singletons.ts): a budget in every production environment, account-wide budgets only where an environment has the account to
 * itself, and CloudFront where (and how) an environment's ALB needs it.
 */
export function extrasIssues(config: Platform): Issue[] {
  const issues: Issue[] = [];
  const accountEnvs = new Map<string, string[]>();
  for (const [key, env] of Object.entries(config.environments)) {
    accountEnvs.set(env.account, [...(accountEnvs.get(env.account) ?? []), key]);
  }
  for (const [key, env] of Object.entries(config.environments)) {
    const ops = env.operations;
    if (env.production && ops.budget === undefined) {
      issues.push({
        path: ["environments", key, "operations", "budget"],
        message:
          "is missing: a production environment needs a monthly cost budget; set monthlyLimitUsd",
      });
    }
    const at = (path: readonly (string | number)[]) => ["environments", key, ...path];
    // The budget and trail constructs check these too, but only in the environments being
    // synthesized; here they run for every environment whatever --env selects.
    if (ops.budget !== undefined) {
      const b = ops.budget;
      issues.push(
        ...budgetIssues({
          monthlyLimitUsd: b.monthlyLimitUsd,
          actualAlertPercents: b.actualAlertPercents,
          forecastAlertPercent:
            b.forecastAlertPercent === false ? undefined : b.forecastAlertPercent,
          emails: b.emails,
        })
          // The schema already refuses a limit that is not positive, with the same words.
          .filter((i) => i.path[0] !== "monthlyLimitUsd")
          .map((i) => ({ ...i, path: at(["operations", "budget", ...i.path]) })),
      );
    }
    if (ops.trail.enabled) {
      issues.push(
        ...trailIssues({
          account: env.account,
          region: env.region,
          logBucketArn: "arn:aws:s3:::log-bucket",
          keyPrefix: ops.trail.keyPrefix,
        })
          .filter((i) => i.path[0] === "keyPrefix")
          .map((i) => ({ ...i, path: at(["operations", "trail", ...i.path]) })),
      );
    }
    const edge = env.edge;
    issues.push(
      ...edgePlacementIssues(edge, {
        production: env.production,
        listener: env.services?.alb.listener,
        albWaf: ops.waf.enabled,
      }).map((i) => ({ ...i, path: at(i.path) })),
    );
    if (edge !== undefined) {
      issues.push(
        ...edgeSettingsIssues(edge, env.production).map((i) => ({
          ...i,
          path: at(["edge", ...i.path]),
        })),
      );
    }
    if (env.cache !== undefined) {
      const services = (env.services?.services ?? []).map((svc) => svc.name);
      issues.push(
        ...cacheIssues(env.cache, { production: env.production, services }).map((i) => ({
          ...i,
          path: at(["cache", ...i.path]),
        })),
      );
      (env.services?.services ?? []).forEach((svc, index) => {
        if (!env.cache?.allowFrom.includes(svc.name)) return;
        for (const variable of CACHE_VARIABLES) {
          const where =
            variable in svc.environment
              ? "environment"
              : variable in svc.secrets
                ? "secrets"
                : undefined;
          if (where === undefined) continue;
          issues.push({
            path: at(["services", "services", index, where, variable]),
            message: `${show(variable)} is set by the cache (the service is in cache.allowFrom), which would silently replace this value; remove it`,
          });
        }
      });
    }
    const sharing = (accountEnvs.get(env.account) ?? []).filter((k) => k !== key);
    if (ops.budget?.scope === "account" && sharing.length > 0) {
      issues.push({
        path: ["environments", key, "operations", "budget", "scope"],
        message: `${show("account")} would count the costs of environments.${sharing.join(", environments.")} in account ${env.account} too; use "environment-tag"`,
      });
    }
  }
  return issues;
}
