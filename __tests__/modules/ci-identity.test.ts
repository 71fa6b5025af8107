import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../lib/policy";
import { Names } from "../../lib/names";
import {
  DEPLOY_POLICY_GROUPS,
  GithubDeployRole,
  branchProblem,
  createPermissionsBoundary,
  deployPolicyDocuments,
  type DeployPermissionsInput,
  type GithubDeployRoleProps,
} from "../../modules/ci-identity";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, refTo, resources, type Block, type TfJson } from "../helpers/tf";

const names = new Names({ project: "platform", environment: "dev" });
const ACCOUNT = "123456789012";
const REGION = "ap-northeast-1";
const STATE_BUCKET = "platform-tfstate-123456789012-ap-northeast-1";
const STATE_ALIAS = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/platform-dev-tfstate`;
const permissionsBase: DeployPermissionsInput = {
  names,
  account: ACCOUNT,
  region: REGION,
  partition: "aws",
  production: false,
  stateBucket: STATE_BUCKET,
  stateKmsKeyArn: STATE_ALIAS,
  stateKeyPrefix: "platform/dev/",
  projectPrefix: "platform-dev",
};
const roleBase: Omit<GithubDeployRoleProps, "permissions"> = {
  names,
  account: ACCOUNT,
  partition: "aws",
  repository: "acme/platform-infra",
  branch: "main",
};
/** Role and permission inputs in one object, as the ci stack derives both from one config. */
type Extra = Partial<Omit<GithubDeployRoleProps, "permissions">> & Partial<DeployPermissionsInput>;

/** The role with its permissions, and the boundary (`ci-boundary`) as the ci stack makes it. */
function synth(extra: Extra = {}, n: Names = names): TfJson {
  return synthConstruct((stack) => {
    const permissions = deployPolicyDocuments({ ...permissionsBase, ...extra, names: n });
    createPermissionsBoundary(stack, "ci-boundary", n, permissions);
    new GithubDeployRole(stack, "ci", { ...roleBase, ...extra, names: n, permissions });
  });
}

let standard: TfJson | undefined;
/** synth() with the defaults, once: several describe blocks read the same JSON. */
const synthStandard = (): TfJson => (standard ??= synth());

interface Condition {
  test: string;
  variable: string;
  values: string[];
}
interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  resources: string[];
  condition?: Condition[];
  principals?: { type: string; identifiers: string[] }[];
}

/** The data source with that construct path suffix. */
function dataByPath(json: TfJson, type: string, suffix: string): Block {
  const found = Object.values(json.data?.[type] ?? {}).filter((b) =>
    ((b["//"] as { metadata?: { path?: string } }).metadata?.path ?? "").endsWith(suffix),
  );
  if (found.length !== 1) throw new Error(`expected one data.${type} at */${suffix}`);
  return found[0];
}
const statementsOf = (json: TfJson, suffix: string) =>
  dataByPath(json, "aws_iam_policy_document", suffix).statement as Statement[];

/** Every statement of every customer managed policy attached to the role, by policy name. */
function attachedPolicies(json: TfJson, roleSuffix: string): Map<string, Statement[]> {
  const role = byPath(json, "aws_iam_role", roleSuffix);
  const roleName = refTo(json, "aws_iam_role", role, "name");
  const docs = Object.entries(json.data?.aws_iam_policy_document ?? {});
  const out = new Map<string, Statement[]>();
  for (const attachment of bodies(json, "aws_iam_role_policy_attachment")) {
    if (attachment.role !== roleName) continue;
    const policyEntry = resources(json, "aws_iam_policy").find(
      ([name]) => attachment.policy_arn === `\${aws_iam_policy.${name}.arn}`,
    );
    if (policyEntry === undefined) {
      out.set(String(attachment.policy_arn), []);
      continue;
    }
    const [, policy] = policyEntry;
    const doc = docs.find(
      ([name]) => policy.policy === `\${data.aws_iam_policy_document.${name}.json}`,
    );
    out.set(String(policy.name), (doc?.[1].statement ?? []) as Statement[]);
  }
  return out;
}
const allStatements = (policies: Map<string, Statement[]>) => [...policies.values()].flat();

const glob = (pattern: string, flags = "") =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    flags,
  );

type Context = Readonly<Record<string, string | readonly string[]>>;
function conditionHolds(c: Condition, context: Context): boolean {
  const given = context[c.variable];
  if (given === undefined) return false;
  const list = typeof given === "string" ? [given] : given;
  const op = c.test.replace(/^ForAnyValue:/, "");
  const match = (v: string) =>
    c.values.some((w) =>
      op === "StringLike" || op === "ArnLike" ? glob(w).test(v) : op === "Bool" ? w === v : w === v,
    );
  return list.some(match);
}

/**
 * IAM's decision for one request against identity policies: an explicit deny wins, then any
 * allow whose action, resource and conditions all match; otherwise implicit deny.
 */
function decide(
  statements: readonly Statement[],
  action: string,
  resource: string,
  context: Context = {},
): "allow" | "deny" | "implicit" {
  const applies = (s: Statement) =>
    s.actions.some((a) => glob(a, "i").test(action)) &&
    s.resources.some((r) => glob(r).test(resource)) &&
    (s.condition ?? []).every((c) => conditionHolds(c, context));
  if (statements.some((s) => s.effect === "Deny" && applies(s))) return "deny";
  return statements.some((s) => s.effect === "Allow" && applies(s)) ? "allow" : "implicit";
}

/** The policy as IAM stores it, minified; IAM's size limit ignores whitespace. */
function renderedSize(statements: readonly Statement[]): number {
  const condition = (cs: Condition[]) => {
    const out: Record<string, Record<string, string[]>> = {};
    for (const c of cs) (out[c.test] ??= {})[c.variable] = c.values;
    return out;
  };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      Action: s.actions,
      Resource: s.resources,
      ...(s.condition === undefined ? {} : { Condition: condition(s.condition) }),
    })),
  }).length;
}

const arn = (service: string, resource: string, region = REGION) =>
  `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
