import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { adoptIfAsked, ownsSingleton, type SingletonMode } from "../../lib/account-singleton";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { attachDeployPolicies, type DeployPolicyDocuments } from "./deploy-permissions";
import { imagePushStatements } from "./image-push";
import { githubSubjects } from "./subjects";
import { githubIdentityIssues } from "./validate";

export { DEPLOY_POLICY_GROUPS, type DeployPolicyGroup } from "./deploy-policies";
export {
  CI_IDENTITY_PURPOSES,
  DEPLOY_POLICY_NAMES,
  attachDeployPolicies,
  createPermissionsBoundary,
  deployPolicyDocuments,
  permissionsBoundaryArn,
  permissionsBoundaryName,
  type AttachDeployPoliciesProps,
  type DeployPermissionsInput,
  type DeployPolicyDocuments,
} from "./deploy-permissions";
export { MANUAL_LAYERS } from "./manual-layers";
export { PASS_ROLE_SERVICES } from "./deploy-identity";
export { ECR_PUSH_ACTIONS, imagePushStatements } from "./image-push";
export { PRODUCTION_DATA_DELETION, type DeclaredPermission } from "./boundary";
export { githubSubjects, type GithubSubjectInput } from "./subjects";
export { branchProblem } from "./validate";

/** GitHub's OIDC issuer host; also the prefix of its token's condition keys in IAM. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks GitHub to put in the token. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface GithubDeployRoleProps {
  /** Naming helper of the owning stack (role and policy names). */
  readonly names: Names;
  /** Account the roles live in. */
  readonly account: string;
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
   * GitHub environment the pull-request plan job runs in, so that two environments' plan roles
   * never trust the same subject.
   * @default none: the plan role trusts `repo:<owner>/<name>:pull_request`
   */
  readonly planGithubEnvironment?: string;
  /**
   * The account's GitHub OIDC provider (one per account): create it, adopt the existing one
   * (`{ adopt: "<provider ARN>" }`), or reference it where another environment (or someone
   * by hand) owns it; it is then looked up by its ARN.
   * @default "create"
   */
  readonly provider?: SingletonMode;
  /**
   * The environment's apply permissions and boundary (deployPolicyDocuments), shared with any
   * other identity that applies the platform.
   */
  readonly permissions: DeployPolicyDocuments;
  /**
   * Also create the read-only plan role that pull-request runs may assume.
   * @default true
   */
  readonly pullRequestRole?: boolean;
  /**
   * Also create the image push role (`<prefix>-github-images`) for the deploy subject: push
   * to the project's ECR repositories (`<prefix>/*`, by name, whichever stack owns them).
   * @default true
   */
  readonly imagePushRole?: boolean;
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
  /** Pushes service images; trusts the deploy subject. */
  readonly imagePushRole?: IamRole;
  private readonly names: Names;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, githubIdentityIssues(props));
    const { names, partition, account } = props;
    this.names = names;

    const provider = props.provider ?? "create";
    if (ownsSingleton(provider)) {
      const created = new IamOpenidConnectProvider(this, "provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        tags: names.nameTag("github-oidc"),
      });
      adoptIfAsked(created, provider);
      this.providerArn = created.arn;
    } else {
      this.providerArn = new DataAwsIamOpenidConnectProvider(this, "provider", {
        arn: `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      }).arn;
    }

    const subjects = githubSubjects(props);
    this.deployRole = this.role("deploy", subjects.deploy, {
      // Creating an Aurora cluster and then the services can outlast the default hour.
      maxSessionDuration: 7200,
    });
    attachDeployPolicies(this, {
      names,
      role: this.deployRole,
      identity: ["github", "deploy"],
      idPrefix: "deploy",
      description: "GitHub Actions deploy role",
      policies: props.permissions.policies,
    });

    if (props.pullRequestRole ?? true) {
      this.planRole = this.role("plan", subjects.plan, {});
      attachDeployPolicies(this, {
        names,
        role: this.planRole,
        identity: ["github", "plan"],
        idPrefix: "plan",
        description: "GitHub Actions plan role",
        policies: { state: props.permissions.planState },
      });
      new IamRolePolicyAttachment(this, "plan-read-only", {
        role: this.planRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
      });
    }

    if (props.imagePushRole ?? true) {
      this.imagePushRole = this.role("images", subjects.deploy, {});
      attachDeployPolicies(this, {
        names,
        role: this.imagePushRole,
        identity: ["github", "images"],
        idPrefix: "images",
        description: "GitHub Actions image push role",
        policies: { push: imagePushStatements(props.permissions.scope) },
      });
    }
  }

  /** A role only GitHub tokens for `subject` (and this account's provider) can assume. */
  private role(
    purpose: "deploy" | "plan" | "images",
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
}
