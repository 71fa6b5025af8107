import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { singletonMode } from "../config/account-singletons";
import type { CiSettings } from "../config/schema";
import type { EnvironmentConfig } from "../config/resolve";
import { partitionOf } from "../lib/arn";
import type { Names } from "../lib/names";
import {
  GithubDeployRole,
  createPermissionsBoundary,
  deployPolicyDocuments,
  type DeclaredPermission,
  type DeployPolicyDocuments,
} from "../modules/ci-identity";
import { stateKey, stateKeyAlias } from "./backend";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface CiStackProps extends PlatformStackProps {
  /** Repository, branch and GitHub environments allowed to deploy and plan. */
  readonly ci: CiSettings;
}

/** What workloads are granted in config: the permissions boundary must admit it. */
export function declaredPermissions(env: EnvironmentConfig): DeclaredPermission[] {
  return Object.values(env.services?.services ?? {}).flatMap((s) => s.taskPermissions);
}

/**
 * The apply permissions and boundary of an environment with S3 state, for every identity that
 * applies it (the GitHub deploy role here; an HCP Terraform apply role uses the same call).
 */
export function environmentDeployPolicies(
  env: EnvironmentConfig,
  names: Names,
  configPath: string,
): DeployPolicyDocuments {
  const state = env.state;
  if (state.backend !== "s3") {
    throw new Error(`${configPath}: deploy permissions are scoped to an S3 state bucket`);
  }
  const region = state.region ?? env.region;
  const partition = partitionOf(env.region);
  return deployPolicyDocuments({
    names,
    account: env.account,
    region: env.region,
    partition,
    production: env.production,
    stateBucket: state.bucket,
    stateKmsKeyArn:
      state.kmsKeyId ??
      (state.bootstrap
        ? `arn:${partition}:kms:${region}:${env.account}:${stateKeyAlias(names)}`
        : undefined),
    // `<keyPrefix>/<env>/`: the same rule the backends use, with the layer cut off.
    stateKeyPrefix: stateKey(names, state.keyPrefix, "").replace(/\.tfstate$/, ""),
    declaredPermissions: declaredPermissions(env),
    configPath,
  });
}

/**
 * `<project>-<env>-ci`: the permissions boundary every role CI creates must carry, and the
 * GitHub Actions OIDC roles (deploy on the branch, read-only plan on pull requests). Applied by
 * hand after bootstrap, like it: CI cannot change its own roles or the boundary.
 */
export class CiStack extends PlatformStack {
  readonly roles: GithubDeployRole;
  /** The environment's deploy permissions, for any other identity that applies it. */
  readonly deployPolicies: DeployPolicyDocuments;
  /** The permissions boundary policy. */
  readonly boundary: IamPolicy;

  constructor(scope: Construct, props: CiStackProps) {
    super(scope, "ci", props);
    const env = this.environment;
    if (env.state.backend !== "s3")
      throw new Error(
        `${this.configPath("ci")}: the CI roles need S3 state (HCP Terraform runs its own credentials)`,
      );
    const partition = partitionOf(env.region);
    this.deployPolicies = environmentDeployPolicies(env, this.names, this.configPath("ci"));
    this.boundary = createPermissionsBoundary(this, "boundary", this.names, this.deployPolicies);
    this.roles = new GithubDeployRole(this, "github", {
      names: this.names,
      account: env.account,
      partition,
      repository: props.ci.repository,
      branch: props.ci.branch,
      githubEnvironment: props.ci.githubEnvironment,
      planGithubEnvironment: props.ci.planGithubEnvironment,
      provider: singletonMode(env, "githubOidcProvider"),
      permissions: this.deployPolicies,
      configPath: this.configPath("ci"),
    });
    new TerraformOutput(this, "deploy_role_arn", {
      value: this.roles.deployRole.arn,
      description: "DEPLOY role for the workflow",
    });
    if (this.roles.imagePushRole !== undefined) {
      new TerraformOutput(this, "image_push_role_arn", {
        value: this.roles.imagePushRole.arn,
        description: "IMAGE_PUSH role for the images job",
      });
    }
    if (this.roles.planRole !== undefined) {
      new TerraformOutput(this, "plan_role_arn", {
        value: this.roles.planRole.arn,
        description: "PLAN role for pull requests",
      });
    }
    new TerraformOutput(this, "permissions_boundary_arn", {
      value: this.boundary.arn,
      description: "Boundary every role CI creates must carry",
    });
  }
}