const iam = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
const inRegion = { "aws:RequestedRegion": REGION };
const stateKey = {
  "kms:ResourceAliases": ["alias/platform-dev-tfstate"],
  "kms:ViaService": `s3.${REGION}.amazonaws.com`,
};
const envTags = (kind: "Request" | "Resource") => ({
  [`aws:${kind}Tag/Project`]: "platform",
  [`aws:${kind}Tag/Environment`]: "dev",
});

describe("GithubDeployRole: OIDC provider and trust", () => {
  const json = synthStandard();
  const provider = byPath(json, "aws_iam_openid_connect_provider", "ci/provider");

  it("creates GitHub's OIDC provider for the STS audience and trusts it", () => {
    expect(provider).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    const providerArn = refTo(json, "aws_iam_openid_connect_provider", provider, "arn");
    for (const role of ["deploy", "plan"]) {
      const [trust] = statementsOf(json, `ci/${role}-trust`);
      expect(trust.principals).toEqual([{ type: "Federated", identifiers: [providerArn] }]);
    }
  });

  it("lets only the branch's workflow runs assume the deploy role, by exact subject", () => {
    const trust = statementsOf(json, "ci/deploy-trust");
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ effect: "Allow", actions: ["sts:AssumeRoleWithWebIdentity"] });
    expect(trust[0].condition).toEqual([
      {
        test: "StringEquals",
        variable: "token.actions.githubusercontent.com:aud",
        values: ["sts.amazonaws.com"],
      },
      {
        test: "StringEquals",
        variable: "token.actions.githubusercontent.com:sub",
        values: ["repo:acme/platform-infra:ref:refs/heads/main"],
      },
    ]);
  });

  it("lets pull-request runs assume only the plan role", () => {
    const [trust] = statementsOf(json, "ci/plan-trust");
    expect(trust.condition).toContainEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values: ["repo:acme/platform-infra:pull_request"],
    });
    expect(byPath(json, "aws_iam_role", "ci/plan-role").name).toBe("platform-dev-github-plan");
    expect(byPath(json, "aws_iam_role", "ci/deploy-role")).toMatchObject({
      name: "platform-dev-github-deploy",
      max_session_duration: 7200,
    });
  });

  it("trusts the GitHub environment's subject when the deploy job runs in one", () => {
    const [trust] = statementsOf(synth({ githubEnvironment: "production" }), "ci/deploy-trust");
    expect(trust.condition?.find((c) => c.variable.endsWith(":sub"))?.values).toEqual([
      "repo:acme/platform-infra:environment:production",
    ]);
  });

  it("looks up the account's existing provider by ARN when told not to create it", () => {
    const other = synth({ provider: "reference" });
    expect(other.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    const lookup = dataByPath(other, "aws_iam_openid_connect_provider", "ci/provider");
    expect(lookup.arn).toBe(iam("oidc-provider/token.actions.githubusercontent.com"));
    const [trust] = statementsOf(other, "ci/deploy-trust");
    expect(trust.principals?.[0].identifiers[0]).toMatch(
      /^\$\{data\.aws_iam_openid_connect_provider\.[^.]+\.arn\}$/,
    );
  });

  it("creates no plan role when pull requests get none", () => {
    const other = synth({ pullRequestRole: false, imagePushRole: false });
    expect(bodies(other, "aws_iam_role").map((r) => r.name)).toEqual([
      "platform-dev-github-deploy",
    ]);
  });
});

