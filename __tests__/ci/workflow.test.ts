import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../config";

/** The configured environments in deploy order: non-production first, then production. */
const shippedEnvironments = Object.values(loadConfig().environments).sort(
  (a, b) => Number(a.production) - Number(b.production),
);

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
  readonly if?: string;
  readonly needs?: string | string[];
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: {
    "max-parallel"?: number;
    "fail-fast"?: boolean;
    matrix: { include: Record<string, string>[] };
  };
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
const jobs = Object.entries(workflow.jobs);
const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const usesAction = (job: Job, action: string) =>
  job.steps.filter((s) => s.uses?.split("@")[0] === action);
const stepNamed = (job: Job, name: string) => {
  const step = job.steps.find((s) => s.name === name);
  if (step?.run === undefined) throw new Error(`no run step "${name}"`);
  return step.run;
};

/** GitHub's expression language, as far as `if:` uses it here: ==, !=, && and || on contexts. */
function evaluate(expression: string, context: Record<string, unknown>): boolean {
  const operand = (token: string): unknown => {
    const t = token.trim();
    if (/^'.*'$/.test(t)) return t.slice(1, -1);
    if (!/^[a-z_][\w.-]*$/.test(t)) throw new Error(`unsupported operand ${t}`);
    return t
      .split(".")
      .reduce<unknown>((at, k) => (at as Record<string, unknown> | undefined)?.[k], context);
  };
  return expression.split("||").some((any) =>
    any.split("&&").every((term) => {
      const m = /^(.+?)(==|!=)(.+)$/.exec(term.trim());
      if (m === null) throw new Error(`unsupported term ${term}`);
      return m[2] === "==" ? operand(m[1]) === operand(m[3]) : operand(m[1]) !== operand(m[3]);
    }),
  );
}
const push = (ref: string) => ({
  github: { event_name: "push", ref, repository: "acme/platform-infra" },
});
const pullRequest = (from: string) => ({
  github: {
    event_name: "pull_request",
    ref: "refs/pull/7/merge",
    repository: "acme/platform-infra",
    event: { pull_request: { head: { repo: { full_name: from } } } },
  },
});

/** Runs a step's script with bash as the runner would, returning what it wrote to GITHUB_OUTPUT. */
function runStep(script: string, cwd: string, env: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "workflow-step-"));
  try {
    const output = join(dir, "output");
    execFileSync("bash", ["-e", "-c", script], {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, GITHUB_OUTPUT: output },
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
  it("runs on pull requests to main and on pushes to main", () => {
    expect(workflow.on).toEqual({
      pull_request: { branches: ["main"] },
      push: { branches: ["main"] },
    });
    expect(Object.keys(workflow.jobs)).toEqual(["checks", "plan", "deploy"]);
    expect(workflow.jobs.plan.needs).toBe("checks");
    expect(workflow.jobs.deploy.needs).toBe("checks");
  });

  it("checks with Node 20 and the npm cache: install, lint, Debian packages, tests, synth", () => {
    const checks = workflow.jobs.checks;
    expect(usesAction(checks, "actions/setup-node")[0].with).toMatchObject({
      "node-version": "20",
      cache: "npm",
    });
    const runs = checks.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    expect(at(/^npm ci$/)).toBe(0);
    const packages = at(/apt-get install -y .*\bnginx\b.*\bcloud-init\b/);
    expect(packages).toBeGreaterThan(0);
    expect(runs[packages]).toMatch(/^sudo apt-get update && /);
    // The gateway tests fail in CI without nginx and cloud-init.
    expect(packages).toBeLessThan(at(/^npm test$/));
    expect(at(/^npm run lint$/)).toBeGreaterThan(0);
    expect(at(/^npm run synth$/)).toBeGreaterThan(0);
  });
});

