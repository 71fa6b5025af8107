import { ownsSingleton, type SingletonMode } from "../lib/account-singleton";
import { show, type Issue } from "../lib/validation";
import { ACCOUNT_SINGLETON_NAMES, type AccountSingleton } from "./account-singletons-schema";
import type { ResolvedEnvironment, ResolvedPlatform } from "./resolve";

/*
 * Resources AWS allows once per account (or once per account and region). Several environments
 * may share an account; exactly one of them owns each singleton, chosen in config under
 * `environments.<env>.accountSingletons.<name>` ("create" by default, "reference" where another
 * environment or something outside this repository owns it, `{ adopt: "<import id>" }` to take
 * over one that already exists). Synth fails when two environments would both manage one.
 *
 * To add a singleton: append its name to ACCOUNT_SINGLETON_NAMES (account-singletons-schema.ts,
 * which config/schema.ts reads without importing these rules), describe it in
 * ACCOUNT_SINGLETONS, and in the construct that creates it read singletonMode(env, name):
 * create only when ownsSingleton(mode), call adoptIfAsked(resource, mode) (lib/account-singleton).
 */

export {
  ACCOUNT_SINGLETON_NAMES,
  AccountSingletonsSchema,
  type AccountSingleton,
} from "./account-singletons-schema";

export interface AccountSingletonSpec {
  /** What it is, for messages and docs. */
  readonly what: string;
  /** Whether AWS allows one per account, or one per account and region. */
  readonly scope: "account" | "region";
  /** Whether the environment uses it at all (then it creates, adopts or references it). */
  readonly usedBy: (env: ResolvedEnvironment) => boolean;
  /** What `adopt` takes: the id `terraform import` expects for the resource. */
  readonly importId: string;
  /** A valid import id, or undefined when any non-empty string may be one. */
  readonly importIdPattern?: RegExp;
}

export const ACCOUNT_SINGLETONS: Readonly<Record<AccountSingleton, AccountSingletonSpec>> = {
  githubOidcProvider: {
    what: "the GitHub Actions OIDC provider",
    scope: "account",
    usedBy: (env) => env.ci !== undefined,
    importId:
      "the provider's ARN, arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
    importIdPattern:
      /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
  },
  guardDutyDetector: {
    what: "the GuardDuty detector",
    scope: "region",
    usedBy: () => true,
    importId: "the detector id (32 hexadecimal characters, `aws guardduty list-detectors`)",
    importIdPattern: /^[0-9a-f]{32}$/,
  },
  configRecorder: {
    what: "the AWS Config recorder and delivery channel",
    scope: "region",
    usedBy: () => true,
    importId:
      "the recorder's name, which its delivery channel shares (the console names both `default`)",
    importIdPattern: /^[A-Za-z0-9_.-]{1,256}$/,
  },
  configServiceLinkedRole: {
    what: "AWS Config's service-linked role AWSServiceRoleForConfig",
    scope: "account",
    // The recorder runs as this role: whoever manages a recorder needs it.
    usedBy: (env) => ownsSingleton(singletonMode(env, "configRecorder")),
    importId:
      "the role's ARN, arn:<partition>:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
    importIdPattern:
      /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\/config\.amazonaws\.com\/AWSServiceRoleForConfig$/,
  },
  hcpOidcProvider: {
    what: "the HCP Terraform OIDC provider",
    scope: "account",
    // Runs in HCP Terraform assume roles through it; local execution runs where cdktf runs.
    usedBy: (env) => env.state.backend === "cloud" && env.state.executionMode !== "local",
    importId:
      "the provider's ARN, arn:<partition>:iam::<account>:oidc-provider/<HCP Terraform host>",
    importIdPattern: /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/[a-z0-9.-]+$/,
  },
  cloudTrail: {
    what: "the multi-region CloudTrail trail",
    scope: "account",
    // One trail records every region: a second one only doubles the bill.
    usedBy: (env) => env.operations.trail.enabled,
    importId:
      "the trail's ARN, arn:<partition>:cloudtrail:<region>:<account>:trail/<name> (a trail not named <project>-<env>-trail is replaced)",
    importIdPattern: /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/,
  },
  ecrPullThroughCache: {
    what: "the ECR pull-through cache rule of public.ecr.aws (the log router's image)",
    scope: "region",
    // Environments sharing a registry share the rule, so they must use the same prefix.
    usedBy: (env) => usesPullThroughCache(env),
    importId:
      "the rule's repository prefix (services.logRouter.pullThroughCachePrefix, e.g. ecr-public)",
    importIdPattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
  },
};

/** Whether a service of the environment runs the log router from the pull-through cache. */
export function usesPullThroughCache(env: ResolvedEnvironment): boolean {
  const services = env.services;
  return (
    services !== undefined &&
    services.logRouter.image === undefined &&
    services.services.some((s) => s.logRouter)
  );
}

/** The environment's mode for `singleton`: "create" unless its config says otherwise. */
export function singletonMode(
  env: ResolvedEnvironment,
  singleton: AccountSingleton,
): SingletonMode {
  return env.accountSingletons[singleton] ?? "create";
}

/**
 * Two environments that would both manage one singleton in one account (and region), and
 * adoption ids that cannot be the resource's import id.
 */
export function accountSingletonIssues(config: ResolvedPlatform): Issue[] {
  const issues: Issue[] = [];
  for (const name of ACCOUNT_SINGLETON_NAMES) {
    const spec = ACCOUNT_SINGLETONS[name];
    const owners = new Map<string, string>();
    for (const [key, env] of Object.entries(config.environments)) {
      if (!spec.usedBy(env)) continue;
      const chosen = singletonMode(env, name);
      const path = ["environments", key, "accountSingletons", name];
      if (
        typeof chosen === "object" &&
        spec.importIdPattern !== undefined &&
        !spec.importIdPattern.test(chosen.adopt)
      ) {
        issues.push({
          path: [...path, "adopt"],
          message: `${show(chosen.adopt)} is not an import id of ${spec.what}; expected ${spec.importId}`,
        });
      }
      if (chosen === "reference") continue;
      const where = spec.scope === "account" ? env.account : `${env.account}/${env.region}`;
      const owner = owners.get(where);
      if (owner === undefined) {
        owners.set(where, key);
        continue;
      }
      const place =
        spec.scope === "account"
          ? `account ${env.account}`
          : `account ${env.account} in ${env.region}`;
      issues.push({
        path,
        message: `${chosen === "create" ? show(chosen) : "an adoption"}, but environments.${owner} already manages ${spec.what} of ${place}, and AWS allows only one; set this to "reference" (or make environments.${owner} reference it)`,
      });
    }
  }
  // The environments of one registry pull through its one rule, so they name one prefix.
  const prefixes = new Map<string, { readonly env: string; readonly prefix: string }>();
  for (const [key, env] of Object.entries(config.environments)) {
    if (env.services === undefined || !usesPullThroughCache(env)) continue;
    const where = `${env.account}/${env.region}`;
    const prefix = env.services.logRouter.pullThroughCachePrefix;
    const first = prefixes.get(where);
    if (first === undefined) prefixes.set(where, { env: key, prefix });
    else if (first.prefix !== prefix) {
      issues.push({
        path: ["environments", key, "services", "logRouter", "pullThroughCachePrefix"],
        message: `${show(prefix)} differs from environments.${first.env}'s ${show(first.prefix)}, but both pull through the one cache rule of account ${env.account} in ${env.region}; use the same prefix`,
      });
    }
  }
  return issues;
}
