import { TerraformOutput, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { singletonMode } from "../config/account-singletons";
import type { CloudStateConfig } from "../config/schema";
import { partitionOf } from "../lib/arn";
import { HcpAwsRoles } from "../modules/hcp-identity";
import { HcpWorkspaces } from "../modules/hcp-workspaces";
import { hcpProjectName } from "./backend";
import { stackDependencies } from "./hcp-dependencies";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface HcpStackProps extends Omit<PlatformStackProps, "state"> {
  /** The environment's HCP Terraform settings. */
  readonly state: CloudStateConfig;
  /** Every other stack of the environment: one workspace each. */
  readonly stacks: readonly TerraformStack[];
}

/**
 * `<project>-<env>-hcp`: the HCP Terraform project, one workspace per stack of the
 * environment (run order and state sharing from the stacks' cross-stack references), and the
 * AWS roles its runs assume. Its own state is local, like bootstrap's: apply it by hand once
 * before the first run, and again when stacks are added (see docs/hcp-terraform.md).
 */
export class HcpStack extends PlatformStack {
  readonly workspaces: HcpWorkspaces;
  readonly roles?: HcpAwsRoles;

  constructor(scope: Construct, props: HcpStackProps) {
    super(scope, "hcp", { ...props, state: "local" });
    const env = this.environment;
    const state = props.state;
    const project = hcpProjectName(this.names, state);
    new TfeProvider(this, "tfe", { hostname: state.hostname, organization: state.organization });

    const dependencies = stackDependencies(props.stacks);
    const specs = props.stacks.map((stack) => {
      const of = dependencies.get(stack);
      return {
        id: stack.node.id.slice(this.names.prefix.length + 1),
        name: stack.node.id,
        reads: (of?.reads ?? []).map((producer) => producer.node.id),
        runsAfter: (of?.after ?? []).map((producer) => producer.node.id),
      };
    });

    const runsInHcp = state.executionMode !== "local";
    if (runsInHcp) {
      this.roles = new HcpAwsRoles(this, "run-roles", {
        names: this.names,
        account: env.account,
        region: env.region,
        partition: partitionOf(env.region),
        hostname: state.hostname,
        organization: state.organization,
        project,
        workspaces: specs.map((s) => s.name),
        provider: singletonMode(env, "hcpOidcProvider"),
        projectPrefix: this.names.prefix,
        production: env.production,
        configPath: this.configPath("state"),
      });
      new TerraformOutput(this, "plan_role_arn", { value: this.roles.planRole.arn });
      new TerraformOutput(this, "apply_role_arn", { value: this.roles.applyRole.arn });
    }
    const notifications = state.notifications;
    const emails = notifications.emails ?? env.operations.alarmEmails.critical;
    this.workspaces = new HcpWorkspaces(this, "workspaces", {
      organization: state.organization,
      hostname: state.hostname,
      projectName: project,
      createProject: state.manageProject,
      workspaces: specs,
      terraformVersion: props.terraformVersion,
      executionMode: state.executionMode,
      agentPool: state.agentPool,
      autoApply: state.autoApply ?? !env.production,
      protectFromDestroy: env.production,
      runTriggers: state.runTriggers,
      teams: state.teams,
      awsRoles:
        this.roles === undefined
          ? undefined
          : { plan: this.roles.planRole.arn, apply: this.roles.applyRole.arn },
      notifications:
        emails.length === 0 && notifications.webhook === undefined
          ? undefined
          : { emails, webhook: notifications.webhook, triggers: notifications.triggers },
      configPath: this.configPath("state"),
    });
    new TerraformOutput(this, "project_id", { value: this.workspaces.projectId });
  }
}
