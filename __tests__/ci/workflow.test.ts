import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, type PlatformInput } from "../../config";
import { roleVariable, workflowStepOutputs } from "../../scripts/ci-environments";
import { scaffoldInto } from "../../scripts/new-env";
import { MANUAL_LAYERS } from "../../modules/ci-identity/manual-layers";
import { FIXTURE, fixtureInput } from "../fixtures/config";
import { packageScripts } from "../helpers/package";
import { parseOutputs, succeeded, workflowSteps, type StepRun } from "../helpers/workflow-steps";

/*
 * The GitHub Actions workflow, checked without GitHub: it parses, calls only what this
 * repository has, reaches AWS through OIDC only, and deploys only from main. Its shell steps
 * run here for real where they do not need AWS: each run is set up while the tests are
 * collected (runStep), all of them start together in one beforeAll, and the tests inspect what
 * each left. Most of a run is a fresh node loading the configuration, which overlaps well.
 */
const root = resolve(__dirname, "../..");
const { queue: runStep, dir: newDir } = workflowSteps("workflow");
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
/** What the checks job hands on with a non-production and a production environment. */
const checksPassed = {
  result: "success",
  outputs: { plan_matrix: "[{}]", deploy_matrix: "[{}]", production_matrix: "[{}]" },
};
const push = (ref: string, needs: Record<string, unknown> = {}) => ({
  github: { event_name: "push", ref, repository: "acme/platform-infra" },
  needs: {
    checks: checksPassed,
    deploy: { result: "success" },
    "plan-production": { result: "success" },
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

/** What a step that must succeed wrote to GITHUB_OUTPUT. */
const outputsOf = (step: () => StepRun): Record<string, string> => succeeded(step).outputs;

/** Whether a step refused: it exited by itself, with a failure. */
function refused(step: () => StepRun): boolean {
  const { code } = step();
  return code !== null && code !== 0;
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
      "deploy",
      "plan-production",
      "deploy-production",
      "image-target",
      "images",
      "provider-locks",
    ]);
  });

  it("orders non-production -> production plan -> approved production apply with needs:, never max-parallel", () => {
    expect(workflow.jobs.plan.needs).toBe("checks");
    expect(workflow.jobs.deploy.needs).toBe("checks");
    expect(workflow.jobs["plan-production"].needs).toEqual(["checks", "deploy"]);
    expect(workflow.jobs["deploy-production"].needs).toEqual(["checks", "plan-production"]);
    for (const [name, job] of jobs) expect(job.strategy?.["max-parallel"], name).toBeUndefined();
  });

  it("names no environment: every plan and deploy job is a matrix over the checks job's lists", () => {
    const matrixOf = (name: string) => workflow.jobs[name].strategy?.matrix.include;
    expect(matrixOf("plan")).toBe("${{ fromJSON(needs.checks.outputs.plan_matrix) }}");
    expect(matrixOf("deploy")).toBe("${{ fromJSON(needs.checks.outputs.deploy_matrix) }}");
    for (const name of ["plan-production", "deploy-production"])
      expect(matrixOf(name), name).toBe("${{ fromJSON(needs.checks.outputs.production_matrix) }}");
    // A running apply is never cancelled because another environment failed.
    for (const name of ["plan", "deploy", "plan-production", "deploy-production"])
      expect(workflow.jobs[name].strategy?.["fail-fast"], name).toBe(false);
    // No configured environment's name, role variable or GitHub environment is written here.
    for (const input of [loadConfig(), loadConfig(fixtureInput())]) {
      for (const env of Object.values(input.environments)) {
        for (const word of [
          roleVariable(env.name, "DEPLOY"),
          roleVariable(env.name, "PLAN"),
          roleVariable(env.name, "IMAGE_PUSH"),
          `environment: ${env.name}`,
          `environment: ${env.ci?.githubEnvironment ?? env.name}`,
          `PLATFORM_ENVIRONMENTS: ${env.name}`,
          `${env.name}-plan-`,
        ])
          expect(text, word).not.toContain(word);
      }
    }
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
    expect(packageScripts.test).toMatch(/npm run lint/);
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
    expect(new Set(named)).toEqual(new Set(["test", "synth", "preview", "ci:environments"]));
    for (const script of named) expect(packageScripts, `npm run ${script}`).toHaveProperty(script);
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
    for (const name of ["plan", "deploy", "plan-production"]) {
      const install = stepNamed(workflow.jobs[name], "Use the committed provider lock files");
      expect(install).toContain('lock=".terraform-locks/$stack.terraform.lock.hcl"');
    }
    expect(
      stepNamed(
        workflow.jobs["deploy-production"],
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
    const role = (job: string) =>
      usesAction(workflow.jobs[job], "aws-actions/configure-aws-credentials")[0].with?.[
        "role-to-assume"
      ];
    // Each matrix entry names the GitHub environment and the role variable together.
    expect([workflow.jobs.plan.environment, role("plan")]).toEqual([
      "${{ matrix.github_environment }}",
      "${{ vars[matrix.role_variable] }}",
    ]);
    expect([workflow.jobs.deploy.environment, role("deploy")]).toEqual([
      "${{ matrix.github_environment }}",
      "${{ vars[matrix.role_variable] }}",
    ]);
    expect([workflow.jobs["plan-production"].environment, role("plan-production")]).toEqual([
      "${{ matrix.plan_github_environment }}",
      "${{ vars[matrix.plan_role_variable] }}",
    ]);
    expect([workflow.jobs["deploy-production"].environment, role("deploy-production")]).toEqual([
      "${{ matrix.github_environment }}",
      "${{ vars[matrix.role_variable] }}",
    ]);
    for (const name of ["plan", "deploy", "plan-production"])
      expect(workflow.jobs[name].env?.PLATFORM_ENVIRONMENTS, name).toBe(
        "${{ matrix.environment }}",
      );
  });

  it("keeps credentials alive longer than any apply can run", () => {
    for (const name of ["deploy", "deploy-production"]) {
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
  const lookup = stepNamed(
    workflow.jobs["image-target"],
    "Find the environment's deploy subject and push role",
  );
  const fixture = loadConfig(fixtureInput());
  const fixtureEnv = configEnv(fixtureInput());
  const lookups = Object.values(fixture.environments).map(
    (e) => [e, runStep(lookup, root, { ...fixtureEnv, TARGET_ENVIRONMENT: e.name })] as const,
  );
  const badLookups = ["", "nope"].map(
    (bad) => [bad, runStep(lookup, root, { ...fixtureEnv, TARGET_ENVIRONMENT: bad })] as const,
  );
  const check = script.split("\n")[0];
  const badServices = ["../web", "Web", "web/x", ""].map(
    (bad) => [bad, runStep(check, root, { SERVICE: bad })] as const,
  );
  const goodService = runStep(check, root, { SERVICE: "web-2" });

  it("pushes with the image push role of the chosen environment, in its deploy environment", () => {
    expect(workflow.env.PROJECT).toBe(loadConfig().project);
    expect(images.needs).toBe("image-target");
    expect(images.if).toBe(workflow.jobs["image-target"].if);
    expect(images.environment).toBe("${{ needs.image-target.outputs.github_environment }}");
    expect(
      usesAction(images, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"],
    ).toBe("${{ vars[needs.image-target.outputs.role_variable] }}");
    expect(usesAction(images, "aws-actions/amazon-ecr-login")).toHaveLength(1);
  });

  it("looks the environment up in the configuration, and refuses one it does not deploy", () => {
    const outputs = workflow.jobs["image-target"].outputs ?? {};
    expect(outputs).toEqual({
      github_environment: "${{ steps.target.outputs.github_environment }}",
      role_variable: "${{ steps.target.outputs.role_variable }}",
    });
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    for (const [e, ran] of lookups) {
      expect(outputsOf(ran), e.name).toEqual({
        github_environment: e.ci?.githubEnvironment,
        role_variable: roleVariable(e.name, "IMAGE_PUSH"),
      });
    }
    for (const [bad, ran] of badLookups) {
      expect(refused(ran), bad).toBe(true);
      expect(ran().stderr, bad).toContain("is not one this workflow deploys");
    }
  });

  it("tags with the commit, never a moving tag, into <project>-<env>/<service>, and says how to roll it out", () => {
    expect(script).toContain('tag="sha-${GITHUB_SHA::12}"');
    expect(script).toContain('image="$REGISTRY/$PROJECT-$TARGET_ENVIRONMENT/$SERVICE:$tag"');
    expect(script).not.toMatch(/latest/);
    expect(script).toMatch(/docker push "\$image"/);
    expect(script).toContain("imageTag");
  });

  it("refuses a service name that could escape the repository path", () => {
    for (const [bad, ran] of badServices) {
      expect(refused(ran), bad).toBe(true);
      expect(ran().stdout, bad).toContain(`::error::bad service name ${bad}`);
    }
    outputsOf(goodService);
  });
});

describe("CI workflow: production applies what was reviewed", () => {
  const planProduction = workflow.jobs["plan-production"];
  const deployProduction = workflow.jobs["deploy-production"];

  it("plans each production environment to saved plan files and publishes their text in the job summary", () => {
    const script = stepNamed(planProduction, "Plan each stack to a saved plan and publish it");
    expect(script).toMatch(/terraform plan [^\n]*-out=tfplan/);
    expect(script).toContain("terraform show -no-color tfplan > tfplan.txt");
    expect(script).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(script).toContain("> cdktf.out/stack-order");
  });

  it("uploads the plans with their configuration and lock files as one artifact per environment and commit", () => {
    const upload = usesAction(planProduction, "actions/upload-artifact")[0];
    expect(upload.with?.name).toBe("${{ matrix.environment }}-plan-${{ github.sha }}");
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

  it("applies exactly that environment's artifact after approval, without synthesizing anything", () => {
    expect(deployProduction.environment).toBe("${{ matrix.github_environment }}");
    const download = usesAction(deployProduction, "actions/download-artifact")[0];
    expect(download.with).toMatchObject({
      name: "${{ matrix.environment }}-plan-${{ github.sha }}",
      path: "cdktf.out",
    });
    const runs = runsOf(deployProduction).join("\n");
    expect(runs).not.toMatch(/npm|cdktf (deploy|synth)/);
    expect(runs).toContain('STACKS="$(cat cdktf.out/stack-order)"');
    expect(runs).toMatch(/terraform apply [^\n]* tfplan$/m);
    expect(runs).not.toMatch(/terraform plan|auto-approve/);
  });

  it("never cancels a running apply, and runs one apply per environment", () => {
    for (const name of ["deploy", "deploy-production"])
      expect(workflow.jobs[name].concurrency, name).toEqual({
        group: "infra-deploy-${{ matrix.environment }}",
        "cancel-in-progress": false,
      });
  });
});

describe("CI workflow: when each job runs", () => {
  it.each(["deploy", "plan-production", "deploy-production"])(
    "%s runs only for pushes to main",
    (name) => {
      const condition = workflow.jobs[name].if ?? "";
      expect(evaluate(condition, push("refs/heads/main"))).toBe(true);
      expect(evaluate(condition, push("refs/heads/feature"))).toBe(false);
      expect(evaluate(condition, pullRequest("acme/platform-infra"))).toBe(false);
    },
  );

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

  it("builds images only by hand, after looking the environment up", () => {
    for (const name of ["image-target", "images"]) {
      const condition = workflow.jobs[name].if ?? "";
      const dispatch = (service: string) => ({
        github: { event_name: "workflow_dispatch", ref: "refs/heads/main" },
        inputs: { service },
      });
      expect(evaluate(condition, dispatch("web")), name).toBe(true);
      expect(evaluate(condition, dispatch("")), name).toBe(false);
      expect(evaluate(condition, push("refs/heads/main")), name).toBe(false);
    }
  });
});

/** The environment that points ci:environments at `input` instead of config/. */
function configEnv(input: PlatformInput): Record<string, string> {
  const file = join(newDir(), "config.json");
  writeFileSync(file, JSON.stringify(input));
  return { CI_ENVIRONMENTS_CONFIG_JSON: file };
}

describe("CI workflow: the environments come from the configuration", () => {
  const checks = workflow.jobs.checks;
  const list = () => {
    const step = checks.steps.find((s) => s.id === "environments");
    if (step?.run === undefined) throw new Error("no environments step in checks");
    return step.run;
  };
  const runs = (name: string, context: ReturnType<typeof push>) =>
    evaluate(workflow.jobs[name].if ?? "", context);
  const withOutputs = (outputs: Record<string, string>) => ({
    ...checksPassed,
    outputs: { ...checksPassed.outputs, ...outputs },
  });
  const names = (matrix: string) =>
    (JSON.parse(matrix) as { environment: string }[]).map((e) => e.environment);

  it("hands on the plan, deploy and production matrices of the checks step", () => {
    expect(list()).toBe('npm run -s ci:environments >> "$GITHUB_OUTPUT"');
    expect(Object.keys(checks.outputs ?? {}).sort()).toEqual(
      ["deploy_matrix", "plan_matrix", "production_matrix"].sort(),
    );
    for (const [key, value] of Object.entries(checks.outputs ?? {}))
      expect(value).toBe(`\${{ steps.environments.outputs.${key} }}`);
  });

  // The matrices equal the configured environments, whichever they are: the shipped ones, the
  // fixture's, and the fixture with a third environment scaffolded by new-env.
  const configurations: [string, PlatformInput | undefined][] = [
    ["shipped", undefined],
    ["fixture", fixtureInput()],
    [
      "fixture + scaffolded third",
      scaffoldInto(fixtureInput(), { name: "third", from: FIXTURE.nonProduction }).input,
    ],
  ];
  const listed = configurations.map(
    ([name, input]): [string, PlatformInput | undefined, () => StepRun] => [
      name,
      input,
      runStep(list(), root, input === undefined ? {} : configEnv(input)),
    ],
  );
  it.each(listed)(
    "runs the step for real on the %s configuration: every environment, each once, in its place",
    (_name, input, ran) => {
      const config = loadConfig(input);
      const outputs = outputsOf(ran);
      expect(outputs).toEqual(parseOutputs(workflowStepOutputs(config)));
      const envs = Object.values(config.environments);
      const nonProduction = envs.filter((e) => !e.production).map((e) => e.name);
      const production = envs.filter((e) => e.production).map((e) => e.name);
      expect(names(outputs.plan_matrix)).toEqual([...nonProduction, ...production]);
      expect(names(outputs.deploy_matrix)).toEqual(nonProduction);
      expect(names(outputs.production_matrix)).toEqual(production);
      // Each job runs in the GitHub environment whose subject its role trusts.
      const plan = (env: (typeof envs)[number]) => ({
        github_environment: env.ci?.planGithubEnvironment,
        role_variable: roleVariable(env.name, "PLAN"),
      });
      const deploy = (env: (typeof envs)[number]) => ({
        github_environment: env.ci?.githubEnvironment,
        role_variable: roleVariable(env.name, "DEPLOY"),
      });
      const entries = (json: string) =>
        (JSON.parse(json) as Record<string, string>[]).map((entry) => ({
          entry,
          env: config.environments[entry.environment],
        }));
      for (const { entry, env } of entries(outputs.plan_matrix))
        expect(entry).toEqual({ environment: env.name, ...plan(env) });
      for (const { entry, env } of entries(outputs.deploy_matrix))
        expect(entry).toEqual({ environment: env.name, ...deploy(env) });
      for (const { entry, env } of entries(outputs.production_matrix)) {
        const { github_environment, role_variable } = plan(env);
        expect(entry).toEqual({
          environment: env.name,
          plan_github_environment: github_environment,
          plan_role_variable: role_variable,
          ...deploy(env),
        });
      }
    },
  );

  const withCloud = (() => {
    const input = fixtureInput();
    const cloud = input.environments[FIXTURE.nonProduction];
    delete cloud.ci;
    cloud.state = { backend: "cloud", organization: "acme" };
    return runStep(list(), root, configEnv(input));
  })();
  it("leaves cloud-mode environments out of every matrix", () => {
    const outputs = outputsOf(withCloud);
    expect(names(outputs.plan_matrix)).toEqual([FIXTURE.production]);
    expect(outputs.deploy_matrix).toBe("[]");
    expect(names(outputs.production_matrix)).toEqual([FIXTURE.production]);
  });

  it("skips the non-production deploy but still plans and deploys production when there is none", () => {
    const none = withOutputs({ deploy_matrix: "[]" });
    expect(runs("deploy", push("refs/heads/main", { checks: none }))).toBe(false);
    const skipped = push("refs/heads/main", { checks: none, deploy: { result: "skipped" } });
    // A skipped needed job skips its dependents unless the condition starts with always().
    expect(workflow.jobs["plan-production"].if).toMatch(/^always\(\) && /);
    expect(runs("plan-production", skipped)).toBe(true);
    expect(runs("deploy-production", skipped)).toBe(true);
  });

  it("never plans production after any failed or cancelled non-production deploy or failed checks", () => {
    // `needs.deploy.result` is the whole matrix's: one failed environment fails it.
    for (const result of ["failure", "cancelled"])
      expect(runs("plan-production", push("refs/heads/main", { deploy: { result } })), result).toBe(
        false,
      );
    expect(
      runs(
        "plan-production",
        push("refs/heads/main", {
          checks: { ...checksPassed, result: "failure" },
          deploy: { result: "skipped" },
        }),
      ),
    ).toBe(false);
  });

  it("skips production's plan and apply, and the pull-request plan, when there is nothing to run", () => {
    const none = withOutputs({ production_matrix: "[]" });
    expect(runs("plan-production", push("refs/heads/main", { checks: none }))).toBe(false);
    expect(runs("deploy-production", push("refs/heads/main", { checks: none }))).toBe(false);
    // deploy-production has no always(): a skipped or failed plan-production skips it.
    expect(workflow.jobs["deploy-production"].if).not.toContain("always()");
    const allCloud = {
      ...pullRequest("acme/platform-infra"),
      needs: { checks: withOutputs({ plan_matrix: "[]" }) },
    };
    expect(evaluate(workflow.jobs.plan.if ?? "", allCloud)).toBe(false);
  });
});

describe("CI workflow: steps run for real", () => {
  const withTerraform = jobs.filter(
    ([, job]) => usesAction(job, "hashicorp/setup-terraform").length > 0,
  );
  /** The job's setup-terraform step, and the step and output its version comes from. */
  const versionSource = (job: Job) => {
    const [setup] = usesAction(job, "hashicorp/setup-terraform");
    const ref = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(
      String(setup.with?.terraform_version),
    );
    return { setup, ref, reader: job.steps.find((s) => s.id === ref?.[1]) };
  };
  const versionRuns = withTerraform.map(([name, job]): [string, () => StepRun] => [
    name,
    runStep(versionSource(job).reader?.run ?? "", root, {}),
  ]);

  it.each(versionRuns)(
    "%s installs the Terraform release .terraform-version names",
    (name, ran) => {
      const job = workflow.jobs[name];
      const { setup, ref, reader } = versionSource(job);
      expect(setup.with?.terraform_wrapper).toBe(false);
      if (ref === null) throw new Error("terraform_version is not a step output");
      expect(job.steps.indexOf(reader as Step)).toBeLessThan(job.steps.indexOf(setup));
      const outputs = outputsOf(ran);
      expect(outputs[ref[2]]).toBe(readFileSync(join(root, ".terraform-version"), "utf8").trim());
    },
  );

  it("leaves out exactly the layers applied by hand", () => {
    expect(workflow.env.MANUAL_STACK_LAYERS.split(" ")).toEqual([...MANUAL_LAYERS]);
  });

  const stack = (dependencies: string[]) => ({ dependencies });
  const orderRuns = ["plan", "deploy", "plan-production"].map((name): [string, () => StepRun] => {
    const dir = newDir();
    mkdirSync(join(dir, "cdktf.out"));
    writeFileSync(
      join(dir, "cdktf.out", "manifest.json"),
      JSON.stringify({
        stacks: {
          "fixture-sandbox-bootstrap": stack([]),
          "fixture-sandbox-ci": stack([]),
          "fixture-sandbox-monitoring": stack(["fixture-sandbox-services", "fixture-sandbox-data"]),
          "fixture-sandbox-services": stack([
            "fixture-sandbox-network",
            "fixture-sandbox-ecr",
            "fixture-sandbox-data",
          ]),
          "fixture-sandbox-data": stack(["fixture-sandbox-network"]),
          "fixture-sandbox-ecr": stack([]),
          "fixture-sandbox-network": stack([]),
        },
      }),
    );
    return [
      name,
      runStep(stepNamed(workflow.jobs[name], "Order the stacks CI manages"), dir, workflow.env),
    ];
  });
  it.each(orderRuns)(
    "%s orders the stacks by their dependencies, manual layers left out",
    (_name, ran) => {
      expect(outputsOf(ran).list).toBe(
        "fixture-sandbox-network fixture-sandbox-data fixture-sandbox-ecr fixture-sandbox-services fixture-sandbox-monitoring",
      );
    },
  );
});
