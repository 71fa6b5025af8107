import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../config";
import { hcpEnvironments, stepOutputs, tokenVariable } from "../../scripts/hcp-environments";
import { shippedInput } from "../helpers/config";
import { succeeded, workflowSteps } from "../helpers/workflow-steps";

/*
 * The HCP Terraform workflow (cloud state mode), checked without GitHub: it runs only for
 * environments the config puts in HCP Terraform, holds no AWS credentials, pins every action
 * by commit, keeps production behind its GitHub environment, and its shell steps run here for
 * real on fixtures: each run is set up while the tests are collected (runStep), all start
 * together in one beforeAll, and the tests inspect what each left.
 */
const root = resolve(__dirname, "../..");
const { queue: runStep, dir: newDir } = workflowSteps("hcp-workflow");
const text = readFileSync(join(root, ".github/workflows/infra-hcp.yml"), "utf8");

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly env?: Readonly<Record<string, string>>;
}
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly permissions?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly strategy?: { "fail-fast"?: boolean; matrix: { include: string } };
  readonly environment?: string;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: Readonly<Record<string, { branches?: string[] }>>;
  readonly permissions: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const workflow = parse(text) as Workflow;
const jobs = workflow.jobs;
const runSteps = (job: Job, name: string) => {
  const step = job.steps.find((s) => s.name === name);
  if (step?.run === undefined) throw new Error(`no run step "${name}"`);
  return step;
};

describe("HCP workflow: when it runs", () => {
  it("runs on pull requests and pushes to main, and first lists the cloud-mode environments", () => {
    expect(workflow.on).toEqual({
      pull_request: { branches: ["main"] },
      push: { branches: ["main"] },
    });
    expect(Object.keys(jobs)).toEqual(["environments", "plan", "deploy", "deploy-production"]);
    const list = runSteps(jobs.environments, "List the cloud-mode environments");
    expect(list.run).toBe('npm run -s hcp:environments >> "$GITHUB_OUTPUT"');
    expect(Object.keys(jobs.environments.outputs ?? {})).toEqual([
      "any",
      "all",
      "nonproduction",
      "production",
    ]);
  });

  it("does nothing more for the shipped configuration, whose environments keep S3 state", () => {
    expect(stepOutputs(loadConfig()).split("\n")).toEqual([
      "any=false",
      "all=[]",
      "nonproduction=[]",
      "production=[]",
    ]);
    // Every other job is gated on those outputs.
    expect(jobs.plan.if).toMatch(/^needs\.environments\.outputs\.any == 'true' && /);
    expect(jobs.deploy.if).toMatch(/^needs\.environments\.outputs\.nonproduction != '\[\]' && /);
    expect(jobs["deploy-production"].if).toContain("needs.environments.outputs.production != '[]'");
    for (const name of ["plan", "deploy", "deploy-production"]) {
      expect(jobs[name].needs).toContain("environments");
    }
  });

  it("lists cloud-mode environments split by production, with their host's token variable", () => {
    const input = shippedInput();
    for (const env of ["dev", "prod"] as const) delete input.environments[env].ci;
    input.environments.dev.state = { backend: "cloud", organization: "acme" };
    input.environments.prod.state = {
      backend: "cloud",
      organization: "acme",
      hostname: "tfe-1.example.com",
      executionMode: "agent",
      agentPool: "aws",
    };
    const config = loadConfig(input);
    expect(hcpEnvironments(config)).toEqual({
      nonProduction: [
        {
          environment: "dev",
          hostname: "app.terraform.io",
          token_variable: "TF_TOKEN_app_terraform_io",
        },
      ],
      production: [
        {
          environment: "prod",
          hostname: "tfe-1.example.com",
          token_variable: "TF_TOKEN_tfe__1_example_com",
        },
      ],
    });
    expect(stepOutputs(config)).toMatch(/^any=true\n/);
    // Local execution runs where cdktf runs, with that machine's AWS credentials: not here.
    if (input.environments.dev.state.backend === "cloud") {
      input.environments.dev.state.executionMode = "local";
    }
    expect(hcpEnvironments(loadConfig(input)).nonProduction).toEqual([]);
    expect(tokenVariable("app.terraform.io")).toBe("TF_TOKEN_app_terraform_io");
  });
});