describe("GithubDeployRole: plan role", () => {
  const json = synthStandard();
  const policies = attachedPolicies(json, "ci/plan-role");
  const statements = allStatements(policies);

  it("has AWS's ReadOnlyAccess plus its own state policy, nothing that changes resources", () => {
    expect([...policies.keys()].sort()).toEqual([
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
      "platform-dev-github-plan-state",
    ]);
    expect(decide(statements, "ec2:CreateVpc", arn("ec2", "vpc/vpc-1"), inRegion)).toBe("implicit");
  });

  it("reads state and takes the lock, but never writes state", () => {
    const object = `arn:aws:s3:::${STATE_BUCKET}/platform/dev/network.tfstate`;
    expect(decide(statements, "s3:GetObject", object)).toBe("allow");
    expect(decide(statements, "s3:PutObject", object)).toBe("implicit");
    expect(decide(statements, "s3:PutObject", `${object}.tflock`)).toBe("allow");
    expect(decide(statements, "s3:DeleteObject", `${object}.tflock`)).toBe("allow");
    expect(decide(statements, "kms:Decrypt", arn("kms", "key/k-1"), stateKey)).toBe("allow");
    expect(decide(statements, "kms:Encrypt", arn("kms", "key/k-1"), stateKey)).toBe("implicit");
  });
});

