import { POLICY_RULES } from "../lib/policy/rules";
import { show, type Issue } from "../lib/validation";
import { databaseIssues } from "../modules/database/validate";
import { dcvIssues } from "../modules/dcv/validate";
import { networkIssues } from "../modules/network/validate";
import { extrasIssues } from "./extras-rules";
import { cloudStateIssues } from "./hcp-schema";
import type { PlatformConfig } from "./schema";
import { servicesIssues } from "./services-rules";

/**
 * Rules across fields and environments. They run only on a configuration whose shape is
 * already valid, so each problem is reported once and against well-typed values.
 */
export function semanticIssues(config: PlatformConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.name !== key) {
      issues.push({
        path: ["environments", key, "name"],
        message: `${show(env.name)} must equal its key ${show(key)}`,
      });
    }
    const network = networkIssues({ ...env.network, region: env.region });
    issues.push(
      ...network.issues.map((i) => ({ ...i, path: ["environments", key, "network", ...i.path] })),
    );
    if (env.dcv !== undefined && network.plan !== undefined) {
      // The gateway trusts PROXY headers from the private subnets, where the NLB lives.
      const dcv = dcvIssues(env.dcv, {
        vpcCidr: env.network.cidr,
        privateSubnetCidrs: network.plan.private,
        externalCidrs: env.network.externalNetworks.flatMap((n) => n.cidrs),
      });
      issues.push(...dcv.map((i) => ({ ...i, path: ["environments", key, "dcv", ...i.path] })));
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
    env.policyExceptions.forEach((e, i) => {
      if (!POLICY_RULES.some((r) => r.id === e.rule)) {
        issues.push({
          path: ["environments", key, "policyExceptions", i, "rule"],
          message: `${show(e.rule)} is not a policy rule; rules: ${POLICY_RULES.map((r) => r.id).join(", ")}`,
        });
      }
    });
    const services = servicesIssues(env, `${config.project}-${key}`);
    issues.push(
      ...services.map((i) => ({ ...i, path: ["environments", key, "services", ...i.path] })),
    );
    if (env.database !== undefined) {
      const database = databaseIssues(env.database, { production: env.production });
      issues.push(
        ...database.map((i) => ({ ...i, path: ["environments", key, "database", ...i.path] })),
      );
    }
  }
  const securityOwners = new Map<string, string>();
  for (const [key, env] of Object.entries(config.environments)) {
    if (!env.operations.accountSecurity) continue;
    const where = `${env.account}/${env.region}`;
    const owner = securityOwners.get(where);
    if (owner === undefined) securityOwners.set(where, key);
    else {
      issues.push({
        path: ["environments", key, "operations", "accountSecurity"],
        message: `true, but environments.${owner} already runs GuardDuty and AWS Config in account ${env.account} ${env.region}; only one detector and recorder may exist there, so set this to false`,
      });
    }
    if (env.ci !== undefined && env.state.backend !== "s3") {
      issues.push({
        path: ["environments", key, "ci"],
        message: "needs S3 state: the roles are granted the state bucket",
      });
    }
  }
  issues.push(...extrasIssues(config));
  issues.push(...cloudStateIssues(config.project, config.environments));
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
  return issues;
}
