import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export type Statement = DataAwsIamPolicyDocumentStatement;
export type Condition = DataAwsIamPolicyDocumentStatementCondition;

/** Where the deploy role may act: one account, one region, one project prefix. */
export interface DeployScope {
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** The environment's account. */
  readonly account: string;
  /** The environment's region. */
  readonly region: string;
  /** Physical-name prefix of everything the project creates, e.g. `platform-dev`. */
  readonly prefix: string;
  /** Project (log-group paths `/<project>/<env>/`, KMS key tags). */
  readonly project: string;
  /** Environment (log-group paths, KMS key tags). */
  readonly environment: string;
  /** Name prefixes of the CI identities' own roles and policies, which CI must never change. */
  readonly ciNamePrefixes: readonly string[];
  /** Required boundary on every role the deploy role creates or changes. */
  readonly permissionsBoundaryArn: string;
  /** Production: data deletion is denied outright. */
  readonly production: boolean;
}

export function allow(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  condition?: readonly Condition[],
): Statement {
  return {
    sid,
    effect: "Allow",
    actions: [...actions],
    resources: [...resources],
    ...(condition === undefined ? {} : { condition: [...condition] }),
  };
}

export function deny(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  condition?: readonly Condition[],
): Statement {
  return { ...allow(sid, actions, resources, condition), effect: "Deny" };
}

/** Prefixes every action with its service: `svc("ec2", ["CreateVpc"])` -> `["ec2:CreateVpc"]`. */
export function svc(service: string, actions: readonly string[]): string[] {
  return actions.map((a) => `${service}:${a}`);
}

/** ARN builders bound to the scope. */
export function arns(s: DeployScope) {
  return {
    /** `arn:<p>:<service>:<region>:<account>:<resource>` */
    regional: (service: string, resource: string) =>
      `arn:${s.partition}:${service}:${s.region}:${s.account}:${resource}`,
    /** `arn:<p>:<service>::<account>:<resource>` (IAM, CloudWatch dashboards) */
    global: (service: string, resource: string) =>
      `arn:${s.partition}:${service}::${s.account}:${resource}`,
    /** `arn:<p>:<service>:::<resource>` (S3 buckets, Route 53) */
    bare: (service: string, resource: string) => `arn:${s.partition}:${service}:::${resource}`,
  };
}

/**
 * Limits a statement whose actions take no resource ARN to the deployment's region, the only
 * scope AWS leaves for them.
 */
export function inRegion(s: DeployScope): Condition {
  return { test: "StringEquals", variable: "aws:RequestedRegion", values: [s.region] };
}

/** The tags every resource of the environment carries (provider default_tags). */
export function projectTags(s: DeployScope, kind: "Request" | "Resource"): Condition[] {
  return [
    { test: "StringEquals", variable: `aws:${kind}Tag/Project`, values: [s.project] },
    { test: "StringEquals", variable: `aws:${kind}Tag/Environment`, values: [s.environment] },
  ];
}
