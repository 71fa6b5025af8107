import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { run, type Ran } from "./spawn";

/** What a workflow step's run left: exit code, stdout, stderr and the files the runner reads. */
export interface StepRun extends Ran {
  /** GITHUB_OUTPUT as written. */
  readonly output: string;
  /** GITHUB_OUTPUT's `key=value` lines. */
  readonly outputs: Record<string, string>;
  /** GITHUB_ENV as written. */
  readonly env: string;
  /** GITHUB_STEP_SUMMARY as written. */
  readonly summary: string;
}

/** The `key=value` lines of a GITHUB_OUTPUT text, as the runner reads them. */
export function parseOutputs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** A step's result after asserting that it succeeded (exit code 0; its stderr as the message). */
export function succeeded(step: () => StepRun): StepRun {
  const ran = step();
  expect(ran.code, ran.stderr).toBe(0);
  return ran;
}

/** The first executable `name` on `path`, as a shell finds it; undefined when there is none. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  return path
    .split(delimiter)
    .filter((d) => d !== "")
    .map((d) => resolve(d, name))
    .find((f) => {
      try {
        accessSync(f, constants.X_OK);
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
}

/**
 * What `npm` at `npmPath` sets npm_command to for `npm run`: "run-script" before npm 11, "run"
 * since; "" when the path does not lead to an npm package whose version says which.
 */
export function npmRunCommand(npmPath: string): string {
  try {
    // bin/npm (a link to bin/npm-cli.js) sits one level below npm's package.json.
    const manifest = JSON.parse(
      readFileSync(join(dirname(dirname(realpathSync(npmPath))), "package.json"), "utf8"),
    ) as { name?: unknown; version?: unknown };
    const major = Number(/^(\d+)\./.exec(String(manifest.version))?.[1]);
    if (manifest.name !== "npm" || !Number.isInteger(major)) return "";
    return major < 11 ? "run-script" : "run";
  } catch {
    return "";
  }
}

/**
 * Writes helpers/npm-stand-in.sh into `dir` as an executable `npm` that hands what it does
 * not run itself to `realNpm` and sets npm_command to `command` for the runs it does (none
 * when it is ""); returns `dir`, to put first on a PATH.
 */
export function installNpmStandIn(
  dir: string,
  realNpm: string,
  command = npmRunCommand(realNpm),
): string {
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  let text = readFileSync(join(__dirname, "npm-stand-in.sh"), "utf8");
  const values = {
    "@REAL_NPM@": quote(realNpm),
    "@NPM_COMMAND@": quote(command),
  };
  for (const [placeholder, value] of Object.entries(values)) {
    if (!text.includes(placeholder)) throw new Error(`npm-stand-in.sh has no ${placeholder}`);
    // A function: a replacement string would read `$&` and the like in the path.
    text = text.replace(placeholder, () => value);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "npm"), text, { mode: 0o755 });
  return dir;
}

/**
 * `path` with the npm stand-in (installNpmStandIn, in `dir`) first, standing in for the npm
 * that `path` finds.
 */
export function pathWithNpmStandIn(dir: string, path: string): string {
  const realNpm = onPath("npm", path);
  if (realNpm === undefined) throw new Error("no npm on PATH");
  return [installNpmStandIn(dir, realNpm), path].join(delimiter);
}

/**
 * Runs a workflow file's shell steps for real, with bash as the runner would. A test file
 * queues each run while its tests are collected (`queue`), every run starts in one beforeAll,
 * independent runs together, and the tests inspect what each left; each run and each `dir()`
 * gets its own directory in the file's scratch space, removed after the file.
 *
 * `npm` on the steps' PATH is helpers/npm-stand-in.sh: a step's `npm run -s <script>` runs the
 * script's line as npm would, without npm's own start-up (about two thirds of such a step's
 * CPU, the rest being the script itself); every other npm command goes to the real npm.
 * The steps still run for real, with bash, and so do the scripts they call; the stand-in is
 * held to npm's behaviour by __tests__/ci/npm-stand-in.test.ts.
 */
export function workflowSteps(name: string): {
  queue: (script: string, cwd: string, env: Record<string, string>) => () => StepRun;
  dir: () => string;
} {
  const scratch = mkdtempSync(join(tmpdir(), `${name}-`));
  const stepPath = pathWithNpmStandIn(join(scratch, "bin"), process.env.PATH ?? "/usr/bin:/bin");
  let dirs = 0;
  const dir = () => {
    const made = join(scratch, String(dirs++));
    mkdirSync(made);
    return made;
  };
  const queued: { readonly start: () => Promise<void>; readonly npm: boolean }[] = [];
  beforeAll(async () => {
    // On a fresh clone the precompiled app (scripts/app.cjs) is not built yet: the first npm
    // run builds it alone, so the others start from it instead of waiting on its build lock.
    const [first, ...rest] = queued.filter((q) => q.npm);
    await Promise.all(queued.filter((q) => q === first || !q.npm).map((q) => q.start()));
    await Promise.all(rest.map((q) => q.start()));
  }, 240_000);
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  const queue = (script: string, cwd: string, env: Record<string, string>) => {
    let result: StepRun | undefined;
    const start = async () => {
      const runDir = dir();
      const files = {
        GITHUB_OUTPUT: join(runDir, "output"),
        GITHUB_ENV: join(runDir, "env"),
        GITHUB_STEP_SUMMARY: join(runDir, "summary"),
      };
      const ran = await run("bash", ["-e", "-c", script], {
        cwd,
        env: {
          PATH: stepPath,
          HOME: process.env.HOME ?? tmpdir(),
          ...env,
          ...files,
        },
      });
      const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
      const output = read(files.GITHUB_OUTPUT);
      result = {
        ...ran,
        output,
        outputs: parseOutputs(output),
        env: read(files.GITHUB_ENV),
        summary: read(files.GITHUB_STEP_SUMMARY),
      };
    };
    queued.push({ start, npm: /\bnpm run\b/.test(script) });
    return () => {
      if (result === undefined) throw new Error("step not run: queue it outside the test");
      return result;
    };
  };
  return { queue, dir };
}
