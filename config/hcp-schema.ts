import { z } from "zod";
import {
  hostnameProblem,
  organizationProblem,
  projectProblem,
} from "../modules/hcp-workspaces/names";
import { show, type Issue } from "../lib/validation";

/*
 * `state` with `backend: "cloud"`: HCP Terraform (or Terraform Enterprise) keeps the state and
 * runs the plans and applies. The `<project>-<env>-hcp` stack turns these settings into the
 * project, one workspace per stack, their run order and the AWS roles the runs assume.
 */

/** Where runs execute: on HCP Terraform's workers, on your machine (state only), or on agents. */
export const EXECUTION_MODES = ["remote", "local", "agent"] as const;

/** Run events HCP Terraform can notify about (tfe_notification_configuration `triggers`). */
export const NOTIFICATION_TRIGGERS = [
  "run:created",
  "run:planning",
  "run:needs_attention",
  "run:applying",
  "run:completed",
  "run:errored",
  "assessment:drifted",
  "assessment:failed",
  "assessment:check_failure",
] as const;

const problem = (check: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const why = check(value);
    if (why !== undefined) ctx.addIssue({ code: "custom", message: why });
  });

export const CloudStateSchema = z.strictObject({
  /** HCP Terraform / Terraform Enterprise, one workspace per stack. */
  backend: z.literal("cloud"),
  /** HCP Terraform organization (it must exist; the hcp stack does not create it). */
  organization: problem(organizationProblem),
  /**
   * HCP Terraform or Terraform Enterprise host; also the issuer of the runs' identity tokens.
   * @default "app.terraform.io"
   */
  hostname: problem(hostnameProblem).default("app.terraform.io"),
  /**
   * HCP Terraform project holding the workspaces; part of every run's token subject.
   * @default the platform's project name
   */
  project: problem(projectProblem).optional(),
  /**
   * Whether this environment's hcp stack creates the project. With several environments in
   * one project, exactly one of them creates it; the others look it up.
   * @default true
   */
  manageProject: z.boolean().default(true),
  /**
   * Where runs execute. `local` keeps only the state in HCP Terraform: plans and applies run
   * where `cdktf` runs, with that machine's AWS credentials (no roles, run triggers or
   * notifications are created for it).
   * @default "remote"
   */
  executionMode: z.enum(EXECUTION_MODES).default("remote"),
  /**
   * Name of the organization's agent pool the runs use; required with `executionMode: "agent"`.
   * @default none
   */
  agentPool: z.string().min(1).max(90).optional(),
  /**
   * Apply a successful plan without confirmation. Production never auto-applies.
   * @default true outside production, false in production
   */
  autoApply: z.boolean().optional(),
  /**
   * Queue a run in every workspace that reads another one after that one applies, so
   * downstream stacks pick up new outputs in dependency order.
   * @default true
   */
  runTriggers: z.boolean().default(true),
  /**
   * Existing teams (by name) the stack gives access to the project: `plan` may queue
   * speculative plans only (pull requests), `deploy` may queue and apply runs (main). Their
   * API tokens are the workflow's secrets.
   * @default none: grant access in the project's Team access settings by hand
   */
  teams: z
    .strictObject({
      /** Team whose token plans pull requests. @default none */
      plan: z.string().min(1).optional(),
      /** Team whose token deploys. @default none */
      deploy: z.string().min(1).optional(),
    })
    .optional(),
  /**
   * Run notifications of every workspace.
   * @default e-mail to the critical alarm addresses on errors and runs that need attention
   */
  notifications: z
    .strictObject({
      /**
       * E-mail recipients. On app.terraform.io they must be members of the organization (HCP
       * Terraform only mails members); Terraform Enterprise mails any address.
       * @default operations.alarmEmails.critical
       */
      emails: z.array(z.email("must be an e-mail address")).optional(),
      /**
       * A webhook receiving the same events.
       * @default none
       */
      webhook: z
        .strictObject({
          /** HTTPS endpoint. */
          url: z.url({ protocol: /^https$/, error: "must be an https:// URL" }),
          /** Payload format. @default "generic" */
          destination: z.enum(["generic", "slack", "microsoft-teams"]).default("generic"),
        })
        .optional(),
      /**
       * The events that notify.
       * @default run:needs_attention, run:errored, assessment:drifted, assessment:failed
       */
      triggers: z
        .array(z.enum(NOTIFICATION_TRIGGERS))
        .min(1)
        .default(["run:needs_attention", "run:errored", "assessment:drifted", "assessment:failed"]),
    })
    .prefault({}),
});

export type CloudStateConfig = z.output<typeof CloudStateSchema>;

interface EnvironmentView {
  readonly production: boolean;
  readonly state: { readonly backend: string } | CloudStateConfig;
}

const isCloud = (state: EnvironmentView["state"]): state is CloudStateConfig =>
  state.backend === "cloud";

/**
 * Rules across the cloud state settings and across environments: an agent pool exactly when
 * runs use agents, no auto-apply in production, one creator of each HCP project. (The
 * account's OIDC provider for the host is an account singleton: config/account-singletons.)
 */
export function cloudStateIssues(
  project: string,
  environments: Readonly<Record<string, EnvironmentView>>,
): Issue[] {
  const issues: Issue[] = [];
  const projectOwners = new Map<string, string>();
  for (const [key, env] of Object.entries(environments)) {
    const state = env.state;
    if (!isCloud(state)) continue;
    const at = (field: string) => ["environments", key, "state", field];
    if (state.executionMode === "agent" && state.agentPool === undefined) {
      issues.push({
        path: at("agentPool"),
        message:
          'is required with executionMode "agent": name the organization\'s agent pool the runs use',
      });
    }
    if (state.executionMode !== "agent" && state.agentPool !== undefined) {
      issues.push({
        path: at("agentPool"),
        message: `${show(state.agentPool)} is only used with executionMode "agent" (this environment uses ${show(state.executionMode)}); remove it or switch to agents`,
      });
    }
    if (env.production && state.autoApply === true) {
      issues.push({
        path: at("autoApply"),
        message:
          "true is not allowed in production: every production plan is confirmed by a person",
      });
    }
    const hcpProject = `${state.hostname}/${state.organization}/${state.project ?? project}`;
    if (state.manageProject) {
      const owner = projectOwners.get(hcpProject);
      if (owner === undefined) projectOwners.set(hcpProject, key);
      else {
        issues.push({
          path: at("manageProject"),
          message: `true, but environments.${owner} already creates the HCP project ${show(hcpProject)}; set this to false to share it`,
        });
      }
    }
  }
  return issues;
}
