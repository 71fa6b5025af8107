import {
  CloudBackend,
  NamedCloudWorkspace,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  Testing,
} from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentInput, PlatformInput } from "../../config";
import { readTerraformVersion } from "../../config/toolchain";
import { DEPLOY_POLICY_GROUPS } from "../../modules/ci-identity";
import { deployPolicyDocuments } from "../../modules/ci-identity";
import { Names } from "../../lib/names";
import { HcpWorkspaces } from "../../modules/hcp-workspaces";
import { stackDependencies } from "../../stacks/hcp-dependencies";
import { shippedInput } from "../helpers/config";
import { synthPlatform, synthShipped } from "../helpers/synth";
import { bodies, resources, type TfJson } from "../helpers/tf";
import { scratchApp } from "../helpers/scratch-app";

/*
 * A fixture in cloud state mode (tests only: the shipped environments keep S3 state). dev runs
 * on HCP Terraform's workers, prod on an agent pool of a Terraform Enterprise host.
 */
function cloudInput(
  edit: (dev: EnvironmentInput, prod: EnvironmentInput) => void = () => undefined,
): PlatformInput {
  const input = shippedInput();
  const { dev, prod } = input.environments;
  delete dev.ci;
  delete prod.ci;
  dev.state = {
    backend: "cloud",
    organization: "acme",
    project: "platform",
    notifications: { emails: ["oncall@example.com"] },
    teams: { plan: "platform-plan", deploy: "platform-deploy" },
  };
  prod.state = {
    backend: "cloud",
    organization: "acme",
    hostname: "tfe.example.com",
    executionMode: "agent",
    agentPool: "aws-agents",
    notifications: {
      webhook: { url: "https://hooks.example.com/tfe", destination: "slack" },
    },
  };
  edit(dev, prod);
  return input;
}

const fixture = synthPlatform(cloudInput());
const hcp = (env: string, result = fixture) => result.stacks[`platform-${env}-hcp`];
const runStacks = (env: string, result = fixture) =>
  Object.keys(result.stacks).filter((s) => s.startsWith(`platform-${env}-`) && !s.endsWith("-hcp"));

/** Workspace name by its `${tfe_workspace.<name>.id}` reference. */
function workspaceNames(json: TfJson): Map<string, string> {
  return new Map(
    resources(json, "tfe_workspace").map(([logical, body]) => [
      `\${tfe_workspace.${logical}.id}`,
      String(body.name),
    ]),
  );
}

/** producer -> consumers, from the terraform_remote_state sources in the synthesized stacks. */
function remoteStateEdges(env: string): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const stack of runStacks(env)) {
    for (const source of Object.values(fixture.stacks[stack].data?.terraform_remote_state ?? {})) {
      const producer = (source.config as { workspaces: { name: string } }).workspaces.name;
      edges.set(producer, [...(edges.get(producer) ?? []), stack].sort());
    }
  }
  return edges;
}

/** producer -> consumer edges cdktf recorded (cross-stack reads and explicit addDependency). */
function dependencyEdges(env: string): string[] {
  return Object.values(fixture.built[env])
    .filter((s): s is TerraformStack => s instanceof TerraformStack)
    .filter((s) => !s.node.id.endsWith("-hcp"))
    .flatMap((s) => s.dependencies.map((d) => `${d.node.id} -> ${s.node.id}`))
    .sort();
}

interface Statement {
  sid?: string;
  effect: string;
  actions?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}

function trustOf(json: TfJson, phase: "plan" | "apply"): Statement {
  const role = bodies(json, "aws_iam_role").find((r) => r.name === `platform-dev-hcp-${phase}`);
  if (role === undefined) throw new Error(`no ${phase} role`);
  const doc = Object.entries(json.data?.aws_iam_policy_document ?? {}).find(
    ([name]) => role.assume_role_policy === `\${data.aws_iam_policy_document.${name}.json}`,
  );
  if (doc === undefined) throw new Error("trust document not found");
  const statements = doc[1].statement as Statement[];
  expect(statements).toHaveLength(1);
  return statements[0];
}