describe("HCP workflow: credentials and approval", () => {
  it("pins every action by commit SHA", () => {
    const uses = Object.values(jobs).flatMap((j) => j.steps.flatMap((s) => s.uses ?? []));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    expect(text).not.toMatch(/uses: .*@v\d/);
  });

  it("has no AWS credentials: no OIDC token, no AWS action, only HCP Terraform team tokens", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(jobs)) {
      expect(job.permissions?.["id-token"]).toBeUndefined();
      for (const step of job.steps) expect(step.uses ?? "").not.toMatch(/aws-actions/);
    }
    expect(text).not.toMatch(/AWS_ACCESS_KEY|AWS_SECRET|role-to-assume/);
    const token = (job: Job) => runSteps(job, "Hand the team token to Terraform").env?.TOKEN;
    expect(token(jobs.plan)).toBe("${{ secrets.HCP_TERRAFORM_PLAN_TOKEN }}");
    expect(token(jobs.deploy)).toBe("${{ secrets.HCP_TERRAFORM_TOKEN }}");
  });

  it("plans only pull requests from this repository, speculatively, per stack", () => {
    expect(jobs.plan.if).toContain("github.event_name == 'pull_request'");
    expect(jobs.plan.if).toContain(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(runSteps(jobs.plan, "Plan each stack (speculative runs)").run).toMatch(
      /npx cdktf diff "\$stack" --skip-synth/,
    );
    expect(jobs.plan.environment).toBeUndefined();
  });

  it("deploys from main only: other environments first, production after them and behind approval", () => {
    for (const name of ["deploy", "deploy-production"]) {
      expect(jobs[name].if).toContain("github.event_name == 'push'");
      expect(jobs[name].if).toContain("github.ref == 'refs/heads/main'");
      expect(jobs[name].concurrency?.["cancel-in-progress"]).toBe(false);
      expect(runSteps(jobs[name], "Deploy in dependency order").run).toMatch(
        /npx cdktf deploy \$STACKS --auto-approve --skip-synth/,
      );
    }
    expect(jobs.deploy.strategy?.matrix.include).toBe(
      "${{ fromJSON(needs.environments.outputs.nonproduction) }}",
    );
    expect(jobs["deploy-production"].strategy?.matrix.include).toBe(
      "${{ fromJSON(needs.environments.outputs.production) }}",
    );
    expect(jobs["deploy-production"].needs).toEqual(["environments", "deploy"]);
    expect(jobs["deploy-production"].environment).toBe("production");
    // A failed deploy of another environment stops production; none at all does not.
    expect(jobs["deploy-production"].if).toContain(
      "(needs.deploy.result == 'success' || needs.deploy.result == 'skipped')",
    );
    expect(jobs["deploy-production"].steps).toEqual(jobs.deploy.steps);
    // One environment failing never cancels another environment's running apply.
    for (const job of Object.values(jobs))
      if (job.strategy !== undefined) expect(job.strategy["fail-fast"]).toBe(false);
  });
});

describe("HCP workflow: shell steps, run for real", () => {
  const tokenStep = runSteps(jobs.deploy, "Hand the team token to Terraform").run ?? "";
  const withoutToken = runStep(tokenStep, root, {
    TOKEN: "",
    TOKEN_VARIABLE: "TF_TOKEN_app_terraform_io",
  });
  const withToken = runStep(tokenStep, root, {
    TOKEN: "team-token",
    TOKEN_VARIABLE: "TF_TOKEN_app_terraform_io",
  });

  it("refuses to run without the token and hands it to Terraform under the host's variable", () => {
    const refused = withoutToken();
    expect(refused.code === null || refused.code === 0, refused.stderr).toBe(false);
    expect(refused.stdout).toMatch(/^::error::secret HCP_TERRAFORM_TOKEN is not set/m);
    expect(refused.env).toBe("");
    expect(succeeded(withToken).env).toBe("TF_TOKEN_app_terraform_io=team-token\n");
  });

  const stacksDir = newDir();
  for (const s of ["platform-dev-network", "platform-dev-data", "platform-dev-hcp"]) {
    mkdirSync(join(stacksDir, "cdktf.out", "stacks", s), { recursive: true });
  }
  const selected = runStep(
    runSteps(jobs.deploy, "Select the stacks CI manages").run ?? "",
    stacksDir,
    {
      MANUAL_STACK_LAYERS: workflow.env.MANUAL_STACK_LAYERS,
    },
  );

  it("selects every stack but the hand-applied hcp stack", () => {
    expect(succeeded(selected).output).toBe("list=platform-dev-data platform-dev-network\n");
  });

  const summarize = runSteps(jobs.deploy, "Summarize HCP Terraform runs");
  const withRuns = newDir();
  writeFileSync(
    join(withRuns, "hcp-runs.log"),
    [
      "platform-dev-network  Running apply in HCP Terraform. Output will stream here.",
      "platform-dev-network  To view this run in a browser, visit:",
      "platform-dev-network  https://app.terraform.io/app/acme/platform-dev-network/runs/run-AbC123",
      "platform-dev-data     https://app.terraform.io/app/acme/platform-dev-data/runs/run-Xyz789",
      "platform-dev-network  https://app.terraform.io/app/acme/platform-dev-network/runs/run-AbC123",
      "unrelated             https://appXterraform.io/app/acme/other/runs/run-zzz",
    ].join("\n"),
  );
  const summarized = runStep(summarize.run ?? "", withRuns, {
    HCP_HOST: "app.terraform.io",
    TITLE: "HCP Terraform runs of dev",
  });
  // No log at all: no run was started.
  const summarizedNone = runStep(summarize.run ?? "", newDir(), {
    HCP_HOST: "app.terraform.io",
    TITLE: "t",
  });

  it("puts each run's URL in the job summary, once per run", () => {
    expect(summarize.if).toBe("always()");
    expect(runSteps(jobs.plan, "Summarize HCP Terraform runs").run).toBe(summarize.run);
    expect(succeeded(summarized).summary.split("\n")).toEqual([
      "### HCP Terraform runs of dev",
      "- `platform-dev-network`: https://app.terraform.io/app/acme/platform-dev-network/runs/run-AbC123",
      "- `platform-dev-data`: https://app.terraform.io/app/acme/platform-dev-data/runs/run-Xyz789",
      "",
    ]);
    expect(succeeded(summarizedNone).summary).toBe("### t\nNo HCP Terraform run was started.\n");
  });
});
