import { Construct } from "constructs";
import { DataTfeAgentPool } from "@cdktf/provider-tfe/lib/data-tfe-agent-pool";
import { DataTfeOrganizationMembership } from "@cdktf/provider-tfe/lib/data-tfe-organization-membership";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { DataTfeTeam } from "@cdktf/provider-tfe/lib/data-tfe-team";
import { NotificationConfiguration } from "@cdktf/provider-tfe/lib/notification-configuration";
import { Project } from "@cdktf/provider-tfe/lib/project";
import { RunTrigger } from "@cdktf/provider-tfe/lib/run-trigger";
import { TeamProjectAccess } from "@cdktf/provider-tfe/lib/team-project-access";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { assertNoIssues } from "../../lib/validation";
import { hcpWorkspacesIssues } from "./validate";

export { MAX_WORKSPACE_NAME } from "./names";
export { hcpWorkspacesIssues } from "./validate";

/** The public HCP Terraform host: it mails organization members only, never bare addresses. */
export const HCP_TERRAFORM_HOST = "app.terraform.io";

/** One workspace: a stack, and the stacks whose state it reads. */
export interface HcpWorkspaceSpec {
  /** Construct id of the workspace's resources (the stack's layer, e.g. `network`). */
  readonly id: string;
  /** Workspace name: the stack id, e.g. `platform-dev-network`. */
  readonly name: string;
  /** Names of the workspaces whose outputs this one reads through remote state. */
  readonly reads: readonly string[];
  /**
   * Names of the workspaces whose applies queue a run in this one: the ones it reads plus
   * ordering-only dependencies.
   * @default reads
   */
  readonly runsAfter?: readonly string[];
}

/** AWS roles HCP Terraform runs assume through workload identity. */
export interface HcpAwsRoleArns {
  /** Role of the plan phase (read-only). */
  readonly plan: string;
  /** Role of the apply phase. */
  readonly apply: string;
}

export interface HcpNotificationSettings {
  /** E-mail recipients (members of the organization on app.terraform.io). */
  readonly emails: readonly string[];
  /**
   * A webhook receiving the same events.
   * @default none
   */
  readonly webhook?: { readonly url: string; readonly destination: string };
  /** The run events that notify. */
  readonly triggers: readonly string[];
}

export interface HcpWorkspacesProps {
  /** HCP Terraform organization (must exist). */
  readonly organization: string;
  /** HCP Terraform or Terraform Enterprise host. */
  readonly hostname: string;
  /** Project holding the workspaces. */
  readonly projectName: string;
  /** Create the project (true) or look up an existing one (false). */
  readonly createProject: boolean;
  /** The workspaces, one per stack. */
  readonly workspaces: readonly HcpWorkspaceSpec[];
  /** Exact Terraform release the runs use (from `.terraform-version`). */
  readonly terraformVersion: string;
  /** `remote`, `local` (state only) or `agent`. */
  readonly executionMode: "remote" | "local" | "agent";
  /**
   * Agent pool name; required with `agent`.
   * @default none
   */
  readonly agentPool?: string;
  /** Apply successful plans without confirmation (also for runs queued by run triggers). */
  readonly autoApply: boolean;
  /**
   * Refuse destroy plans (production).
   * @default false
   */
  readonly protectFromDestroy?: boolean;
  /** Queue a run in each reader after its producer applies. */
  readonly runTriggers: boolean;
  /**
   * Switch on dynamic AWS credentials with these roles.
   * @default none: runs bring their own credentials
   */
  readonly awsRoles?: HcpAwsRoleArns;
  /**
   * Run notifications of every workspace.
   * @default none
   */
  readonly notifications?: HcpNotificationSettings;
  /**
   * Existing teams given access to the project: `plan` speculative plans only, `deploy` write.
   * @default none
   */
  readonly teams?: { readonly plan?: string; readonly deploy?: string };
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * An HCP Terraform project with one CLI-driven workspace per stack: execution mode, Terraform
 * version, state shared only with the workspaces that read it, run triggers along the same
 * edges, dynamic AWS credentials and notifications.
 */
export class HcpWorkspaces extends Construct {
  readonly projectId: string;
  /** The workspaces by name. */
  readonly workspaces: ReadonlyMap<string, Workspace>;

  constructor(scope: Construct, id: string, props: HcpWorkspacesProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, hcpWorkspacesIssues(props));
    const organization = props.organization;
    this.projectId = props.createProject
      ? new Project(this, "project", {
          organization,
          name: props.projectName,
          description: "Managed by the hcp stack of this repository",
        }).id
      : new DataTfeProject(this, "project", { organization, name: props.projectName }).id;
    this.teamAccess(props);
    const agentPoolId =
      props.executionMode === "agent" && props.agentPool !== undefined
        ? new DataTfeAgentPool(this, "agent-pool", { organization, name: props.agentPool }).id
        : undefined;
    const runsInHcp = props.executionMode !== "local";

