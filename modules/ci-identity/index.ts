import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { DEPLOY_POLICY_GROUPS, deployStatements } from "./deploy-policies";
import type { DeployScope, Statement } from "./scope";
import { protectState, stateStatements } from "./state-access";
import { ciIdentityIssues } from "./validate";

export { DEPLOY_POLICY_GROUPS, type DeployPolicyGroup } from "./deploy-policies";
export { branchProblem } from "./validate";

/** GitHub's OIDC issuer host; also the prefix of its token's condition keys in IAM. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks GitHub to put in the token. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface GithubDeployRoleProps {
  /** Naming helper of the owning stack (role and policy names, log-group paths, KMS tags). */
  readonly names: Names;
  /** Account the roles live in and may act on. */
  readonly account: string;
  /** Region the deploy role may act in (regional ARNs and `aws:RequestedRegion`). */
  readonly region: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** GitHub repository allowed to assume the roles, `owner/name`. */
  readonly repository: string;
  /** The one branch whose workflow runs may assume the deploy role, e.g. `main`. */
  readonly branch: string;
  /**
   * GitHub environment the deploy job runs in. A job with an environment gets
   * `repo:<owner>/<name>:environment:<env>` as its token subject instead of the branch ref, so
   * the deploy role then trusts that subject; restrict the environment's deployment branches
   * to `branch` in the repository settings.
   * @default none: the deploy role trusts `repo:<owner>/<name>:ref:refs/heads/<branch>`
   */
  readonly githubEnvironment?: string;
  /**
   * Create the account's GitHub OIDC provider. There is one per account: set false where it
   * already exists (another environment in the same account, or created by hand); it is then
   * looked up by its ARN.
   * @default true
   */
  readonly createProvider?: boolean;
  /** Name of the S3 bucket holding Terraform state. */
  readonly stateBucket: string;
  /**
   * KMS key or alias ARN the S3 backend encrypts state with (alias ARNs must be literal).
   * @default none: state is SSE-S3 and no key permission is granted
   */
  readonly stateKmsKeyArn?: string;
  /**
   * Physical-name prefix of everything the project creates, e.g. `platform-dev`: the deploy
   * role may change only resources whose ARN carries it (where AWS puts names in ARNs).
   */
  readonly projectPrefix: string;
  /**
   * Also create the read-only plan role that `pull_request` runs may assume.
   * @default true
   */
  readonly pullRequestRole?: boolean;
  /**
   * Permissions boundary every role the deploy role creates or changes must carry. Without
   * one, a role that may write IAM policies could grant itself more through a role it creates.
   * @default none
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * Roles GitHub Actions assumes through OIDC, with no stored AWS keys: a deploy role for
 * `branch` with what plan/apply of this project needs, and a read-only plan role for pull
 * requests. Apply the stack holding this by hand (like bootstrap): CI cannot change its own
 * roles or policies.
 */
export class GithubDeployRole extends Construct {
  /** ARN of the GitHub OIDC provider the roles trust. */
  readonly providerArn: string;
  readonly deployRole: IamRole;
  readonly planRole?: IamRole;
  private readonly names: Names;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, ciIdentityIssues(props));
    const { names, partition, account } = props;
    this.names = names;

    if (props.createProvider ?? true) {
      this.providerArn = new IamOpenidConnectProvider(this, "provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        tags: names.nameTag("github-oidc"),
      }).arn;
    } else {
      this.providerArn = new DataAwsIamOpenidConnectProvider(this, "provider", {
        arn: `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      }).arn;
    }

    const location = {
      partition,
      bucket: props.stateBucket,
      kmsKeyArn: props.stateKmsKeyArn,
    };
    const deployScope: DeployScope = {
      partition,
      account,
      region: props.region,
      prefix: props.projectPrefix,
      project: names.context.project,
      environment: names.context.environment,
      ciNamePrefix: `${names.physical("github")}-`,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    };

    const deploySubject =
      props.githubEnvironment === undefined
        ? `repo:${props.repository}:ref:refs/heads/${props.branch}`
        : `repo:${props.repository}:environment:${props.githubEnvironment}`;
    this.deployRole = this.role("deploy", deploySubject, {
      // Creating an Aurora cluster and then the services can outlast the default hour.
      maxSessionDuration: 7200,
    });
    const groups = deployStatements(deployScope);
    this.attach(this.deployRole, "deploy", "state", [
      ...stateStatements(location, "deploy"),
      ...protectState(location),
    ]);
    for (const group of DEPLOY_POLICY_GROUPS) {
      this.attach(this.deployRole, "deploy", group, groups[group]);
    }

    if (props.pullRequestRole ?? true) {
      this.planRole = this.role("plan", `repo:${props.repository}:pull_request`, {});
      this.attach(this.planRole, "plan", "state", stateStatements(location, "plan"));
      new IamRolePolicyAttachment(this, "plan-read-only", {
        role: this.planRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
      });
    }
  }

  /** A role only GitHub tokens for `subject` (and this account's provider) can assume. */
  private role(
    purpose: "deploy" | "plan",
    subject: string,
    extra: { maxSessionDuration?: number },
  ): IamRole {
    const names = this.names;
    const trust = new DataAwsIamPolicyDocument(this, `${purpose}-trust`, {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [this.providerArn] }],
          condition: [
            {
              test: "StringEquals",
              variable: `${GITHUB_OIDC_HOST}:aud`,
              values: [GITHUB_OIDC_AUDIENCE],
            },
            // StringEquals, never StringLike: the subject names exactly one branch or event.
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [subject] },
          ],
        },
      ],
    });
    return new IamRole(this, `${purpose}-role`, {
      name: names.physical(["github", purpose], { maxLength: 64 }),
      description: `GitHub Actions ${purpose} role (${subject})`,
      assumeRolePolicy: trust.json,
      ...extra,
      tags: names.nameTag(["github", purpose]),
    });
  }

  /** One customer managed policy holding `statements`, attached to `role`. */
  private attach(role: IamRole, purpose: string, group: string, statements: Statement[]): void {
    const names = this.names;
    const id = `${purpose}-${group}`;
    const document = new DataAwsIamPolicyDocument(this, `${id}-document`, {
      statement: statements,
    });
    const policy = new IamPolicy(this, id, {
      name: names.physical(["github", purpose, group], { maxLength: 128 }),
      description: `GitHub Actions ${purpose} role: ${group}`,
      policy: document.json,
      tags: names.nameTag(["github", purpose, group]),
    });
    new IamRolePolicyAttachment(this, `${id}-attachment`, {
      role: role.name,
      policyArn: policy.arn,
    });
  }
}