describe("hcp stack (cloud state mode)", () => {
  it("exists only for environments in cloud mode: the shipped configs keep S3 state", () => {
    expect(Object.keys(synthShipped().stacks).filter((s) => s.endsWith("-hcp"))).toEqual([]);
    expect(Object.keys(fixture.stacks)).toEqual(
      expect.arrayContaining(["platform-dev-hcp", "platform-prod-hcp"]),
    );
  });

  it("keeps its own state locally, like bootstrap, and talks to the configured host", () => {
    const json = hcp("prod");
    expect(json.terraform?.backend?.local).toEqual({
      path: "../../../terraform.platform-prod-hcp.tfstate",
    });
    expect(json.terraform?.cloud).toBeUndefined();
    expect(json.provider?.tfe).toEqual([{ hostname: "tfe.example.com", organization: "acme" }]);
  });

  it("creates one workspace per stack, named after it, with the pinned Terraform version", () => {
    for (const env of ["dev", "prod"]) {
      const workspaces = bodies(hcp(env), "tfe_workspace");
      expect(workspaces.map((w) => w.name).sort()).toEqual(runStacks(env).sort());
      for (const w of workspaces) {
        expect(w).toMatchObject({
          organization: "acme",
          terraform_version: readTerraformVersion(),
          working_directory: "",
          queue_all_runs: false,
        });
      }
    }
  });

  it("auto-applies in dev only; production refuses destroy plans", () => {
    for (const w of bodies(hcp("dev"), "tfe_workspace")) {
      expect(w).toMatchObject({ auto_apply: true, auto_apply_run_trigger: true });
      expect(w.allow_destroy_plan).toBe(true);
    }
    for (const w of bodies(hcp("prod"), "tfe_workspace")) {
      expect(w).toMatchObject({
        auto_apply: false,
        auto_apply_run_trigger: false,
        allow_destroy_plan: false,
      });
    }
  });

  it("creates the project named in config, or after the platform when none is named", () => {
    expect(bodies(hcp("dev"), "tfe_project")).toMatchObject([
      { name: "platform", organization: "acme" },
    ]);
    expect(bodies(hcp("prod"), "tfe_project")).toMatchObject([{ name: "platform" }]);
    for (const w of bodies(hcp("dev"), "tfe_workspace")) {
      expect(w.project_id).toMatch(/^\$\{tfe_project\.\w+\.id\}$/);
    }
  });

  it("shares each state with exactly the workspaces that read it, never organization-wide", () => {
    for (const env of ["dev", "prod"]) {
      const json = hcp(env);
      const names = workspaceNames(json);
      const expected = remoteStateEdges(env);
      expect(expected.get(`platform-${env}-network`)?.length).toBeGreaterThan(0);
      const settings = bodies(json, "tfe_workspace_settings");
      expect(settings).toHaveLength(runStacks(env).length);
      for (const s of settings) {
        const producer = names.get(String(s.workspace_id));
        expect(s.global_remote_state).toBe(false);
        const consumers = (s.remote_state_consumer_ids as string[]).map((id) => names.get(id));
        expect(consumers.sort()).toEqual(expected.get(producer ?? "") ?? []);
      }
    }
  });

  it("queues runs along every dependency (reads and ordering), so runs follow the dependency order", () => {
    const json = hcp("dev");
    const names = workspaceNames(json);
    const triggers = bodies(json, "tfe_run_trigger").map(
      (t) => `${names.get(String(t.sourceable_id))} -> ${names.get(String(t.workspace_id))}`,
    );
    expect(triggers.sort()).toEqual(dependencyEdges("dev"));
    // Every remote-state read is also an ordering edge.
    for (const [producer, consumers] of remoteStateEdges("dev")) {
      for (const c of consumers) expect(triggers).toContain(`${producer} -> ${c}`);
    }
    expect(triggers).toEqual(
      expect.arrayContaining([
        "platform-dev-network -> platform-dev-data",
        "platform-dev-network -> platform-dev-services",
        "platform-dev-data -> platform-dev-services",
      ]),
    );
    // A topological order exists (no cycle) and starts with the network.
    const pending = new Set(runStacks("dev"));
    const order: string[] = [];
    while (pending.size > 0) {
      const ready = [...pending].filter(
        (s) => !triggers.some((t) => t.endsWith(` -> ${s}`) && pending.has(t.split(" -> ")[0])),
      );
      expect(ready.length).toBeGreaterThan(0);
      for (const s of ready) pending.delete(s);
      order.push(...ready.sort());
    }
    expect(order.indexOf("platform-dev-network")).toBeLessThan(order.indexOf("platform-dev-data"));
    expect(order.indexOf("platform-dev-data")).toBeLessThan(order.indexOf("platform-dev-services"));
  });

  it("an ordering-only dependency (addDependency) queues a run but gets no state", () => {
    const app = scratchApp();
    const stack = (id: string) => {
      const st = new TerraformStack(app, id);
      new CloudBackend(st, {
        organization: "acme",
        workspaces: new NamedCloudWorkspace(id, "platform"),
      });
      return st;
    };
    const producer = stack("p-x-network");
    const reader = stack("p-x-data");
    const later = stack("p-x-edge");
    const vpc = new TerraformLocal(producer, "vpc", "vpc-1");
    new TerraformOutput(reader, "vpc", { value: vpc.asString });
    later.addDependency(producer);
    const deps = stackDependencies([producer, reader, later]);
    expect(deps.get(reader)?.reads).toEqual([producer]);
    expect(deps.get(later)).toEqual({ reads: [], after: [producer] });

    const host = new TerraformStack(app, "hcp");
    const ws = new HcpWorkspaces(host, "ws", {
      organization: "acme",
      hostname: "app.terraform.io",
      projectName: "platform",
      terraformVersion: "1.13.3",
      executionMode: "remote",
      autoApply: true,
      createProject: true,
      runTriggers: true,
      workspaces: [
        { id: "network", name: "p-x-network", reads: [] },
        { id: "data", name: "p-x-data", reads: ["p-x-network"] },
        { id: "edge", name: "p-x-edge", reads: [], runsAfter: ["p-x-network"] },
      ],
    });
    const json = JSON.parse(Testing.synth(host)) as TfJson;
    const names = workspaceNames(json);
    expect(ws.workspaces.size).toBe(3);
    const triggers = bodies(json, "tfe_run_trigger").map(
      (t) => `${names.get(String(t.sourceable_id))} -> ${names.get(String(t.workspace_id))}`,
    );
    expect(triggers.sort()).toEqual(["p-x-network -> p-x-data", "p-x-network -> p-x-edge"]);
    const network = bodies(json, "tfe_workspace_settings").find(
      (w) => names.get(String(w.workspace_id)) === "p-x-network",
    );
    expect((network?.remote_state_consumer_ids as string[]).map((id) => names.get(id))).toEqual([
      "p-x-data",
    ]);
  });

  it("switches on dynamic AWS credentials on every workspace with the environment's roles", () => {
    const json = hcp("dev");
    const names = workspaceNames(json);
    const variables = bodies(json, "tfe_variable");
    const roleRef = (phase: string) => {
      const entry = resources(json, "aws_iam_role").find(
        ([, r]) => r.name === `platform-dev-hcp-${phase}`,
      );
      return `\${aws_iam_role.${entry?.[0] ?? "missing"}.arn}`;
    };
    for (const stack of runStacks("dev")) {
      const own = variables.filter((v) => names.get(String(v.workspace_id)) === stack);
      expect(
        Object.fromEntries(own.map((v) => [v.key, { value: v.value, category: v.category }])),
      ).toEqual({
        TFC_AWS_PROVIDER_AUTH: { value: "true", category: "env" },
        TFC_AWS_PLAN_ROLE_ARN: { value: roleRef("plan"), category: "env" },
        TFC_AWS_APPLY_ROLE_ARN: { value: roleRef("apply"), category: "env" },
      });
    }
  });

  it("trusts the HCP host's tokens for exactly one run phase of each workspace", () => {
    const json = hcp("dev");
    expect(bodies(json, "aws_iam_openid_connect_provider")).toMatchObject([
      { url: "https://app.terraform.io", client_id_list: ["aws.workload.identity"] },
    ]);
    for (const phase of ["plan", "apply"] as const) {
      const trust = trustOf(json, phase);
      expect(trust.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
      expect(trust.condition).toEqual([
        {
          test: "StringEquals",
          variable: "app.terraform.io:aud",
          values: ["aws.workload.identity"],
        },
        {
          test: "StringEquals",
          variable: "app.terraform.io:sub",
          values: expect.arrayContaining(
            runStacks("dev").map(
              (ws) => `organization:acme:project:platform:workspace:${ws}:run_phase:${phase}`,
            ),
          ) as unknown,
        },
      ]);
      expect(trust.condition?.[1].values).toHaveLength(runStacks("dev").length);
    }
  });

  it("gives the plan phase read-only access and the apply phase the GitHub deploy role's policies", () => {
    const json = hcp("dev");
    const attachments = bodies(json, "aws_iam_role_policy_attachment");
    expect(attachments.map((a) => a.policy_arn)).toContain(
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    );
    const policies = bodies(json, "aws_iam_policy");
    expect(policies.map((p) => p.name).sort()).toEqual(
      [
        "platform-dev-boundary",
        ...DEPLOY_POLICY_GROUPS.map((g) => `platform-dev-hcp-apply-${g}`),
      ].sort(),
    );
    const shared = deployPolicyDocuments({
      names: new Names({ project: "platform", environment: "dev" }),
      partition: "aws",
      account: "111111111111",
      region: "ap-northeast-1",
      production: false,
    }).policies;
    const docs = json.data?.aws_iam_policy_document ?? {};
    for (const group of DEPLOY_POLICY_GROUPS) {
      const policy = policies.find((p) => p.name === `platform-dev-hcp-apply-${group}`);
      const docName = /\.([\w-]+)\.json\}$/.exec(String(policy?.policy))?.[1] ?? "";
      expect(docs[docName].statement).toEqual(shared[group]);
    }
  });

  it("gives the CI teams access to the project: the plan team can never apply", () => {
    const json = hcp("dev");
    const teams = resources({ resource: json.data }, "tfe_team");
    const teamRef = (name: string) =>
      `\${data.tfe_team.${teams.find(([, t]) => t.name === name)?.[0] ?? "missing"}.id}`;
    const access = bodies(json, "tfe_team_project_access");
    expect(access.find((a) => a.team_id === teamRef("platform-deploy"))).toMatchObject({
      access: "write",
    });
    const plan = access.find((a) => a.team_id === teamRef("platform-plan"));
    expect(plan).toMatchObject({
      access: "custom",
      project_access: [{ settings: "read", teams: "none" }],
      workspace_access: [{ runs: "plan", variables: "read", state_versions: "read-outputs" }],
    });
    expect(access).toHaveLength(2);
    // prod's config names no teams: access stays a manual setting there.
    expect(bodies(hcp("prod"), "tfe_team_project_access")).toEqual([]);
  });

  it("runs prod on the configured agent pool", () => {
    const json = hcp("prod");
    expect(bodies(json, "tfe_workspace_settings").map((s) => s.execution_mode)).toEqual(
      runStacks("prod").map(() => "agent"),
    );
    const pools = resources({ resource: json.data }, "tfe_agent_pool");
    expect(pools.map(([, p]) => p.name)).toEqual(["aws-agents"]);
    for (const s of bodies(json, "tfe_workspace_settings")) {
      expect(s.agent_pool_id).toBe(`\${data.tfe_agent_pool.${pools[0][0]}.id}`);
    }
    expect(bodies(hcp("dev"), "tfe_workspace_settings")[0]).toMatchObject({
      execution_mode: "remote",
    });
  });

  it("notifies the alarm e-mail (members on app.terraform.io, addresses on TFE) and the webhook", () => {
    const dev = hcp("dev");
    const members = resources({ resource: dev.data }, "tfe_organization_membership");
    expect(members.map(([, m]) => m.email)).toEqual(["oncall@example.com"]);
    const devMails = bodies(dev, "tfe_notification_configuration");
    expect(devMails).toHaveLength(runStacks("dev").length);
    for (const n of devMails) {
      expect(n).toMatchObject({
        destination_type: "email",
        enabled: true,
        email_user_ids: [`\${data.tfe_organization_membership.${members[0][0]}.user_id}`],
        triggers: ["run:needs_attention", "run:errored", "assessment:drifted", "assessment:failed"],
      });
    }
    const prod = bodies(hcp("prod"), "tfe_notification_configuration");
    // prod's critical alarm addresses by default, mailed directly by Terraform Enterprise.
    expect(prod.filter((n) => n.destination_type === "email")[0]).toMatchObject({
      email_addresses: ["platform-oncall@example.com"],
    });
    expect(prod.filter((n) => n.destination_type === "slack")).toHaveLength(
      runStacks("prod").length,
    );
    expect(prod.find((n) => n.destination_type === "slack")?.url).toBe(
      "https://hooks.example.com/tfe",
    );
  });

  it("in local execution mode keeps only state and sharing: no roles, credentials or triggers", () => {
    const local = synthPlatform(
      cloudInput((dev) => {
        if (dev.state.backend === "cloud") dev.state.executionMode = "local";
      }),
      { environments: ["dev"] },
    );
    const json = hcp("dev", local);
    expect(bodies(json, "tfe_workspace").length).toBe(runStacks("dev", local).length);
    for (const type of [
      "aws_iam_role",
      "aws_iam_openid_connect_provider",
      "tfe_variable",
      "tfe_run_trigger",
      "tfe_notification_configuration",
    ]) {
      expect(bodies(json, type)).toEqual([]);
    }
    expect(bodies(json, "tfe_workspace_settings")[0]).toMatchObject({ execution_mode: "local" });
  });

  it("looks up a shared project and OIDC provider instead of creating them twice", () => {
    const shared = synthPlatform(
      cloudInput((_dev, prod) => {
        // Both in one project of one organization: dev creates it, prod looks it up.
        prod.state = {
          backend: "cloud",
          organization: "acme",
          manageProject: false,
        };
        prod.accountSingletons = { hcpOidcProvider: "reference" };
      }),
    );
    const json = hcp("prod", shared);
    expect(bodies(json, "tfe_project")).toEqual([]);
    expect(resources({ resource: json.data }, "tfe_project").map(([, p]) => p.name)).toEqual([
      "platform",
    ]);
    expect(bodies(json, "aws_iam_openid_connect_provider")).toEqual([]);
    expect(
      resources({ resource: json.data }, "aws_iam_openid_connect_provider").map(([, p]) => p.arn),
    ).toEqual(["arn:aws:iam::222222222222:oidc-provider/app.terraform.io"]);
  });

  it("adopts an existing OIDC provider with an import block when config says so", () => {
    const arn = "arn:aws:iam::111111111111:oidc-provider/app.terraform.io";
    const adopted = synthPlatform(
      cloudInput((dev) => {
        dev.accountSingletons = { hcpOidcProvider: { adopt: arn } };
      }),
      // Only dev is inspected, and adopting changes only its own account's provider.
      { environments: ["dev"] },
    );
    const json = hcp("dev", adopted) as TfJson & { import?: { id: string; to: string }[] };
    const [name] = resources(json, "aws_iam_openid_connect_provider").map(([n]) => n);
    expect(json.import).toEqual([{ id: arn, to: `aws_iam_openid_connect_provider.${name}` }]);
  });
});