    const workspaces = new Map<string, Workspace>();
    for (const spec of props.workspaces) {
      workspaces.set(
        spec.name,
        new Workspace(this, spec.id, {
          organization,
          projectId: this.projectId,
          name: spec.name,
          description: `Stack ${spec.name} (CLI-driven: cdktf deploy uploads cdktf.out/stacks/${spec.name})`,
          terraformVersion: props.terraformVersion,
          // cdktf runs Terraform inside the synthesized stack directory, which is the whole
          // configuration: a working directory would make the CLI upload its parent folders.
          workingDirectory: "",
          autoApply: props.autoApply,
          autoApplyRunTrigger: props.autoApply,
          allowDestroyPlan: !(props.protectFromDestroy ?? false),
          // A new workspace has no configuration yet; there is nothing to run.
          queueAllRuns: false,
        }),
      );
    }
    this.workspaces = workspaces;
    const idOf = (name: string): string => {
      const workspace = workspaces.get(name);
      if (workspace === undefined) throw new Error(`unknown workspace ${name}`);
      return workspace.id;
    };

    const emailUserIds = this.emailUserIds(props);
    for (const spec of props.workspaces) {
      const workspaceId = idOf(spec.name);
      const readers = props.workspaces.filter((w) => w.reads.includes(spec.name));
      new WorkspaceSettings(this, `${spec.id}-settings`, {
        workspaceId,
        executionMode: props.executionMode,
        agentPoolId,
        // Shared with exactly the workspaces whose configuration reads it, never organization-wide.
        globalRemoteState: false,
        remoteStateConsumerIds: readers.map((r) => idOf(r.name)),
      });
      if (!runsInHcp) continue;
      if (props.runTriggers) {
        for (const producer of spec.runsAfter ?? spec.reads) {
          new RunTrigger(this, `${spec.id}-after-${producerId(props, producer)}`, {
            workspaceId,
            sourceableId: idOf(producer),
          });
        }
      }
      if (props.awsRoles !== undefined) this.dynamicCredentials(spec, workspaceId, props.awsRoles);
      this.notify(spec, workspaceId, props, emailUserIds);
    }
  }

  /**
   * The CI teams' access: the deploy team writes (queues and applies runs); the plan team may
   * only queue speculative plans and read outputs, so a pull request's token cannot apply.
   */
  private teamAccess(props: HcpWorkspacesProps): void {
    const team = (id: string, name: string) =>
      new DataTfeTeam(this, `${id}-team`, { organization: props.organization, name }).id;
    const deploy = props.teams?.deploy;
    if (deploy !== undefined) {
      new TeamProjectAccess(this, "deploy-access", {
        projectId: this.projectId,
        teamId: team("deploy", deploy),
        access: "write",
      });
    }
    const plan = props.teams?.plan;
    if (plan !== undefined) {
      new TeamProjectAccess(this, "plan-access", {
        projectId: this.projectId,
        teamId: team("plan", plan),
        access: "custom",
        projectAccess: [{ settings: "read", teams: "none" }],
        workspaceAccess: [
          {
            runs: "plan",
            variables: "read",
            stateVersions: "read-outputs",
            sentinelMocks: "none",
            create: false,
            delete: false,
            move: false,
            locking: false,
            runTasks: false,
          },
        ],
      });
    }
  }

  /** The variables that make HCP Terraform hand each run phase its own short-lived role. */
  private dynamicCredentials(spec: HcpWorkspaceSpec, workspaceId: string, roles: HcpAwsRoleArns) {
    const env = (key: string, value: string, description: string) =>
      new Variable(this, `${spec.id}-${key.toLowerCase().replace(/_/g, "-")}`, {
        workspaceId,
        category: "env",
        key,
        value,
        description,
      });
    env("TFC_AWS_PROVIDER_AUTH", "true", "Dynamic AWS credentials: no static keys");
    env("TFC_AWS_PLAN_ROLE_ARN", roles.plan, "Read-only role of the plan phase");
    env("TFC_AWS_APPLY_ROLE_ARN", roles.apply, "Role of the apply phase");
  }

  /**
   * app.terraform.io mails members of the organization only, so addresses are looked up as
   * members; Terraform Enterprise mails addresses directly.
   */
  private emailUserIds(props: HcpWorkspacesProps): string[] | undefined {
    const emails = props.notifications?.emails ?? [];
    if (props.hostname !== HCP_TERRAFORM_HOST || emails.length === 0) return undefined;
    return emails.map(
      (email, i) =>
        new DataTfeOrganizationMembership(this, `recipient-${i}`, {
          organization: props.organization,
          email,
        }).userId,
    );
  }

  private notify(
    spec: HcpWorkspaceSpec,
    workspaceId: string,
    props: HcpWorkspacesProps,
    emailUserIds: string[] | undefined,
  ): void {
    const settings = props.notifications;
    if (settings === undefined) return;
    const triggers = [...settings.triggers];
    if (settings.emails.length > 0) {
      new NotificationConfiguration(this, `${spec.id}-email`, {
        workspaceId,
        name: `${spec.name}-email`,
        destinationType: "email",
        enabled: true,
        triggers,
        ...(emailUserIds === undefined
          ? { emailAddresses: [...settings.emails] }
          : { emailUserIds }),
      });
    }
    if (settings.webhook !== undefined) {
      new NotificationConfiguration(this, `${spec.id}-webhook`, {
        workspaceId,
        name: `${spec.name}-webhook`,
        destinationType: settings.webhook.destination,
        url: settings.webhook.url,
        enabled: true,
        triggers,
      });
    }
  }
}

/** The construct id of a producer: its spec id. */
function producerId(props: HcpWorkspacesProps, name: string): string {
  return props.workspaces.find((w) => w.name === name)?.id ?? name;
}
