import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../config";
import { s3StepOutputs } from "../../scripts/hcp-environments";
import { MANUAL_LAYERS } from "../../modules/ci-identity";
import { shippedInput } from "../helpers/config";

/*
 * The GitHub Actions workflow, checked without GitHub: it parses, calls only what this
 * repository has, reaches AWS through OIDC only, and deploys only from main. Its shell steps
 * run here for real where they do not need AWS.
 */
const root = resolve(__dirname, "../..");
const text = readFileSync(join(root, ".github/workflows/infra.yml"), "utf8");

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly env?: Readonly<Record<string, string>>;
}
interface Job {
  readonly name?: string;
  readonly if?: string;
  readonly "timeout-minutes"?: number;
  readonly needs?: string | string[];
  readonly outputs?: Readonly<Record<string, string>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: {
    "max-parallel"?: number;
    "fail-fast"?: boolean;
    matrix: { include: string };
  };
  readonly environment?: string;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: Readonly<Record<string, { branches?: string[] } | null>>;
  readonly permissions: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const workflow = parse(text) as Workflow;
const jobs = Object.entries(workflow.jobs);
const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const usesAction = (job: Job, action: string) =>
  job.steps.filter((s) => s.uses?.split("@")[0] === action);
const runsOf = (job: Job) => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
const stepNamed = (job: Job, name: string) => {
  const step = job.steps.find((s) => s.name === name);
  if (step?.run === undefined) throw new Error(`no run step "${name}"`);
  return step.run;
};

/**
 * GitHub's expression language, as far as `if:` uses it here: ==, !=, &&, || and parentheses
 * on contexts and strings, and always() (true: the job's own condition decides).
 */
function evaluate(expression: string, context: Record<string, unknown>): boolean {
  const tokens = expression.match(/'[^']*'|always\(\)|&&|\|\||==|!=|[()]|[a-z_][\w.-]*/gi) ?? [];
  expect(tokens.join("").replace(/\s/g, "")).toBe(expression.replace(/\s/g, ""));
  let at = 0;
  const value = (): unknown => {
    const t = tokens[at++];
    if (t === "(") {
      const inner = or();
      if (tokens[at++] !== ")") throw new Error(`unbalanced ( in ${expression}`);
      return inner;
    }
    if (t === "always()") return true;
    if (t.startsWith("'")) return t.slice(1, -1);
    return t
      .split(".")
      .reduce<unknown>((from, k) => (from as Record<string, unknown> | undefined)?.[k], context);
  };
  const comparison = (): unknown => {
    const left = value();
    const op = tokens[at];
    if (op !== "==" && op !== "!=") return left;
    at++;
    const right = value();
    return op === "==" ? left === right : left !== right;
  };
  const and = (): unknown => {
    let result = comparison();
    while (tokens[at] === "&&") {
      at++;
      const right = comparison();
      result = Boolean(result) && Boolean(right);
    }
    return result;
  };
  const or = (): unknown => {
    let result = and();
    while (tokens[at] === "||") {
      at++;
      const right = and();
      result = Boolean(result) || Boolean(right);
    }
    return result;
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`unparsed rest of ${expression}`);
  return Boolean(result);
}
/** What the checks job hands on, as for the shipped configuration: every environment on S3. */
const checksPassed = {
  result: "success",
  outputs: { s3_dev: "true", s3_prod: "true", plan_matrix: "[{}]" },
};
const push = (ref: string, needs: Record<string, unknown> = {}) => ({
  github: { event_name: "push", ref, repository: "acme/platform-infra" },
  needs: {
    checks: checksPassed,
    "deploy-dev": { result: "success" },
    "plan-prod": { result: "success" },
    ...needs,
  },
});
const pullRequest = (from: string) => ({
  github: {
    event_name: "pull_request",
    ref: "refs/pull/7/merge",
    repository: "acme/platform-infra",
    event: { pull_request: { head: { repo: { full_name: from } } } },
  },
  needs: { checks: checksPassed },
});

/** Runs a step's script with bash as the runner would, returning what it wrote to GITHUB_OUTPUT. */
function runStep(script: string, cwd: string, env: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "workflow-step-"));
  try {
    const output = join(dir, "output");
    execFileSync("bash", ["-e", "-c", script], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? tmpdir(),
        ...env,
        GITHUB_OUTPUT: output,
      },
    });
    const lines = existsSync(output) ? readFileSync(output, "utf8").split("\n") : [];
    return Object.fromEntries(
      lines
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("CI workflow: shape", () => {
  it("runs on pull requests to main, pushes to main, and by hand", () => {
    expect(workflow.on).toEqual({
      pull_request: { branches: ["main"] },
      push: { branches: ["main"] },
      workflow_dispatch: expect.objectContaining({}) as unknown,
    });
    expect(Object.keys(workflow.jobs)).toEqual([
      "checks",
      "preview",
      "plan",
      "deploy-dev",
      "plan-prod",
      "deploy-prod",
      "images",
      "provider-locks",
    ]);
  });

  it("orders dev -> prod plan -> approved prod apply with needs:, never max-parallel", () => {
    expect(workflow.jobs.plan.needs).toBe("checks");
    expect(workflow.jobs["deploy-dev"].needs).toBe("checks");
    expect(workflow.jobs["plan-prod"].needs).toEqual(["checks", "deploy-dev"]);
    expect(workflow.jobs["deploy-prod"].needs).toEqual(["checks", "plan-prod"]);
    for (const [name, job] of jobs) expect(job.strategy?.["max-parallel"], name).toBeUndefined();
  });

  it("checks with Node 20 and the npm cache, and lints exactly once (npm test runs lint)", () => {
    const checks = workflow.jobs.checks;
    expect(usesAction(checks, "actions/setup-node")[0].with).toMatchObject({
      "node-version": "20",
      cache: "npm",
    });
    const runs = runsOf(checks);
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    expect(at(/^npm ci$/)).toBe(0);
    const packages = at(/apt-get install -y .*\bnginx\b.*\bcloud-init\b/);
    expect(packages).toBeGreaterThan(0);
    expect(runs[packages]).toMatch(/^sudo apt-get update && /);
    expect(packages).toBeLessThan(at(/^npm test$/));
    expect(at(/^npm run synth$/)).toBeGreaterThan(at(/^npm test$/));
    expect(scripts.test).toMatch(/npm run lint/);
    const lints = jobs
      .flatMap(([, job]) => runsOf(job))
      .filter((r) => /npm (run lint|test)\b|eslint/.test(r));
    expect(lints).toEqual(["npm test"]);
  });
});

describe("CI workflow: commands", () => {
  const runs = jobs.flatMap(([, job]) => runsOf(job));

  it("calls only npm scripts package.json defines", () => {
    const used = runs.flatMap((run) =>
      [...run.matchAll(/\bnpm\s+([\w:-]+)(?:\s+(?:-\w\s+)*([\w:-]+))?/g)].map(
        ([, command, arg]) => {
          if (command === "run" || command === "run-script") return arg;
          if (["test", "start", "stop", "restart"].includes(command)) return command;
          if (command === "ci") return undefined;
          throw new Error(`npm ${command} is neither a script nor an allowed npm command`);
        },
      ),
    );
    const named = used.filter((s): s is string => s !== undefined);
    expect(new Set(named)).toEqual(new Set(["test", "synth", "preview", "hcp:environments"]));
    for (const script of named) expect(scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it("never downloads a binary with npx", () => {
    expect(runs.join("\n")).not.toMatch(/\bnpx\b/);
  });

  it("pins every action by full commit SHA, with the tag in a comment", () => {
    const uses = jobs.flatMap(([, job]) =>
      job.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])),
    );
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of text.split("\n").filter((l) => /\buses:/.test(l)))
      expect(line, line).toMatch(/@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    // One version per action across the file.
    const byAction = new Map<string, Set<string>>();
    for (const u of uses) {
      const [action, sha] = u.split("@");
      byAction.set(action, (byAction.get(action) ?? new Set()).add(sha));
    }
    for (const [action, shas] of byAction) expect(shas.size, action).toBe(1);
  });

  it("shares one provider download per job through TF_PLUGIN_CACHE_DIR, created before any init", () => {
    expect(workflow.env.TF_PLUGIN_CACHE_DIR).toMatch(/^\/home\/runner\/\.terraform\.d\//);
    for (const [name, job] of jobs) {
      const scripts = runsOf(job).join("\n");
      if (!/terraform (init|providers lock)/.test(scripts)) continue;
      if (name === "provider-locks") continue;
      expect(scripts.indexOf('mkdir -p "$TF_PLUGIN_CACHE_DIR"'), name).toBeGreaterThanOrEqual(0);
      expect(scripts.indexOf('mkdir -p "$TF_PLUGIN_CACHE_DIR"'), name).toBeLessThan(
        scripts.indexOf("terraform init"),
      );
    }
  });

  it("waits for state locks: every plan and apply has -lock-timeout", () => {
    expect(workflow.env.LOCK_TIMEOUT).toMatch(/^\d+m$/);
    const commands = runs.flatMap((r) =>
      [...r.matchAll(/terraform (plan|apply)\b[^\n]*/g)].map((m) => m[0]),
    );
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const c of commands) expect(c, c).toContain('-lock-timeout="$LOCK_TIMEOUT"');
  });

  it("installs the committed lock file of each stack and then refuses to change it", () => {
    for (const name of ["plan", "deploy-dev", "plan-prod"]) {
      const install = stepNamed(workflow.jobs[name], "Use the committed provider lock files");
      expect(install).toContain('lock=".terraform-locks/$stack.terraform.lock.hcl"');
    }
    expect(
      stepNamed(
        workflow.jobs["deploy-prod"],
        "Apply exactly the saved plans, in the planned order",
      ),
    ).toContain("terraform init -input=false -lockfile=readonly");
    const refresh = stepNamed(
      workflow.jobs["provider-locks"],
      "Lock every stack's providers for every platform the team runs",
    );
    expect(refresh).toMatch(/terraform providers lock( -platform=\w+){4}/);
  });
});

describe("CI workflow: AWS access", () => {
  it("reads only repository contents by default, and asks for an OIDC token only where it assumes a role", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const [name, job] of jobs) {
      const assumes = usesAction(job, "aws-actions/configure-aws-credentials").length > 0;
      expect(job.permissions?.["id-token"], name).toBe(assumes ? "write" : undefined);
      if (assumes) expect(job.permissions, name).toEqual({ "id-token": "write", contents: "read" });
    }
    for (const name of ["checks", "preview", "provider-locks"])
      expect(
        usesAction(workflow.jobs[name], "aws-actions/configure-aws-credentials"),
        name,
      ).toEqual([]);
  });

  it("holds no long-lived AWS keys and no secrets at all", () => {
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|aws-session-token/i);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(text).not.toMatch(/\bsecrets\./);
  });

  it("runs every role-assuming job in the GitHub environment whose subject that role trusts", () => {
    const config = loadConfig();
    const ci = (env: string) => config.environments[env].ci;
    const plan = workflow.jobs.plan;
    expect(plan.environment).toBe("${{ matrix.github_environment }}");
    expect(plan.strategy?.matrix.include).toBe("${{ fromJSON(needs.checks.outputs.plan_matrix) }}");
    const matrix = JSON.parse(
      /^plan_matrix=(.*)$/m.exec(s3StepOutputs(config))?.[1] ?? "null",
    ) as Record<string, string>[];
    expect(matrix.map((m) => [m.environment, m.github_environment, m.role_variable])).toEqual(
      // One entry per configured environment on S3 state, non-production first.
      Object.values(config.environments)
        .sort((a, b) => Number(a.production) - Number(b.production))
        .map((e) => [e.name, e.ci?.planGithubEnvironment, `${e.name.toUpperCase()}_PLAN_ROLE_ARN`]),
    );
    // Every configured environment is deployed by a job of its own.
    for (const env of Object.values(config.environments)) {
      expect(workflow.jobs[`deploy-${env.name}`]?.environment, env.name).toBe(
        env.ci?.githubEnvironment,
      );
    }
    const role = (job: string) =>
      usesAction(workflow.jobs[job], "aws-actions/configure-aws-credentials")[0].with?.[
        "role-to-assume"
      ];
    expect([workflow.jobs["deploy-dev"].environment, role("deploy-dev")]).toEqual([
      ci("dev")?.githubEnvironment,
      "${{ vars.DEV_DEPLOY_ROLE_ARN }}",
    ]);
    expect([workflow.jobs["plan-prod"].environment, role("plan-prod")]).toEqual([
      ci("prod")?.planGithubEnvironment,
      "${{ vars.PROD_PLAN_ROLE_ARN }}",
    ]);
    expect([workflow.jobs["deploy-prod"].environment, role("deploy-prod")]).toEqual([
      ci("prod")?.githubEnvironment,
      "${{ vars.PROD_DEPLOY_ROLE_ARN }}",
    ]);
  });

  it("keeps credentials alive longer than any apply can run", () => {
    for (const name of ["deploy-dev", "deploy-prod"]) {
      const job = workflow.jobs[name];
      const duration = Number(
        usesAction(job, "aws-actions/configure-aws-credentials")[0].with?.["role-duration-seconds"],
      );
      // The deploy role's maximum session (modules/ci-identity) is 7200 s.
      expect(duration, name).toBe(7200);
      expect((job["timeout-minutes"] ?? 360) * 60, name).toBeLessThan(duration);
    }
  });
});

