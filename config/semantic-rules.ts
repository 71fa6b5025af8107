import { networkIssues } from "../modules/network/validate";
import { databaseIssues } from "../modules/database/validate";
import { checkServices } from "./services-rules";
import { checkDcv } from "../modules/dcv/validate";
import { POLICY_RULES } from "../lib/policy/rules";
import { show, under, type Issue } from "../lib/validation";
import { DCV_API_ENDPOINTS, unreachableApis } from "../lib/api-egress";
import { githubSubjects } from "../modules/ci-identity/subjects";
import { githubIdentityIssues } from "../modules/ci-identity/validate";
import { sharedNameIssues, uniquenessIssues } from "./uniqueness-rules";
import { accountSingletonIssues } from "./account-singletons";
import { extrasIssues } from "./extras-rules";
import { placeholderIssues } from "./placeholder-rules";
import { cloudStateIssues } from "./hcp-schema";
import type { EnvironmentPlans, ResolvedPlatform } from "./resolve";

/**
 * Rules across fields and environments. They run only on a configuration whose shape is
 * already valid, so each problem is reported once and against well-typed values. Also
 * returns what the rules planned on the way (subnets, listener rules, agent placement) per
 * environment; the plans are complete only when there are no issues.
 */
export function checkPlatform(config: ResolvedPlatform): {
  issues: Issue[];
  plans: Record<string, EnvironmentPlans | undefined>;
} {
  const issues: Issue[] = [];
  const plans: Record<string, EnvironmentPlans | undefined> = {};
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.name !== key) {
      issues.push({
        path: ["environments", key, "name"],
        message: `${show(env.name)} must equal its key ${show(key)}`,
      });
    }
    const network = networkIssues({ ...env.network, region: env.region });
    issues.push(...under(["environments", key, "network"], network.issues));
    const dcvMissing = unreachableApis(
      DCV_API_ENDPOINTS,
      env.network.interfaceEndpoints,
      env.network.natGateways !== "none",
    );
    if (env.dcv !== undefined && dcvMissing.length > 0) {
      // Gateways fetch their TLS certificate from Secrets Manager and are managed through SSM.
      issues.push({
        path: ["environments", key, "dcv"],
        message: `needs the ${dcvMissing.join(", ")} interface endpoint(s) when natGateways is "none" (add them to network.interfaceEndpoints)`,
      });
    }
    let agentPlacement: EnvironmentPlans["agentPlacement"];
    if (env.dcv !== undefined && network.plan !== undefined) {
      // The gateway trusts PROXY headers from the private subnets, where the NLB lives.
      const dcv = checkDcv(
        env.dcv,
        {
          vpcCidr: env.network.cidr,
          privateSubnetCidrs: network.plan.private,
          externalCidrs: env.network.externalNetworks.flatMap((n) => n.cidrs),
        },
        { production: env.production },
      );
      issues.push(...under(["environments", key, "dcv"], dcv.issues));
      agentPlacement = dcv.placements;
    }
    if (env.production && env.operations.alarmEmails.critical.length === 0) {
      issues.push({
        path: ["environments", key, "operations", "alarmEmails", "critical"],
        message:
          "is empty: in production someone must receive critical alarms; add at least one address",
      });
    }
    const lifecycle = env.operations.logBucket;
    if (lifecycle.glacierAfterDays >= lifecycle.expireAfterDays) {
      issues.push({
        path: ["environments", key, "operations", "logBucket", "expireAfterDays"],
        message: `${show(lifecycle.expireAfterDays)} must be later than glacierAfterDays (${lifecycle.glacierAfterDays})`,
      });
    }
    env.acknowledgedReplacements.forEach((a, i) => {
      const prefix = `${config.project}-${key}-`;
      if (!a.resource.startsWith(prefix) || !a.resource.includes("/")) {
        issues.push({
          path: ["environments", key, "acknowledgedReplacements", i, "resource"],
          message: `${show(a.resource)} is not a construct path of this environment; expected "${prefix}<layer>/<construct path>" as the preview prints it`,
        });
      }
    });
    env.policyExceptions.forEach((e, i) => {
      if (!POLICY_RULES.some((r) => r.id === e.rule)) {
        issues.push({
          path: ["environments", key, "policyExceptions", i, "rule"],
          message: `${show(e.rule)} is not a policy rule; rules: ${POLICY_RULES.map((r) => r.id).join(", ")}`,
        });
      }
      // An exception copied from another environment would silently exempt nothing here.
      const prefix = `${config.project}-${key}-`;
      if (!e.resource.startsWith(prefix) || !e.resource.includes("/")) {
        issues.push({
          path: ["environments", key, "policyExceptions", i, "resource"],
          message: `${show(e.resource)} is not a construct path of this environment; expected "${prefix}<layer>/<construct path>" as the synth summary prints it`,
        });
      }
    });
    issues.push(...under(["environments", key], uniquenessIssues(env)));
    const services = checkServices(env, `${config.project}-${key}`);
    issues.push(...under(["environments", key, "services"], services.issues));
    plans[key] =
      network.plan === undefined
        ? undefined
        : { subnets: network.plan, routing: services.routing, agentPlacement };
    if (env.database !== undefined) {
      const database = databaseIssues(env.database, { production: env.production });
      issues.push(...under(["environments", key, "database"], database));
    }
  }
  issues.push(...accountSingletonIssues(config));
  issues.push(...sharedNameIssues(config.environments));
  const trusted = new Map<string, string>();
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.ci === undefined) continue;
    issues.push(...under(["environments", key, "ci"], githubIdentityIssues(env.ci)));
    if (env.state.backend !== "s3") {
      issues.push({
        path: ["environments", key, "ci"],
        message: "needs S3 state: the roles are granted the state bucket",
      });
    }
    // Without a GitHub environment the deploy job has no required reviewers to stop it.
    if (env.production && env.ci.githubEnvironment === undefined) {
      issues.push({
        path: ["environments", key, "ci", "githubEnvironment"],
        message:
          'is not set: production is applied only after approval, which comes from the required reviewers of a GitHub environment; name that environment (for example "production")',
      });
    }
    // A token trusted by two environments' roles could deploy (or plan) either of them.
    for (const [role, subject] of Object.entries(githubSubjects(env.ci))) {
      const other = trusted.get(subject);
      if (other === undefined) {
        trusted.set(subject, `${key} ${role}`);
        continue;
      }
      const setting = role === "deploy" ? "githubEnvironment" : "planGithubEnvironment";
      issues.push({
        path: ["environments", key, "ci", setting],
        message: `${show(env.ci[setting])} makes the ${role} role trust ${show(subject)}, which environments.${other} role already trusts; give each environment its own GitHub environment`,
      });
    }
  }
  issues.push(...extrasIssues(config));
  for (const [key, env] of Object.entries(config.environments)) {
    issues.push(...under(["environments", key], placeholderIssues(env)));
  }
  issues.push(...cloudStateIssues(config.project, config.environments));
  // A bucket lives in one region: environments sharing it must name the same one.
  const bucketRegions = new Map<string, { key: string; region: string }>();
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.state.backend !== "s3") continue;
    const region = env.state.region ?? env.region;
    const first = bucketRegions.get(env.state.bucket);
    if (first === undefined) bucketRegions.set(env.state.bucket, { key, region });
    else if (first.region !== region) {
      issues.push({
        path: ["environments", key, "state", env.state.region === undefined ? "bucket" : "region"],
        message: `${show(env.state.region ?? env.state.bucket)}: the state bucket ${show(env.state.bucket)} is in ${first.region} for environments.${first.key}, but this environment would look for it in ${region}; a bucket has one region, so set state.region to ${show(first.region)}`,
      });
    }
  }
  const owners = new Map<string, string>();
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.state.backend !== "s3" || !env.state.bootstrap) continue;
    const owner = owners.get(env.state.bucket);
    if (owner === undefined) {
      owners.set(env.state.bucket, key);
      continue;
    }
    issues.push({
      path: ["environments", key, "state", "bucket"],
      message:
        `${show(env.state.bucket)} is already created by the bootstrap stack of environments.${owner}; ` +
        `set environments.${key}.state.bootstrap to false to share it`,
    });
  }
  return { issues, plans };
}
