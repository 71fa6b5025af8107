import type { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { boundaryStatements, type DeclaredPermission } from "./boundary";
import { DEPLOY_POLICY_GROUPS, deployStatements, type DeployPolicyGroup } from "./deploy-policies";
import type { DeployScope, Statement } from "./scope";
import { protectState, stateKeyTarget, stateStatements, type StateLocation } from "./state-access";
import { MANUAL_LAYERS } from "./manual-layers";
import { deployPermissionsIssues } from "./validate";

/**
 * Identities allowed to apply an environment: GitHub Actions roles are `<prefix>-github-*`,
 * HCP Terraform roles `<prefix>-hcp-*`. The deploy permissions deny every change to roles and
 * policies under these names, whichever identity holds them.
 */
export const CI_IDENTITY_PURPOSES = ["github", "hcp"] as const;

/** Everything the deploy permissions of one environment are built from. */
export interface DeployPermissionsInput {
  /** Naming helper of the environment. */
  readonly names: Names;
  /** The environment's account. */
  readonly account: string;
  /** The environment's region. */
  readonly region: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /**
   * Physical-name prefix of everything the environment creates.
   * @default names.prefix
   */
  readonly projectPrefix?: string;
  /** Production environments: data deletion is denied outright. */
  readonly production: boolean;
  /**
   * S3 state bucket name.
   * @default none: state is elsewhere (HCP Terraform) and no state access is granted
   */
  readonly stateBucket?: string;
  /**
   * KMS key or alias ARN state is encrypted with.
   * @default none (SSE-S3)
   */
  readonly stateKmsKeyArn?: string;
  /**
   * Key prefix of the environment's state objects, e.g. `platform/dev/`: CI writes only
   * `<prefix><layer>.tfstate` of the layers it applies.
   * @default `<project>/<environment>/`
   */
  readonly stateKeyPrefix?: string;
  /**
   * Permissions config grants workloads (services' taskPermissions): the boundary admits them.
   * @default []
   */
  readonly declaredPermissions?: readonly DeclaredPermission[];
  /**
   * Prefix for validation errors.
   * @default "deployPermissions"
   */
  readonly configPath?: string;
}

/** The deploy identity's policies, ready to become managed policies. */
export interface DeployPolicyDocuments {
  /** Managed policies of the apply identity, by group: state access (S3 state only) plus one per layer. */
  readonly policies: Readonly<Record<DeployPolicyGroup, Statement[]>> & {
    readonly state?: Statement[];
  };
  /** Read-only state access for a plan identity. */
  readonly planState: Statement[];
  /** Statements of the permissions boundary. */
  readonly boundary: Statement[];
  /** Where the permissions apply (account, region, prefix): for further scoped policies. */
  readonly scope: DeployScope;
  /** Name and ARN of the boundary policy (it must exist before CI creates any role). */
  readonly boundaryName: string;
  readonly boundaryArn: string;
}

/** `<prefix>-boundary`: one per environment, created with the CI identities. */
export function permissionsBoundaryName(names: Names): string {
  return names.physical("boundary", { maxLength: 128 });
}

export function permissionsBoundaryArn(names: Names, partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:policy/${permissionsBoundaryName(names)}`;
}

/**
 * The least-privilege apply permissions of one environment and the boundary that goes with
 * them. Shared by every identity that applies the platform (GitHub Actions deploy role, HCP
 * Terraform apply role): build the documents once, attach them with attachDeployPolicies.
 */
export function deployPolicyDocuments(input: DeployPermissionsInput): DeployPolicyDocuments {
  assertNoIssues(input.configPath ?? "deployPermissions", deployPermissionsIssues(input));
  const { names, partition, account } = input;
  const boundaryArn = permissionsBoundaryArn(names, partition, account);
  const scope: DeployScope = {
    partition,
    account,
    region: input.region,
    prefix: input.projectPrefix ?? names.prefix,
    project: names.context.project,
    environment: names.context.environment,
    ciNamePrefixes: CI_IDENTITY_PURPOSES.map((p) => `${names.physical(p)}-`),
    permissionsBoundaryArn: boundaryArn,
    production: input.production,
  };
  const groups = deployStatements(scope);
  if (input.stateBucket === undefined) {
    return {
      policies: groups,
      planState: [],
      boundary: boundaryStatements(scope, undefined, input.declaredPermissions ?? []),
      scope,
      boundaryName: permissionsBoundaryName(names),
      boundaryArn,
    };
  }
  const location: StateLocation = {
    partition,
    bucket: input.stateBucket,
    kmsKeyArn: input.stateKmsKeyArn,
    keyPrefix: input.stateKeyPrefix ?? `${names.context.project}/${names.context.environment}/`,
    manualLayers: MANUAL_LAYERS,
  };
  return {
    policies: {
      state: [...stateStatements(location, "deploy"), ...protectState(location)],
      ...groups,
    },
    planState: stateStatements(location, "plan"),
    boundary: boundaryStatements(
      scope,
      {
        bucketArn: `arn:${partition}:s3:::${input.stateBucket}`,
        key: input.stateKmsKeyArn === undefined ? undefined : stateKeyTarget(input.stateKmsKeyArn),
      },
      input.declaredPermissions ?? [],
    ),
    scope,
    boundaryName: permissionsBoundaryName(names),
    boundaryArn,
  };
}

/** The policy groups in attachment order (state first). */
export const DEPLOY_POLICY_NAMES = ["state", ...DEPLOY_POLICY_GROUPS] as const;

export interface AttachDeployPoliciesProps {
  /** Naming helper of the environment. */
  readonly names: Names;
  /** The identity's role. */
  readonly role: IamRole;
  /** Name parts of the identity, e.g. `["github", "deploy"]` -> `<prefix>-github-deploy-<group>`. */
  readonly identity: readonly string[];
  /** Construct id prefix of the policies, e.g. `deploy` -> `deploy-network`. */
  readonly idPrefix: string;
  /** Policy description before `: <group>`, e.g. `GitHub Actions deploy role`. */
  readonly description: string;
  /** The statements per group (DeployPolicyDocuments.policies, or a subset). */
  readonly policies: Readonly<Partial<Record<string, Statement[]>>>;
}

/** One customer managed policy per group, attached to the role. */
export function attachDeployPolicies(
  scope: Construct,
  props: AttachDeployPoliciesProps,
): IamPolicy[] {
  const { names } = props;
  return Object.entries(props.policies).flatMap(([group, statements]) => {
    if (statements === undefined) return [];
    const id = `${props.idPrefix}-${group}`;
    const document = new DataAwsIamPolicyDocument(scope, `${id}-document`, {
      statement: statements,
    });
    const policy = new IamPolicy(scope, id, {
      name: names.physical([...props.identity, group], { maxLength: 128 }),
      description: `${props.description}: ${group}`,
      policy: document.json,
      tags: names.nameTag([...props.identity, group]),
    });
    new IamRolePolicyAttachment(scope, `${id}-attachment`, {
      role: props.role.name,
      policyArn: policy.arn,
    });
    return [policy];
  });
}

/**
 * The permissions boundary policy as `id` in `scope`. Create it in a stack applied by hand
 * (the ci stack), before any stack whose roles carry it.
 */
export function createPermissionsBoundary(
  scope: Construct,
  id: string,
  names: Names,
  documents: DeployPolicyDocuments,
): IamPolicy {
  const document = new DataAwsIamPolicyDocument(scope, `${id}-document`, {
    statement: documents.boundary,
  });
  return new IamPolicy(scope, id, {
    name: documents.boundaryName,
    description: "Permissions boundary of every role the platform's CI creates",
    policy: document.json,
    tags: names.nameTag("boundary"),
  });
}