describe("CI workflow: service images", () => {
  const images = workflow.jobs.images;
  const script = stepNamed(images, "Build and push under an immutable tag");

  it("pushes with the image push role of the chosen environment, in its deploy environment", () => {
    const config = loadConfig();
    expect(workflow.env.PROJECT).toBe(config.project);
    expect(images.environment).toBe("${{ inputs.environment == 'prod' && 'production' || 'dev' }}");
    expect(["production", "dev"]).toEqual([
      config.environments.prod.ci?.githubEnvironment,
      config.environments.dev.ci?.githubEnvironment,
    ]);
    expect(
      usesAction(images, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"],
    ).toBe(
      "${{ inputs.environment == 'prod' && vars.PROD_IMAGE_PUSH_ROLE_ARN || vars.DEV_IMAGE_PUSH_ROLE_ARN }}",
    );
    expect(usesAction(images, "aws-actions/amazon-ecr-login")).toHaveLength(1);
  });

  it("tags with the commit, never a moving tag, into <project>-<env>/<service>, and says how to roll it out", () => {
    expect(script).toContain('tag="sha-${GITHUB_SHA::12}"');
    expect(script).toContain('image="$REGISTRY/$PROJECT-$TARGET_ENVIRONMENT/$SERVICE:$tag"');
    expect(script).not.toMatch(/latest/);
    expect(script).toMatch(/docker push "\$image"/);
    expect(script).toContain("imageTag");
  });

  it("refuses a service name that could escape the repository path", () => {
    const check = script.split("\n")[0];
    for (const bad of ["../web", "Web", "web/x", ""])
      expect(() => runStep(check, root, { SERVICE: bad }), bad).toThrow();
    expect(() => runStep(check, root, { SERVICE: "web-2" })).not.toThrow();
  });
});

describe("CI workflow: prod applies what was reviewed", () => {
  const planProd = workflow.jobs["plan-prod"];
  const deployProd = workflow.jobs["deploy-prod"];

  it("plans prod to saved plan files and publishes their text in the job summary", () => {
    const script = stepNamed(planProd, "Plan each stack to a saved plan and publish it");
    expect(script).toMatch(/terraform plan [^\n]*-out=tfplan/);
    expect(script).toContain("terraform show -no-color tfplan > tfplan.txt");
    expect(script).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(script).toContain("> cdktf.out/stack-order");
  });

  it("uploads the plans with their configuration and lock files as one artifact of this commit", () => {
    const upload = usesAction(planProd, "actions/upload-artifact")[0];
    expect(upload.with?.name).toBe("prod-plan-${{ github.sha }}");
    const paths = String(upload.with?.path).trim().split("\n");
    expect(paths).toEqual(
      expect.arrayContaining([
        "cdktf.out/stack-order",
        "cdktf.out/stacks/*/cdk.tf.json",
        "cdktf.out/stacks/*/.terraform.lock.hcl",
        "cdktf.out/stacks/*/tfplan",
      ]),
    );
    expect(upload.with?.["include-hidden-files"]).toBe(true);
    expect(upload.with?.["if-no-files-found"]).toBe("error");
  });

  it("applies exactly that artifact after approval, without synthesizing anything", () => {
    expect(deployProd.environment).toBe("production");
    const download = usesAction(deployProd, "actions/download-artifact")[0];
    expect(download.with).toMatchObject({ name: "prod-plan-${{ github.sha }}", path: "cdktf.out" });
    const runs = runsOf(deployProd).join("\n");
    expect(runs).not.toMatch(/npm|cdktf (deploy|synth)/);
    expect(runs).toContain('STACKS="$(cat cdktf.out/stack-order)"');
    expect(runs).toMatch(/terraform apply [^\n]* tfplan$/m);
    expect(runs).not.toMatch(/terraform plan|auto-approve/);
  });

  it("never cancels a running apply, and runs one apply per environment", () => {
    expect(workflow.jobs["deploy-dev"].concurrency).toEqual({
      group: "infra-deploy-dev",
      "cancel-in-progress": false,
    });
    expect(deployProd.concurrency).toEqual({
      group: "infra-deploy-prod",
      "cancel-in-progress": false,
    });
  });
});

describe("CI workflow: when each job runs", () => {
  it.each(["deploy-dev", "plan-prod", "deploy-prod"])("%s runs only for pushes to main", (name) => {
    const condition = workflow.jobs[name].if ?? "";
    expect(evaluate(condition, push("refs/heads/main"))).toBe(true);
    expect(evaluate(condition, push("refs/heads/feature"))).toBe(false);
    expect(evaluate(condition, pullRequest("acme/platform-infra"))).toBe(false);
  });

  it("plans only for pull requests from this repository (forks get no OIDC token)", () => {
    const condition = workflow.jobs.plan.if ?? "";
    expect(evaluate(condition, pullRequest("acme/platform-infra"))).toBe(true);
    expect(evaluate(condition, pullRequest("stranger/platform-infra"))).toBe(false);
    expect(evaluate(condition, push("refs/heads/main"))).toBe(false);
  });

  it("previews every pull request against its base branch, with history to synthesize it", () => {
    const preview = workflow.jobs.preview;
    expect(evaluate(preview.if ?? "", pullRequest("stranger/platform-infra"))).toBe(true);
    expect(evaluate(preview.if ?? "", push("refs/heads/main"))).toBe(false);
    expect(usesAction(preview, "actions/checkout")[0].with?.["fetch-depth"]).toBe(0);
    expect(stepNamed(preview, "Preview against the base branch")).toContain(
      'npm run preview -- --base "origin/$BASE_REF"',
    );
  });
});

describe("CI workflow: environments in cloud mode are infra-hcp.yml's", () => {
  const checks = workflow.jobs.checks;
  const list = () => {
    const step = checks.steps.find((s) => s.id === "environments");
    if (step?.run === undefined) throw new Error("no environments step in checks");
    return step.run;
  };
  const runs = (name: string, context: ReturnType<typeof push>) =>
    evaluate(workflow.jobs[name].if ?? "", context);

  it("hands on, per configured environment, whether it runs here (S3 state)", () => {
    expect(list()).toBe('npm run -s hcp:environments -- --s3 >> "$GITHUB_OUTPUT"');
    const names = Object.keys(loadConfig().environments);
    expect(Object.keys(checks.outputs ?? {}).sort()).toEqual(
      [...names.map((n) => `s3_${n}`), "plan_matrix"].sort(),
    );
    for (const [key, value] of Object.entries(checks.outputs ?? {}))
      expect(value).toBe(`\${{ steps.environments.outputs.${key} }}`);
  });

  it("runs the step for real: a cloud-mode dev leaves only prod here", () => {
    const dir = mkdtempSync(join(tmpdir(), "workflow-envs-"));
    try {
      const input = shippedInput();
      delete input.environments.dev.ci;
      input.environments.dev.state = { backend: "cloud", organization: "acme" };
      const file = join(dir, "config.json");
      writeFileSync(file, JSON.stringify(input));
      const cloudDev = runStep(list(), root, { HCP_ENVIRONMENTS_CONFIG_JSON: file });
      expect(cloudDev).toEqual({
        s3_dev: "false",
        s3_prod: "true",
        plan_matrix: JSON.stringify([
          {
            environment: "prod",
            github_environment: "production-plan",
            role_variable: "PROD_PLAN_ROLE_ARN",
          },
        ]),
      });
      // The shipped configuration: both here.
      const shipped = runStep(list(), root, {});
      expect([shipped.s3_dev, shipped.s3_prod]).toEqual(["true", "true"]);
      expect(JSON.parse(shipped.plan_matrix)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("skips dev but still plans and deploys prod when dev is in cloud mode", () => {
    const cloudDev = { ...checksPassed, outputs: { ...checksPassed.outputs, s3_dev: "false" } };
    expect(runs("deploy-dev", push("refs/heads/main", { checks: cloudDev }))).toBe(false);
    const devSkipped = push("refs/heads/main", {
      checks: cloudDev,
      "deploy-dev": { result: "skipped" },
    });
    // A skipped needed job skips its dependents unless the condition starts with always().
    expect(workflow.jobs["plan-prod"].if).toMatch(/^always\(\) && /);
    expect(runs("plan-prod", devSkipped)).toBe(true);
    expect(runs("deploy-prod", devSkipped)).toBe(true);
  });

  it("never plans prod after a failed or cancelled dev deploy or failed checks", () => {
    for (const result of ["failure", "cancelled"])
      expect(runs("plan-prod", push("refs/heads/main", { "deploy-dev": { result } })), result).toBe(
        false,
      );
    expect(
      runs(
        "plan-prod",
        push("refs/heads/main", {
          checks: { ...checksPassed, result: "failure" },
          "deploy-dev": { result: "skipped" },
        }),
      ),
    ).toBe(false);
  });

  it("skips prod's plan and apply, and the pull-request plan, for what is in cloud mode", () => {
    const cloudProd = { ...checksPassed, outputs: { ...checksPassed.outputs, s3_prod: "false" } };
    expect(runs("plan-prod", push("refs/heads/main", { checks: cloudProd }))).toBe(false);
    expect(runs("deploy-prod", push("refs/heads/main", { checks: cloudProd }))).toBe(false);
    // deploy-prod has no always(): a skipped or failed plan-prod skips it.
    expect(workflow.jobs["deploy-prod"].if).not.toContain("always()");
    const allCloud = {
      ...pullRequest("acme/platform-infra"),
      needs: {
        checks: { ...checksPassed, outputs: { ...checksPassed.outputs, plan_matrix: "[]" } },
      },
    };
    expect(evaluate(workflow.jobs.plan.if ?? "", allCloud)).toBe(false);
  });
});

describe("CI workflow: steps run for real", () => {
  const withTerraform = jobs.filter(
    ([, job]) => usesAction(job, "hashicorp/setup-terraform").length > 0,
  );

  it.each(withTerraform.map(([name]) => name))(
    "%s installs the Terraform release .terraform-version names",
    (name) => {
      const job = workflow.jobs[name];
      const [setup] = usesAction(job, "hashicorp/setup-terraform");
      expect(setup.with?.terraform_wrapper).toBe(false);
      const ref = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(
        String(setup.with?.terraform_version),
      );
      if (ref === null) throw new Error("terraform_version is not a step output");
      const reader = job.steps.find((s) => s.id === ref[1]);
      expect(job.steps.indexOf(reader as Step)).toBeLessThan(job.steps.indexOf(setup));
      const outputs = runStep(reader?.run ?? "", root, {});
      expect(outputs[ref[2]]).toBe(readFileSync(join(root, ".terraform-version"), "utf8").trim());
    },
  );

  it("leaves out exactly the layers applied by hand", () => {
    expect(workflow.env.MANUAL_STACK_LAYERS.split(" ")).toEqual([...MANUAL_LAYERS]);
  });

  it.each(["plan", "deploy-dev", "plan-prod"])(
    "%s orders the stacks by their dependencies, manual layers left out",
    (name) => {
      const dir = mkdtempSync(join(tmpdir(), "workflow-stacks-"));
      try {
        mkdirSync(join(dir, "cdktf.out"), { recursive: true });
        const stack = (dependencies: string[]) => ({ dependencies });
        writeFileSync(
          join(dir, "cdktf.out", "manifest.json"),
          JSON.stringify({
            stacks: {
              "platform-dev-bootstrap": stack([]),
              "platform-dev-ci": stack([]),
              "platform-dev-monitoring": stack(["platform-dev-services", "platform-dev-data"]),
              "platform-dev-services": stack([
                "platform-dev-network",
                "platform-dev-ecr",
                "platform-dev-data",
              ]),
              "platform-dev-data": stack(["platform-dev-network"]),
              "platform-dev-ecr": stack([]),
              "platform-dev-network": stack([]),
            },
          }),
        );
        const outputs = runStep(
          stepNamed(workflow.jobs[name], "Order the stacks CI manages"),
          dir,
          workflow.env,
        );
        expect(outputs.list).toBe(
          "platform-dev-network platform-dev-data platform-dev-ecr platform-dev-services platform-dev-monitoring",
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
