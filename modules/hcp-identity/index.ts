import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { adoptIfAsked, ownsSingleton, type SingletonMode } from "../../lib/account-singleton";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import {
  DEPLOY_POLICY_GROUPS,
  createPermissionsBoundary,
  deployPolicyDocuments,
} from "../ci-identity";
import type { Statement } from "../ci-identity/scope";
import { hcpIdentityIssues } from "./validate";

/** The audience HCP Terraform puts in the identity tokens of AWS dynamic credentials. */
export const HCP_AWS_AUDIENCE = "aws.workload.identity";

export type RunPhase = "plan" | "apply";

/** `organization:<org>:project:<project>:workspace:<ws>:run_phase:<phase>`: one run phase of one workspace. */
export function runSubject(
  organization: string,
  project: string,
  workspace: string,
  phase: RunPhase,
): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${phase}`;
}

export interface HcpAwsRolesProps {
  /** Naming helper of the owning stack (role and policy names). */
  readonly names: Names;
  /** Account the roles live in and may act on. */
  readonly account: string;
  /** Region the apply role may act in. */
  readonly region: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** HCP Terraform or Terraform Enterprise host: the token issuer. */
  readonly hostname: string;
  /** Organization, project and workspaces whose runs may assume the roles. */
  readonly organization: string;
  /** HCP Terraform project of the workspaces. */
  readonly project: string;
  /** Workspace names (one per stack) trusted by the roles. */
  readonly workspaces: readonly string[];
  /**
   * The account's OIDC provider for `hostname`, an account singleton: `create` it, `adopt` an
   * existing one (import) or `reference` it (another environment or something outside this
   * repository owns it; looked up by ARN).
   * @default "create"
   */
  readonly provider?: SingletonMode;
  /**
   * Physical-name prefix of everything the project creates, e.g. `platform-dev`: the apply
   * role may change only resources whose ARN carries it.
   */
  readonly projectPrefix: string;
  /**
   * Production: the apply role (and every role it creates) may not delete data.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * Dynamic AWS credentials for HCP Terraform runs, no stored keys: the account's OIDC provider
 * for the host, a read-only role for the plan phase and a role for the apply phase holding
 * the GitHub deploy role's policies (modules/ci-identity), each trusting exactly the run phase
 * of this environment's workspaces.
 */
export class HcpAwsRoles extends Construct {
  readonly providerArn: string;
  /**
   * The environment's permissions boundary (deployPolicyDocuments): the apply role creates
   * roles only with it, and every stack of the environment puts it on its roles.
   */
  readonly boundary: IamPolicy;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  private readonly names: Names;
  private readonly props: HcpAwsRolesProps;

  constructor(scope: Construct, id: string, props: HcpAwsRolesProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, hcpIdentityIssues(props));
    this.names = props.names;
    this.props = props;
    const { names, partition, account, hostname } = props;

    const provider = props.provider ?? "create";
    if (ownsSingleton(provider)) {
      const created = new IamOpenidConnectProvider(this, "provider", {
        url: `https://${hostname}`,
        clientIdList: [HCP_AWS_AUDIENCE],
        tags: names.nameTag("hcp-oidc"),
      });
      adoptIfAsked(created, provider);
      this.providerArn = created.arn;
    } else {
      this.providerArn = new DataAwsIamOpenidConnectProvider(this, "provider", {
        arn: `arn:${partition}:iam::${account}:oidc-provider/${hostname}`,
      }).arn;
    }

    this.planRole = this.role("plan", {});
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: this.planRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
    });

    // Creating an Aurora cluster and then the services can outlast the default hour.
    this.applyRole = this.role("apply", { maxSessionDuration: 7200 });
    // The same least privilege and boundary as the GitHub deploy role; state lives in HCP
    // Terraform, so there is no state bucket to grant.
    const documents = deployPolicyDocuments({
      names,
      account,
      region: props.region,
      partition,
      projectPrefix: props.projectPrefix,
      production: props.production ?? false,
      configPath: props.configPath,
    });
    this.boundary = createPermissionsBoundary(this, "boundary", names, documents);
    const groups = documents.policies;
    for (const group of DEPLOY_POLICY_GROUPS) this.attach(group, groups[group]);
  }

  /** A role only the `phase` tokens of this environment's workspaces can assume. */
  private role(phase: RunPhase, extra: { maxSessionDuration?: number }): IamRole {
    const { names, hostname, organization, project, workspaces } = this.props;
    const trust = new DataAwsIamPolicyDocument(this, `${phase}-trust`, {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [this.providerArn] }],
          condition: [
            { test: "StringEquals", variable: `${hostname}:aud`, values: [HCP_AWS_AUDIENCE] },
            // StringEquals on full subjects: one workspace, one run phase each, no wildcards.
            {
              test: "StringEquals",
              variable: `${hostname}:sub`,
              values: workspaces.map((ws) => runSubject(organization, project, ws, phase)),
            },
          ],
        },
      ],
    });
    return new IamRole(this, `${phase}-role`, {
      name: names.physical(["hcp", phase], { maxLength: 64 }),
      description: `HCP Terraform ${phase} phase (${organization}/${project})`,
      assumeRolePolicy: trust.json,
      ...extra,
      tags: names.nameTag(["hcp", phase]),
    });
  }

  /** One customer managed policy of the apply role. */
  private attach(group: string, statements: Statement[]): void {
    const names = this.names;
    const id = `apply-${group}`;
    const document = new DataAwsIamPolicyDocument(this, `${id}-document`, {
      statement: statements,
    });
    const policy = new IamPolicy(this, id, {
      name: names.physical(["hcp", "apply", group], { maxLength: 128 }),
      description: `HCP Terraform apply role: ${group}`,
      policy: document.json,
      tags: names.nameTag(["hcp", "apply", group]),
    });
    new IamRolePolicyAttachment(this, `${id}-attachment`, {
      role: this.applyRole.name,
      policyArn: policy.arn,
    });
  }
}
