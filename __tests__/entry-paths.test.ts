import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformInput } from "../config";
import { describeError } from "../lib/error-report";
import type { withEnv } from "./helpers/config";
import { RepoCopy } from "./helpers/repo-copy";
import { run, type Ran } from "./helpers/spawn";
import { pathWithNpmStandIn } from "./helpers/workflow-steps";

/*
 * Every way a user synthesizes (npm run synth, the cdktf.json app command, cdktf synth) prints
 * a config mistake as the same one message, with no stack trace, and leaves the previous
 * cdktf.out/ exactly as it was. Run against copies of the repository with config/*.ts broken
 * the way a user breaks it: one copy per mistake, so the runs are independent and start
 * together (beforeAll); the tests inspect what each left behind. What does not depend on how
 * the process starts (the command line's options, validation of unselected environments)
 * runs in this process, through the same function npm run synth calls (synthFromArgs). The
 * control, the app command on the unedited configuration, is synth-script.test.ts's run of it.
 */
const copies: RepoCopy[] = [];
const scratch = mkdtempSync(join(tmpdir(), "entry-paths-"));
afterAll(() => {
  for (const copy of copies) copy.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh copy of the repository with `edit` applied. */
function copyWith(edit: (repo: RepoCopy) => void = () => undefined): RepoCopy {
  const repo = new RepoCopy();
  copies.push(repo);
  edit(repo);
  return repo;
}

const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) =>
      !k.startsWith("AWS_") &&
      !k.startsWith("npm_") &&
      !["PLATFORM_ENVIRONMENTS", "CDKTF_OUTDIR", "NODE_OPTIONS"].includes(k),
  ),
);

function sh(repo: RepoCopy, command: string, env: Record<string, string> = {}): Promise<Ran> {
  return run(command, [], {
    cwd: repo.dir,
    shell: true,
    env: { ...cleanEnv, CHECKPOINT_DISABLE: "1", ...env },
  });
}

/** A previous synth's output in `dir`, so a test can see that a failure left it alone. */
function previousOutput(dir: string, name: string): string {
  const out = join(dir, name);
  mkdirSync(join(out, "stacks", "old"), { recursive: true });
  writeFileSync(join(out, "stacks", "old", "cdk.tf.json"), "{}");
  writeFileSync(join(out, "marker"), "previous synth");
  return out;
}

function untouched(dir: string, out: string): void {
  expect(readdirSync(out).sort()).toEqual(["marker", "stacks"]);
  expect(readdirSync(join(out, "stacks"))).toEqual(["old"]);
  expect(readFileSync(join(out, "marker"), "utf8")).toBe("previous synth");
  expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
}

/**
 * `npm run synth <args>` in this process over `input` with a previous output: the message the
 * command would print (describeError, as its main() prints it) and that output's directory.
 */
function synthInProcess(
  name: string,
  args: string[],
  input?: PlatformInput,
): { message: string; out: string } {
  const out = previousOutput(scratch, name);
  try {
    app.synth.synthFromArgs(["--out", out, ...args], input);
  } catch (error) {
    return { message: describeError(error), out };
  }
  throw new Error(`npm run synth ${args.join(" ")} succeeded`);
}

const appCommand = (repo: RepoCopy) => (JSON.parse(repo.read("cdktf.json")) as { app: string }).app;

/*
 * `npm` on npm run synth's PATH is the stand-in (helpers/npm-stand-in.sh): the copy's script
 * line runs as npm runs it, without npm's own start-up.
 */
const npmPath = pathWithNpmStandIn(join(scratch, "bin"), cleanEnv.PATH ?? "");

const CONFIG_MESSAGE =
  "Invalid configuration: environments.dev.network.azCount: 9 is more AZs than ap-northeast-1 offers: it has 3 (ap-northeast-1a, ap-northeast-1c, ap-northeast-1d); a second subnet in one AZ would not add resilience and the load balancers refuse it";
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** The line of `file` in `repo` that contains `text`, 1-based. */
const lineOf = (repo: RepoCopy, file: string, text: string) =>
  repo
    .read(file)
    .split("\n")
    .findIndex((l) => l.includes(text)) + 1;

const ARGS: [string, RegExp][] = [
  ["--env=dev", /^"--env=dev": give the value after a space: --env dev\nusage: npm run synth/],
  ["--envs dev", /^"--envs" is not an option of npm run synth; options: --env, --out\nusage:/],
  ["--env", /^--env needs a value, e.g\. --env dev\nusage:/],
  [
    "--env nosuchenv",
    /^Invalid configuration: --env: "nosuchenv" names no configured environment; known: /,
  ],
];

interface Outcome {
  readonly repo: RepoCopy;
  readonly out: string;
  readonly ran: Ran;
}
let viaNpm: Outcome, viaApp: Outcome, viaCdktf: Outcome;
let syntax: Outcome, reference: Outcome;
/*
 * The app's modules, for the in-process tests: imported while the processes run, not with
 * this file, so those start at once (when this file is first in its worker, the import
 * waits on Vite's transforms for seconds).
 */
let app: {
  readonly synth: typeof import("../scripts/synth");
  readonly config: typeof import("./helpers/config");
};

/** Runs `command` in `repo` with a previous output at `name`. */
async function outcome(
  repo: RepoCopy,
  name: string,
  command: (out: string) => [string, Record<string, string>?],
): Promise<Outcome> {
  const out = previousOutput(repo.dir, name);
  const [line, env] = command(out);
  return { repo, out, ran: await sh(repo, line, env) };
}