describe("CI workflow: commands", () => {
  const runs = jobs.flatMap(([, job]) =>
    job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])),
  );

  it("calls only npm scripts package.json defines", () => {
    const used = runs.flatMap((run) =>
      [...run.matchAll(/\bnpm\s+([\w:-]+)(?:\s+([\w:-]+))?/g)].map(([, command, arg]) => {
        if (command === "run" || command === "run-script") return arg;
        if (["test", "start", "stop", "restart"].includes(command)) return command;
        if (command === "ci") return undefined;
        throw new Error(`npm ${command} is neither a script nor an allowed npm command`);
      }),
    );
    const named = used.filter((s): s is string => s !== undefined);
    expect(new Set(named)).toEqual(new Set(["lint", "test", "synth"]));
    for (const script of named) expect(scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it("runs npx only on binaries installed from the lock file, never a download", () => {
    const bins = runs.flatMap((run) => [...run.matchAll(/\bnpx\s+([\w@/.-]+)/g)].map((m) => m[1]));
    expect(bins.length).toBeGreaterThan(0);
    for (const bin of bins)
      expect(existsSync(join(root, "node_modules/.bin", bin)), bin).toBe(true);
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
    expect(usesAction(workflow.jobs.checks, "aws-actions/configure-aws-credentials")).toEqual([]);
  });

  it("holds no long-lived AWS keys and no secrets at all", () => {
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|aws-session-token/i);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(text).not.toMatch(/\bsecrets\./);
  });

  it.each([
    ["plan", "PLAN_ROLE_ARN"],
    ["deploy", "DEPLOY_ROLE_ARN"],
  ])("%s assumes the %s role of each environment from repository variables", (name, role) => {
    const job = workflow.jobs[name];
    const [credentials] = usesAction(job, "aws-actions/configure-aws-credentials");
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars[matrix.role_variable] }}");
    // One matrix entry per configured environment (npm run new-env adds them).
    expect(job.strategy?.matrix.include.map((m) => [m.environment, m.role_variable])).toEqual(
      shippedEnvironments.map((e) => [e.name, `${e.name.toUpperCase()}_${role}`]),
    );
  });
});

describe("CI workflow: when plan and deploy run", () => {
  it("deploys only for pushes to main", () => {
    const condition = workflow.jobs.deploy.if ?? "";
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

  it("deploys dev, then prod behind the production environment, one apply per environment", () => {
    const deploy = workflow.jobs.deploy;
    expect(deploy.strategy).toMatchObject({ "max-parallel": 1, "fail-fast": true });
    // Each deploy job runs in the GitHub environment its deploy role trusts.
    expect(
      deploy.strategy?.matrix.include.map((m) => [m.environment, m.github_environment]),
    ).toEqual(shippedEnvironments.map((e) => [e.name, e.ci?.githubEnvironment ?? e.name]));
    expect(deploy.environment).toBe("${{ matrix.github_environment }}");
    expect(deploy.concurrency).toEqual({
      group: "infra-deploy-${{ matrix.environment }}",
      "cancel-in-progress": false,
    });
    expect(deploy.env?.PLATFORM_ENVIRONMENTS).toBe("${{ matrix.environment }}");
    expect(stepNamed(deploy, "Deploy in dependency order")).toMatch(
      /npx cdktf deploy \$STACKS --auto-approve/,
    );
    expect(stepNamed(workflow.jobs.plan, "Plan each stack")).toMatch(/npx cdktf diff "\$stack"/);
  });
});

describe("CI workflow: steps run for real", () => {
  it.each(["plan", "deploy"])(
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

  it.each(["plan", "deploy"])(
    "%s leaves the bootstrap stacks (and other hand-applied layers) out",
    (name) => {
      const job = workflow.jobs[name];
      const dir = mkdtempSync(join(tmpdir(), "workflow-stacks-"));
      try {
        for (const stack of [
          "platform-dev-bootstrap",
          "platform-dev-data",
          "platform-dev-network",
          "platform-dev-services",
        ]) {
          mkdirSync(join(dir, "cdktf.out", "stacks", stack), { recursive: true });
        }
        const outputs = runStep(stepNamed(job, "Select the stacks CI manages"), dir, workflow.env);
        expect(outputs.list).toBe("platform-dev-data platform-dev-network platform-dev-services");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
