import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RepoCopy } from "./helpers/repo-copy";

/*
 * Every way a user synthesizes (npm run synth, the cdktf.json app command, cdktf synth) prints
 * a config mistake as the same one message, with no stack trace, and leaves the previous
 * cdktf.out/ exactly as it was. Run against a copy of the repository with config/*.ts broken
 * the way a user breaks it.
 */
let repo: RepoCopy;
beforeAll(() => {
  repo = new RepoCopy();
});
afterEach(() => {
  repo.restore();
});
afterAll(() => {
  repo.remove();
});

const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) =>
      !k.startsWith("AWS_") &&
      !k.startsWith("npm_") &&
      !["PLATFORM_ENVIRONMENTS", "CDKTF_OUTDIR", "NODE_OPTIONS"].includes(k),
  ),
);

function sh(command: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, {
    cwd: repo.dir,
    shell: true,
    env: { ...cleanEnv, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A previous synth's output, so a test can see that a failure left it alone. */
function previousOutput(name: string): string {
  const out = join(repo.dir, name);
  mkdirSync(join(out, "stacks", "old"), { recursive: true });
  writeFileSync(join(out, "stacks", "old", "cdk.tf.json"), "{}");
  writeFileSync(join(out, "marker"), "previous synth");
  return out;
}

function untouched(out: string): void {
  expect(readdirSync(out).sort()).toEqual(["marker", "stacks"]);
  expect(readdirSync(join(out, "stacks"))).toEqual(["old"]);
  expect(readFileSync(join(out, "marker"), "utf8")).toBe("previous synth");
  expect(readdirSync(repo.dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
}

const appCommand = () =>
  (JSON.parse(readFileSync(join(repo.dir, "cdktf.json"), "utf8")) as { app: string }).app;
const synthCommand = () =>
  (
    JSON.parse(readFileSync(join(repo.dir, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts.synth;

const CONFIG_MESSAGE =
  "Invalid configuration: environments.dev.network.azCount: 9 is more AZs than ap-northeast-1 offers: it has 3 (ap-northeast-1a, ap-northeast-1c, ap-northeast-1d); a second subnet in one AZ would not add resilience and the load balancers refuse it";
const breakAzCount = () => {
  repo.edit("config/dev.ts", (t) => t.replace("azCount: 2,", "azCount: 9,"));
};
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe("a config error prints one message and leaves cdktf.out/ unchanged", () => {
  it("through npm run synth", () => {
    breakAzCount();
    const out = previousOutput("out-npm");
    const { code, stdout, stderr } = sh(`${synthCommand()} --out ${out}`);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${CONFIG_MESSAGE}\n`);
    untouched(out);
  });

  it("through the cdktf.json app command", () => {
    breakAzCount();
    const out = previousOutput("out-app");
    const { code, stdout, stderr } = sh(appCommand(), { CDKTF_OUTDIR: out });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${CONFIG_MESSAGE}\n`);
    untouched(out);
  });

  it("through cdktf synth", () => {
    breakAzCount();
    const out = previousOutput("cdktf.out");
    const { code, stdout, stderr } = sh("node_modules/.bin/cdktf synth", { CI: "1" });
    const all = `${stdout}\n${stderr}`;
    expect(code).not.toBe(0);
    // cdktf frames the app's stderr; inside it is the same message, once, with no stack.
    expect(all).toContain(CONFIG_MESSAGE);
    expect(all).not.toMatch(STACK_FRAME);
    untouched(out);
  }, 240_000);
});

describe("errors that happen before the entry's code runs", () => {
  it("prints a syntax error in config/*.ts as file:line:col and the problem", () => {
    repo.edit("config/dev.ts", (t) => t.replace("azCount: 2,", "azCount: 2,,"));
    const line =
      repo
        .read("config/dev.ts")
        .split("\n")
        .findIndex((l) => l.includes("azCount: 2,,")) + 1;
    const out = previousOutput("out-syntax");
    const { code, stderr } = sh(`${synthCommand()} --out ${out}`);
    expect(code).toBe(1);
    expect(stderr.split("\n")[0]).toBe(
      `config/dev.ts:${line}:15: Expected identifier but found ","`,
    );
    expect(stderr).not.toMatch(STACK_FRAME);
    untouched(out);
  });

  it("prints a reference error in config/*.ts with its place first", () => {
    repo.edit("config/prod.ts", (t) => t.replace("azCount: 3,", "azCount: three,"));
    const line =
      repo
        .read("config/prod.ts")
        .split("\n")
        .findIndex((l) => l.includes("azCount: three")) + 1;
    const out = previousOutput("out-reference");
    const { code, stderr } = sh(appCommand(), { CDKTF_OUTDIR: out });
    expect(code).toBe(1);
    expect(stderr).toBe(`config/prod.ts:${line}:14: ReferenceError: three is not defined\n`);
    untouched(out);
  });
});

describe("the npm run synth command line", () => {
  it.each([
    ["--env=dev", /^"--env=dev": give the value after a space: --env dev\nusage: npm run synth/],
    ["--envs dev", /^"--envs" is not an option of npm run synth; options: --env, --out\nusage:/],
    ["--env", /^--env needs a value, e.g\. --env dev\nusage:/],
    [
      "--env staging",
      /^Invalid configuration: --env: "staging" names no configured environment; known: /,
    ],
  ])("refuses %s and names the option", (args, message) => {
    const out = previousOutput("out-args");
    const { code, stderr } = sh(`${synthCommand()} --out ${out} ${args}`);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK_FRAME);
    untouched(out);
  });
});

describe("validation does not depend on the selection", () => {
  it("--env dev still refuses a mistake that only prod's constructs check", () => {
    repo.edit("config/prod.ts", (t) =>
      t.replace('repository: "example-org/platform-infra"', 'repository: "example-org"'),
    );
    const out = previousOutput("out-select");
    const { code, stderr } = sh(`${synthCommand()} --out ${out} --env dev`);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Invalid configuration: environments\.prod\.ci\.repository: "example-org" is not a GitHub repository/,
    );
    untouched(out);
  });

  it("--env dev still runs the cross-environment rules", () => {
    repo.edit("config/prod.ts", (t) =>
      t.replace(/bucket: "[^"]+"/, () => {
        const dev = /bucket: "([^"]+)"/.exec(repo.read("config/dev.ts"));
        return `bucket: "${dev?.[1] ?? ""}"`;
      }),
    );
    const out = previousOutput("out-cross");
    const { code, stderr } = sh(`${synthCommand()} --out ${out} --env dev`);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /environments\.prod\.state\.bucket: ".*" is already created by the bootstrap stack of environments\.dev/,
    );
    untouched(out);
  });

  it("--env dev still runs prod's policy checks", () => {
    repo.edit("config/prod.ts", (t) =>
      t.replace(
        "  production: true,",
        '  production: true,\n  policyExceptions: [{ rule: "ALB-HTTP-REDIRECT", resource: "platform-prod-services/alb/http", reason: "an exception that matches nothing" }],',
      ),
    );
    const out = previousOutput("out-policy");
    const { code, stderr } = sh(`${synthCommand()} --out ${out} --env dev`);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /\[platform-prod-services\] POLICY exception ALB-HTTP-REDIRECT for platform-prod-services\/alb\/http matches no violation/,
    );
    expect(stderr).not.toMatch(STACK_FRAME);
    untouched(out);
  });

  it("and a clean config still synthesizes through the app command", () => {
    const out = join(repo.dir, "out-clean");
    const { code, stderr } = sh(appCommand(), { CDKTF_OUTDIR: out, PLATFORM_ENVIRONMENTS: "dev" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  });
});