describe("GithubDeployRole: deploy role permissions", () => {
  const json = synthStandard();
  const policies = attachedPolicies(json, "ci/deploy-role");
  const statements = allStatements(policies);

  it("is one managed policy per layer plus state, all named under the CI prefix", () => {
    expect([...policies.keys()].sort()).toEqual(
      ["state", ...DEPLOY_POLICY_GROUPS].map((g) => `platform-dev-github-deploy-${g}`).sort(),
    );
  });

  it.each([
    ["s3:PutObject", `arn:aws:s3:::${STATE_BUCKET}/platform/dev/data.tfstate`, {}],
    ["s3:DeleteObject", `arn:aws:s3:::${STATE_BUCKET}/platform/dev/data.tfstate.tflock`, {}],
    ["kms:GenerateDataKey", arn("kms", "key/k-1"), stateKey],
    ["ec2:CreateVpc", arn("ec2", "vpc/*"), {}],
    ["ec2:RunInstances", `arn:aws:ec2:${REGION}::image/ami-1`, {}],
    ["ec2:DescribeAvailabilityZones", "*", inRegion],
    [
      "elasticloadbalancing:CreateTargetGroup",
      arn("elasticloadbalancing", "targetgroup/platform-dev-api/1"),
      {},
    ],
    [
      "elasticloadbalancing:ModifyListener",
      arn("elasticloadbalancing", "listener/app/platform-dev-alb/1/2"),
      {},
    ],
    ["ecs:UpdateService", arn("ecs", "service/platform-dev-cluster/api"), {}],
    ["ecs:RegisterTaskDefinition", arn("ecs", "task-definition/platform-dev-api:7"), {}],
    ["ecr:CreateRepository", arn("ecr", "repository/platform-dev/api"), {}],
    [
      "autoscaling:StartInstanceRefresh",
      arn("autoscaling", "autoScalingGroup:1:autoScalingGroupName/platform-dev-dcv-gateway"),
      {},
    ],
    [
      "application-autoscaling:PutScalingPolicy",
      arn("application-autoscaling", "scalable-target/1"),
      { "application-autoscaling:service-namespace": "ecs" },
    ],
    ["rds:CreateDBCluster", arn("rds", "cluster:platform-dev-db"), {}],
    ["rds:CreateDBSnapshot", arn("rds", "snapshot:platform-dev-db-final"), {}],
    ["secretsmanager:CreateSecret", arn("secretsmanager", "secret:rds!db-1-abc"), {}],
    ["kms:CreateKey", "*", { ...inRegion, ...envTags("Request") }],
    ["kms:EnableKeyRotation", arn("kms", "key/k-2"), envTags("Resource")],
    ["kms:CreateAlias", arn("kms", "alias/platform-dev-db"), {}],
    [
      "iam:CreateRole",
      iam("role/platform-dev-api-task"),
      { "iam:PermissionsBoundary": iam("policy/platform-dev-boundary") },
    ],
    [
      "iam:PassRole",
      iam("role/platform-dev-db-monitoring"),
      { "iam:PassedToService": "monitoring.rds.amazonaws.com" },
    ],
    ["iam:AddRoleToInstanceProfile", iam("instance-profile/platform-dev-dcv-gateway"), {}],
    [
      "iam:CreateServiceLinkedRole",
      iam("role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
      { "iam:AWSServiceName": "config.amazonaws.com" },
    ],
    ["logs:PutRetentionPolicy", arn("logs", "log-group:/platform/dev/ecs/api"), {}],
    [
      "logs:CreateLogGroup",
      arn("logs", "log-group:/aws/rds/instance/platform-dev-db/postgresql"),
      {},
    ],
    ["cloudwatch:PutMetricAlarm", arn("cloudwatch", "alarm:platform-dev-db-cpu"), {}],
    ["sns:CreateTopic", arn("sns", "platform-dev-alarms-critical"), {}],
    ["events:PutTargets", arn("events", "rule/platform-dev-guardduty-findings"), {}],
    [
      "wafv2:AssociateWebACL",
      arn("elasticloadbalancing", "loadbalancer/app/platform-dev-alb/1"),
      {},
    ],
    ["guardduty:UpdateDetector", arn("guardduty", "detector/d-1"), {}],
    [
      "config:PutConfigurationRecorder",
      arn("config", "configuration-recorder/platform-dev-config/1"),
      {},
    ],
    ["acm:RequestCertificate", "*", inRegion],
    ["route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", {}],
    ["s3:PutBucketPolicy", "arn:aws:s3:::platform-dev-logs-123456789012-ap-northeast-1", {}],
    [
      "ssm:GetParameter",
      `arn:aws:ssm:${REGION}::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`,
      {},
    ],
  ])("allows %s on %s", (action, resource, context) => {
    expect(decide(statements, action, resource, context)).toBe("allow");
  });

  it.each([
    ["s3:DeleteObject", `arn:aws:s3:::${STATE_BUCKET}/platform/dev/data.tfstate`, {}],
    ["s3:PutObject", `arn:aws:s3:::${STATE_BUCKET}/notes.txt`, {}],
    [
      "kms:Decrypt",
      arn("kms", "key/k-1"),
      { "kms:ResourceAliases": ["alias/platform-dev-tfstate"] },
    ],
    ["ec2:CreateVpc", arn("ec2", "vpc/*", "us-east-1"), {}],
    ["ec2:DescribeInstances", "*", { "aws:RequestedRegion": "us-east-1" }],
    ["ecs:DeleteCluster", arn("ecs", "cluster/other-cluster"), {}],
    ["rds:DeleteDBInstance", arn("rds", "db:other-db"), {}],
    ["secretsmanager:GetSecretValue", arn("secretsmanager", "secret:rds!db-1-abc"), {}],
    ["kms:CreateKey", "*", inRegion],
    [
      "kms:ScheduleKeyDeletion",
      arn("kms", "key/k-3"),
      { "aws:ResourceTag/Project": "platform", "aws:ResourceTag/Environment": "prod" },
    ],
    ["iam:CreateRole", iam("role/other-team-admin"), {}],
    ["iam:PutRolePolicy", iam("role/platform-dev-github-deploy"), {}],
    ["iam:AttachRolePolicy", iam("role/platform-dev-github-plan"), {}],
    ["iam:CreatePolicyVersion", iam("policy/platform-dev-github-deploy-network"), {}],
    [
      "iam:UpdateOpenIDConnectProviderThumbprint",
      iam("oidc-provider/token.actions.githubusercontent.com"),
      {},
    ],
    [
      "iam:CreateServiceLinkedRole",
      iam("role/aws-service-role/ssm.amazonaws.com/X"),
      { "iam:AWSServiceName": "ssm.amazonaws.com" },
    ],
    ["logs:DeleteLogGroup", arn("logs", "log-group:/other/prod/app"), {}],
    ["s3:PutBucketPolicy", "arn:aws:s3:::someone-elses-bucket", {}],
    ["sts:AssumeRole", iam("role/platform-dev-api-task"), {}],
  ])("refuses %s on %s", (action, resource, context) => {
    expect(decide(statements, action, resource, context)).not.toBe("allow");
  });

  it("still cannot reconfigure the state bucket or key when their names carry the prefix", () => {
    const other = allStatements(
      attachedPolicies(
        synth({
          stateBucket: "platform-dev-tfstate",
          stateKmsKeyArn: arn("kms", "key/0f0f0f0f-1111-2222-3333-444444444444"),
        }),
        "ci/deploy-role",
      ),
    );
    expect(decide(other, "s3:PutBucketPolicy", "arn:aws:s3:::platform-dev-tfstate")).toBe("deny");
    expect(decide(other, "s3:PutBucketPolicy", "arn:aws:s3:::platform-dev-logs")).toBe("allow");
    const key = arn("kms", "key/0f0f0f0f-1111-2222-3333-444444444444");
    expect(decide(other, "kms:ScheduleKeyDeletion", key, envTags("Resource"))).toBe("deny");
    expect(
      decide(other, "kms:Decrypt", key, { "kms:ViaService": `s3.${REGION}.amazonaws.com` }),
    ).toBe("allow");
  });

  it("grants no wildcard action on '*' and only read wildcards anywhere", () => {
    const allows = statements.filter((s) => s.effect === "Allow");
    for (const s of allows) {
      for (const action of s.actions) {
        expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
        if (action.includes("*"))
          expect(action).toMatch(/^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*\*$/);
      }
    }
    expect(checkPolicies(json, true, []).violations).toEqual([]);
  });

  it("bounds every statement on '*' to the region, except Route 53's global zone listing", () => {
    const star = statements.filter((s) => s.effect === "Allow" && s.resources.includes("*"));
    expect(star.length).toBeGreaterThan(0);
    for (const s of star) {
      if (s.actions.every((a) => a.startsWith("route53:List"))) continue;
      expect(s.condition).toContainEqual({
        test: "StringEquals",
        variable: "aws:RequestedRegion",
        values: [REGION],
      });
    }
  });

  it("keeps statement ids unique within each policy", () => {
    for (const [name, st] of policies) {
      const sids = st.map((s) => s.sid);
      expect(new Set(sids).size, name).toBe(sids.length);
    }
  });
});

describe("GithubDeployRole: image push role", () => {
  const json = synth({ githubEnvironment: "dev" });
  const statements = allStatements(attachedPolicies(json, "ci/images-role"));
  const repo = (name: string) => arn("ecr", `repository/${name}`);

  it("trusts the deploy job's subject, as the deploy role does", () => {
    const [trust] = statementsOf(json, "ci/images-trust");
    expect(trust.condition?.find((c) => c.variable.endsWith(":sub"))?.values).toEqual([
      "repo:acme/platform-infra:environment:dev",
    ]);
    expect(byPath(json, "aws_iam_role", "ci/images-role").name).toBe("platform-dev-github-images");
  });

  it("pushes to the environment's repositories by name prefix, and nowhere else", () => {
    for (const action of ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:CompleteLayerUpload"]) {
      expect(decide(statements, action, repo("platform-dev/web")), action).toBe("allow");
      expect(decide(statements, action, repo("platform-prod/web")), action).toBe("implicit");
      expect(decide(statements, action, repo("other/web")), action).toBe("implicit");
    }
    expect(decide(statements, "ecr:GetAuthorizationToken", "*")).toBe("allow");
    for (const action of [
      "ecr:DeleteRepository",
      "ecr:BatchDeleteImage",
      "ecr:PutImageTagMutability",
      "ecr:SetRepositoryPolicy",
    ])
      expect(decide(statements, action, repo("platform-dev/web")), action).toBe("implicit");
    expect(
      decide(statements, "ecs:UpdateService", arn("ecs", "service/platform-dev-cluster/web")),
    ).toBe("implicit");
  });
});

describe("GithubDeployRole: policy size and quotas", () => {
  // The longest names the configuration allows (project 12, environment 10 characters).
  const long = new Names({ project: "abcdefghijkl", environment: "production" });
  const json = synth(
    {
      partition: "aws-us-gov",
      region: "us-gov-west-1",
      projectPrefix: "abcdefghijkl-production",
      stateBucket: "abcdefghijkl-tfstate-123456789012-us-gov-west-1",
      stateKmsKeyArn: `arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:alias/abcdefghijkl-production-tfstate`,
      production: true,
    },
    long,
  );

  it.each(["ci/deploy-role", "ci/plan-role"])(
    "%s: every managed policy fits IAM's 6,144 characters, within 10 attachments",
    (role) => {
      const policies = attachedPolicies(json, role);
      expect(policies.size).toBeLessThanOrEqual(10);
      for (const [name, statements] of policies) {
        expect(renderedSize(statements), name).toBeLessThanOrEqual(6144);
      }
    },
  );

  it("the permissions boundary fits too", () => {
    expect(renderedSize(statementsOf(json, "ci-boundary-document"))).toBeLessThanOrEqual(6144);
  });
});

describe("GithubDeployRole: the deploy role cannot escalate", () => {
  const boundary = iam("policy/platform-dev-boundary");
  const json = synthStandard();
  const statements = allStatements(attachedPolicies(json, "ci/deploy-role"));
  const role = iam("role/platform-dev-api-task");
  const withBoundary = { "iam:PermissionsBoundary": boundary };

  it("creates roles and writes their policies only with the boundary", () => {
    expect(decide(statements, "iam:CreateRole", role, withBoundary)).toBe("allow");
    expect(decide(statements, "iam:CreateRole", role)).toBe("implicit");
    expect(
      decide(statements, "iam:CreateRole", role, {
        "iam:PermissionsBoundary": iam("policy/platform-dev-admin"),
      }),
    ).toBe("implicit");
    for (const action of ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"]) {
      expect(decide(statements, action, role), action).toBe("implicit");
      expect(decide(statements, action, role, withBoundary), action).toBe("allow");
    }
  });

  it("never removes or rewrites the boundary", () => {
    expect(decide(statements, "iam:DeleteRolePermissionsBoundary", role, withBoundary)).toBe(
      "deny",
    );
    for (const action of [
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:SetDefaultPolicyVersion",
    ])
      expect(decide(statements, action, boundary), action).toBe("deny");
  });

  it("passes roles only to the platform's services", () => {
    expect(
      decide(statements, "iam:PassRole", role, {
        "iam:PassedToService": "ecs-tasks.amazonaws.com",
      }),
    ).toBe("allow");
    expect(decide(statements, "iam:PassRole", role)).toBe("implicit");
    for (const service of ["lambda.amazonaws.com", "codebuild.amazonaws.com"])
      expect(
        decide(statements, "iam:PassRole", role, { "iam:PassedToService": service }),
        service,
      ).toBe("implicit");
  });

  it("writes only the state of the layers it deploys, never the manual ci and bootstrap states", () => {
    const bucket = `arn:aws:s3:::${STATE_BUCKET}`;
    expect(decide(statements, "s3:PutObject", `${bucket}/platform/dev/network.tfstate`)).toBe(
      "allow",
    );
    expect(decide(statements, "s3:PutObject", `${bucket}/platform/dev/ci.tfstate`)).toBe("deny");
    expect(decide(statements, "s3:PutObject", `${bucket}/platform/dev/ci.tfstate.tflock`)).toBe(
      "deny",
    );
    expect(decide(statements, "s3:PutObject", `${bucket}/platform/dev/bootstrap.tfstate`)).toBe(
      "deny",
    );
    expect(decide(statements, "s3:PutObject", `${bucket}/platform/prod/network.tfstate`)).toBe(
      "implicit",
    );
  });

  it("bounds every role it creates: no IAM, no state, only workload actions", () => {
    const ceiling = statementsOf(json, "ci-boundary-document");
    expect(byPath(json, "aws_iam_policy", "ci-boundary").name).toBe("platform-dev-boundary");
    expect(
      decide(ceiling, "logs:PutLogEvents", arn("logs", "log-group:/platform/dev/ecs/api:*")),
    ).toBe("allow");
    expect(decide(ceiling, "ecr:BatchGetImage", arn("ecr", "repository/platform-dev/api"))).toBe(
      "allow",
    );
    expect(decide(ceiling, "iam:CreateRole", role)).toBe("deny");
    expect(decide(ceiling, "iam:AttachRolePolicy", role)).toBe("deny");
    expect(
      decide(ceiling, "s3:GetObject", `arn:aws:s3:::${STATE_BUCKET}/platform/dev/data.tfstate`),
    ).toBe("deny");
    expect(decide(ceiling, "kms:Decrypt", arn("kms", "key/k-1"), stateKey)).toBe("deny");
    expect(decide(ceiling, "ec2:RunInstances", arn("ec2", "instance/*"))).toBe("implicit");
    expect(
      decide(
        ceiling,
        "secretsmanager:GetSecretValue",
        arn("secretsmanager", "secret:rds!db-1-abc"),
      ),
    ).toBe("deny");
    expect(
      decide(
        ceiling,
        "secretsmanager:GetSecretValue",
        arn("secretsmanager", "secret:platform-dev-api-x"),
      ),
    ).toBe("allow");
    expect(decide(ceiling, "s3:DeleteBucket", "arn:aws:s3:::other-bucket")).toBe("implicit");
  });

  it("admits what config declares for workloads, and nothing else", () => {
    const declared = synth({
      declaredPermissions: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::assets/*"] }],
    });
    const ceiling = statementsOf(declared, "ci-boundary-document");
    expect(decide(ceiling, "s3:GetObject", "arn:aws:s3:::assets/logo.png")).toBe("allow");
    expect(decide(ceiling, "s3:GetObject", "arn:aws:s3:::other/logo.png")).toBe("implicit");
  });

  it("denies production data deletion to CI and to every role it creates", () => {
    const prod = synth({ production: true });
    const deploy = allStatements(attachedPolicies(prod, "ci/deploy-role"));
    const ceiling = statementsOf(prod, "ci-boundary-document");
    for (const st of [deploy, ceiling]) {
      expect(decide(st, "rds:DeleteDBCluster", arn("rds", "cluster:platform-dev-db"))).toBe("deny");
      expect(decide(st, "rds:DeleteDBInstance", arn("rds", "db:platform-dev-db"))).toBe("deny");
      expect(
        decide(st, "kms:ScheduleKeyDeletion", arn("kms", "key/k-2"), envTags("Resource")),
      ).toBe("deny");
    }
    // Aurora readers come and go with the reader count.
    expect(decide(deploy, "rds:DeleteDBInstance", arn("rds", "db:platform-dev-db-2"))).toBe(
      "allow",
    );
    expect(decide(statements, "rds:DeleteDBCluster", arn("rds", "cluster:platform-dev-db"))).toBe(
      "allow",
    );
  });
});

describe("GithubDeployRole: state encryption", () => {
  it("names a key ARN directly and grants no KMS at all for SSE-S3 state", () => {
    const keyArn = arn("kms", "key/0f0f0f0f-1111-2222-3333-444444444444");
    const withKey = statementsOf(synth({ stateKmsKeyArn: keyArn }), "ci/deploy-state-document");
    expect(withKey.find((s) => s.sid === "StateKey")).toMatchObject({
      resources: [keyArn],
      condition: [
        { test: "StringLike", variable: "kms:ViaService", values: ["s3.*.amazonaws.com"] },
      ],
    });
    const sse = statementsOf(synth({ stateKmsKeyArn: undefined }), "ci/deploy-state-document");
    expect(sse.flatMap((s) => s.actions).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });
});

describe("GithubDeployRole: validation", () => {
  const build = (extra: Extra) => () => synth({ configPath: "environments.dev.ci", ...extra });

  it.each<[Extra, string]>([
    [
      { repository: "platform-infra" },
      'environments.dev.ci.repository: "platform-infra" is not a GitHub repository; expected "owner/name"',
    ],
    [
      { repository: "acme/infra/extra" },
      'environments.dev.ci.repository: "acme/infra/extra" is not a GitHub repository',
    ],
    [
      { branch: "*" },
      'environments.dev.ci.branch: "*" is not a valid branch name: it must name one branch: a wildcard would let a workflow run from any matching branch assume the deploy role',
    ],
    [{ branch: "release/*" }, "a wildcard would let a workflow run from any matching branch"],
    [{ branch: "refs/heads/main" }, 'it is the branch name alone, without "refs/heads/"'],
    [{ branch: "main..dev" }, 'it must not contain ".." or "@{"'],
    [{ branch: "feature/.hidden" }, 'must not have a path component starting with "."'],
    [
      { branch: "" },
      'environments.dev.ci.branch: "" is not a valid branch name: it must not be empty',
    ],
    [
      { projectPrefix: "" },
      'environments.dev.ci.projectPrefix: "" must not be empty: it scopes every resource ARN the deploy role may change',
    ],
    [
      { projectPrefix: "platform-*" },
      'environments.dev.ci.projectPrefix: "platform-*" may hold only letters, digits',
    ],
    [
      { stateBucket: "Platform_State" },
      'environments.dev.ci.stateBucket: "Platform_State" is not an S3 bucket name',
    ],
    [
      { stateKmsKeyArn: "alias/platform-dev-tfstate" },
      'environments.dev.ci.stateKmsKeyArn: "alias/platform-dev-tfstate" is not a KMS key or alias ARN',
    ],
    [
      { githubEnvironment: "prod:eu" },
      'environments.dev.ci.githubEnvironment: "prod:eu" is not a GitHub environment name',
    ],
    [
      { planGithubEnvironment: "*" },
      'environments.dev.ci.planGithubEnvironment: "*" is not a GitHub environment name',
    ],
  ])("rejects %j", (extra, message) => {
    expect(build(extra)).toThrow(message);
  });

  it("reports every problem at once, one line each", () => {
    expect(build({ repository: "x", branch: "*", githubEnvironment: "a:b" })).toThrow(
      /Invalid configuration \(3 problems\):\n {2}environments\.dev\.ci\.repository: .*\n {2}environments\.dev\.ci\.branch: .*\n {2}environments\.dev\.ci\.githubEnvironment: /,
    );
    expect(build({ projectPrefix: "", stateBucket: "A" })).toThrow(
      /Invalid configuration \(2 problems\):\n {2}environments\.dev\.ci\.projectPrefix: .*\n {2}environments\.dev\.ci\.stateBucket: /,
    );
  });

  it("accepts ordinary branch names and leaves values known only at plan time alone", () => {
    for (const name of ["main", "release/1.2", "feature/a-b_c", "v2"]) {
      expect(branchProblem(name), name).toBeUndefined();
    }
    const json = synthConstruct((stack) => {
      const key = new TerraformVariable(stack, "state_key", { type: "string" });
      const permissions = deployPolicyDocuments({
        ...permissionsBase,
        stateKmsKeyArn: key.stringValue,
      });
      new GithubDeployRole(stack, "ci", { ...roleBase, permissions });
    });
    expect(
      statementsOf(json, "ci/deploy-state-document").find((s) => s.sid === "StateKey"),
    ).toMatchObject({
      resources: ["${var.state_key}"],
    });
  });
});