beforeAll(async () => {
  const azCount = copyWith((r) => {
    r.edit("config/dev.ts", (t) => t.replace("azCount: 2,", "azCount: 9,"));
  });
  const withSyntaxError = copyWith((r) => {
    r.edit("config/dev.ts", (t) => t.replace("azCount: 2,", "azCount: 2,,"));
  });
  const withReferenceError = copyWith((r) => {
    r.edit("config/prod.ts", (t) => t.replace("azCount: 3,", "azCount: three,"));
  });
  const npmSynth = (repo: RepoCopy, name: string) =>
    outcome(repo, name, (out) => [`npm run -s synth -- --out ${out}`, { PATH: npmPath }]);
  const appRun = (repo: RepoCopy, name: string) =>
    outcome(repo, name, (out) => [appCommand(repo), { CDKTF_OUTDIR: out }]);
  const cdktfSynth = () =>
    outcome(azCount, "cdktf.out", () => ["node_modules/.bin/cdktf synth", { CI: "1" }]);
  /*
   * Copies and entries are independent, so everything overlaps; within one copy, the first
   * start builds the precompiled app for the edited config (one snapshot for every entry)
   * and the others wait for that build (scripts/app.cjs).
   */
  // One await for both, so a failed import fails this hook and nothing else.
  const [ran, [synth, config]] = await Promise.all([
    Promise.all([
      npmSynth(azCount, "out-npm"),
      appRun(azCount, "out-app"),
      cdktfSynth(),
      npmSynth(withSyntaxError, "out-syntax"),
      appRun(withReferenceError, "out-reference"),
    ]),
    Promise.all([import("../scripts/synth"), import("./helpers/config")]),
  ]);
  [viaNpm, viaApp, viaCdktf, syntax, reference] = ran;
  app = { synth, config };
}, 300_000);

describe("a config error prints one message and leaves cdktf.out/ unchanged", () => {
  it("through npm run synth", () => {
    const { code, stdout, stderr } = viaNpm.ran;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${CONFIG_MESSAGE}\n`);
    untouched(viaNpm.repo.dir, viaNpm.out);
  });

  it("through the cdktf.json app command", () => {
    const { code, stdout, stderr } = viaApp.ran;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${CONFIG_MESSAGE}\n`);
    untouched(viaApp.repo.dir, viaApp.out);
  });

  it("through cdktf synth", () => {
    const { code, stdout, stderr } = viaCdktf.ran;
    const all = `${stdout}\n${stderr}`;
    expect(code).not.toBe(0);
    // cdktf frames the app's stderr; inside it is the same message, once, with no stack.
    expect(all).toContain(CONFIG_MESSAGE);
    expect(all).not.toMatch(STACK_FRAME);
    untouched(viaCdktf.repo.dir, viaCdktf.out);
  });
});

describe("errors that happen before the entry's code runs", () => {
  it("prints a syntax error in config/*.ts as file:line:col and the problem", () => {
    const { code, stderr } = syntax.ran;
    const line = lineOf(syntax.repo, "config/dev.ts", "azCount: 2,,");
    expect(code).toBe(1);
    expect(stderr).toBe(
      `config/dev.ts:${line}:15: Expected identifier but found ","\n(the file could not be compiled)\n`,
    );
    untouched(syntax.repo.dir, syntax.out);
  });

  it("prints a reference error in config/*.ts with its place first", () => {
    const { code, stderr } = reference.ran;
    const line = lineOf(reference.repo, "config/prod.ts", "azCount: three");
    expect(code).toBe(1);
    expect(stderr).toBe(`config/prod.ts:${line}:14: ReferenceError: three is not defined\n`);
    untouched(reference.repo.dir, reference.out);
  });
});

describe("the npm run synth command line", () => {
  it.each(ARGS)("refuses %s and names the option", (extra, message) => {
    const { message: printed, out } = synthInProcess(`out-args${extra}`, extra.split(" "));
    expect(printed).toMatch(message);
    expect(printed).not.toMatch(STACK_FRAME);
    untouched(scratch, out);
  });
});

describe("validation does not depend on the selection", () => {
  const prod = (edit: Parameters<typeof withEnv>[1]) => app.config.withEnv("prod", edit);

  it("--env dev still refuses a mistake that only prod's constructs check", () => {
    const input = prod((e) => {
      if (e.ci !== undefined) e.ci = { ...e.ci, repository: "example-org" };
    });
    const { message, out } = synthInProcess("out-select", ["--env", "dev"], input);
    expect(message).toMatch(
      /^Invalid configuration: environments\.prod\.ci\.repository: "example-org" is not a GitHub repository/,
    );
    untouched(scratch, out);
  });

  it("--env dev still runs the cross-environment rules", () => {
    const input = prod((e) => {
      const dev = app.config.shippedInput().environments.dev.state;
      if (e.state.backend === "s3" && dev.backend === "s3")
        e.state = { ...e.state, bucket: dev.bucket };
    });
    const { message, out } = synthInProcess("out-cross", ["--env", "dev"], input);
    expect(message).toMatch(
      /environments\.prod\.state\.bucket: ".*" is already created by the bootstrap stack of environments\.dev/,
    );
    untouched(scratch, out);
  });

  it("--env dev still runs prod's policy checks", () => {
    const input = prod((e) => {
      e.policyExceptions = [
        ...(e.policyExceptions ?? []),
        {
          rule: "ALB-HTTP-REDIRECT",
          resource: "platform-prod-services/alb/http",
          reason: "an exception that matches nothing",
        },
      ];
    });
    const { message, out } = synthInProcess("out-policy", ["--env", "dev"], input);
    expect(message).toMatch(
      /\[platform-prod-services\] POLICY exception ALB-HTTP-REDIRECT for platform-prod-services\/alb\/http matches no violation/,
    );
    expect(message).not.toMatch(STACK_FRAME);
    untouched(scratch, out);
  });
});
