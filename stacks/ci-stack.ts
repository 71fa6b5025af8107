import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { CiSettings } from "../config/schema";
import { partitionOf } from "../lib/arn";
import { GithubDeployRole } from "../modules/ci-identity";
import { stateKeyAlias } from "./backend";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface CiStackProps extends PlatformStackProps {
  /** Repository, branch and GitHub environment allowed to deploy. */
  readonly ci: CiSettings;
}

/**
 * `<project>-<env>-ci`: the GitHub Actions OIDC roles (deploy on the branch, read-only plan on
 * pull requests). Applied by hand after bootstrap, like it: CI cannot change its own roles.
 */
export class CiStack extends PlatformStack {
  readonly roles: GithubDeployRole;

  constructor(scope: Construct, props: CiStackProps) {
    super(scope, "ci", props);
    const env = this.environment;
    const state = env.state;
    if (state.backend !== "s3")
      throw new Error(
        `${this.configPath("ci")}: the CI roles need S3 state (HCP Terraform runs its own credentials)`,
      );
    const region = state.region ?? env.region;
    const partition = partitionOf(env.region);
    this.roles = new GithubDeployRole(this, "github", {
      names: this.names,
      account: env.account,
      region: env.region,
      partition,
      repository: props.ci.repository,
      branch: props.ci.branch,
      githubEnvironment: props.ci.githubEnvironment,
      createProvider: props.ci.createOidcProvider,
      stateBucket: state.bucket,
      stateKmsKeyArn:
        state.kmsKeyId ??
        (state.bootstrap
          ? `arn:${partition}:kms:${region}:${env.account}:${stateKeyAlias(this.names)}`
          : undefined),
      projectPrefix: this.names.prefix,
      configPath: this.configPath("ci"),
    });
    new TerraformOutput(this, "deploy_role_arn", {
      value: this.roles.deployRole.arn,
      description: "DEPLOY role for the workflow",
    });
    if (this.roles.planRole !== undefined) {
      new TerraformOutput(this, "plan_role_arn", {
        value: this.roles.planRole.arn,
        description: "PLAN role for pull requests",
      });
    }
  }
}
