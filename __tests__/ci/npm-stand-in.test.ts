import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type Ran } from "../helpers/spawn";
import { installNpmStandIn, npmRunCommand, onPath } from "../helpers/workflow-steps";

/*
 * The `npm` the workflow steps run (helpers/npm-stand-in.sh), held to the real npm: the same
 * run of a probe package's script, once through each, prints the same; what it does not run
 * itself reaches the npm it stands in for unchanged (a fake one here, which says what it got).
 */
const scratch = mkdtempSync(join(tmpdir(), "npm-stand-in-"));
const realNpm = onPath("npm");
if (realNpm === undefined) throw new Error("no npm on PATH");
const file = (path: string, text: string, mode = 0o644) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text, { mode });
};

const pkg = join(scratch, "pkg");
const below = join(pkg, "a", "b");
mkdirSync(below, { recursive: true });
/** The line `show` runs: arguments of its own, one needing JSON's escapes. */
const showLine = 'probe-show "lit eral" \u00e9';
file(
  join(pkg, "package.json"),
  JSON.stringify({
    name: "probe",
    version: "1.2.3",
    engines: { node: ">=20" },
    scripts: {
      show: showLine,
      fail: "echo failing >&2; exit",
      withpre: "true",
      prewithpre: "true",
      withpost: "true",
      postwithpost: "true",
      notastring: 1,
      empty: "",
    },
  }),
);
// What the script saw: its arguments, working directory, PATH (without npm's node-gyp entry,
// which the stand-in leaves out) and npm's variables; `line` is the step's own, kept. On stderr:
// whether npm itself ran it (the stand-in hands every run to npm when jq is missing).
file(
  join(pkg, "node_modules", ".bin", "probe-show"),
  `#!/bin/sh
for a; do printf '<%s>\\n' "$a"; done
printf 'cwd %s\\n' "$(pwd)"
printf '%s\\n' "$PATH" | tr : '\\n' | grep -v node-gyp-bin
env | grep -E '^(npm_lifecycle_|npm_package_|npm_command=|INIT_CWD=|line=)' | sort
[ -z "$npm_execpath" ] || echo "run by npm" >&2
`,
  0o755,
);
const noPackage = join(scratch, "modules-only", "x");
mkdirSync(join(noPackage, "..", "node_modules"), { recursive: true });
mkdirSync(noPackage);
const withNpmrc = join(scratch, "npmrc");
file(join(withNpmrc, "package.json"), JSON.stringify({ scripts: { show: "true" } }));
file(join(withNpmrc, ".npmrc"), "script-shell=/bin/bash\n");
// A config key sh cannot export: npm leaves it out of the environment, and so must the stand-in.
const oddKey = join(scratch, "odd-key");
file(
  join(oddKey, "package.json"),
  JSON.stringify({
    name: "odd",
    version: "1.0.0",
    config: { "\u00e9": 1, ok: 2 },
    scripts: { show: "echo npm_package_config_ok=$npm_package_config_ok" },
  }),
);
const broken = join(scratch, "broken");
file(join(broken, "package.json"), '{"scripts": {"show": "true"');

const standIn = installNpmStandIn(join(scratch, "stand-in"), realNpm);
// The npm the stand-in hands over to, in the delegation tests: says what it got. Its path
// needs quoting in the stand-in.
const fake = join(scratch, "it's a fake", "npm");
file(fake, `#!/bin/sh\nprintf 'real npm'; printf ' <%s>' "$@"; echo; exit 42\n`, 0o755);
// The fake has no version: it is given the real npm's, so the stand-in's own rules decide.
const toFake = installNpmStandIn(join(scratch, "to-fake"), fake, npmRunCommand(realNpm));
// An npm whose version says nothing of its npm_command gets every run.
const toUnknown = installNpmStandIn(join(scratch, "to-unknown"), fake);

const path = process.env.PATH ?? "/usr/bin:/bin";
const env = (first: string) => ({
  PATH: [first, path].join(delimiter),
  HOME: process.env.HOME ?? tmpdir(),
  line: "outer",
  npm_config_update_notifier: "false",
});
/** Arguments npm quotes for sh, each a different way. */
const args = [
  "a",
  "b c",
  "it's",
  "$x",
  "",
  '"q"',
  "'quoted'",
  "a\\b",
  "[x]",
  "t\tab",
  "--silent",
  "--",
  "x",
];
const expectedBanner = `\n> probe@1.2.3 show\n> ${showLine} ${args.join(" ")}\n\n`;

const runs: Record<string, Ran> = {};
const delegations: [string, string, string[]][] = [
  ["another command", below, ["--version"]],
  ["a lifecycle command", below, ["test"]],
  ["the script list", below, ["run"]],
  ["an argument without --", below, ["run", "show", "extra"]],
  ["an option after the script", below, ["run", "show", "-s"]],
  ["another option", below, ["run", "--if-present", "show"]],
  ["run-script", below, ["run-script", "show"]],
  ["a missing script", below, ["run", "-s", "nope"]],
  ["a script that is not a string", below, ["run", "-s", "notastring"]],
  ["a pre-script", below, ["run", "-s", "withpre"]],
  ["a post-script", below, ["run", "-s", "withpost"]],
  ["a package without package.json", noPackage, ["run", "-s", "show"]],
  ["a project .npmrc", withNpmrc, ["run", "-s", "show"]],
  ["a package.json that does not parse", broken, ["run", "-s", "show"]],
  ["an empty script (npm runs nothing)", below, ["run", "-s", "empty"]],
];

beforeAll(async () => {
  const started: Record<string, Promise<Ran>> = {
    real: run(realNpm, ["run", "show", "--", ...args], { cwd: below, env: env(standIn) }),
    standIn: run("npm", ["run", "show", "--", ...args], { cwd: below, env: env(standIn) }),
    silent: run("npm", ["run", "-s", "show", "--", ...args], { cwd: below, env: env(standIn) }),
    longSilent: run("npm", ["run", "--silent", "show"], { cwd: pkg, env: env(standIn) }),
    fails: run("npm", ["run", "-s", "fail", "--", "7"], { cwd: pkg, env: env(standIn) }),
    failsLoud: run("npm", ["run", "fail", "--", "7"], { cwd: pkg, env: env(standIn) }),
    succeeds: run("npm", ["run", "-s", "fail", "--", "0"], { cwd: pkg, env: env(standIn) }),
    oddReal: run(realNpm, ["run", "-s", "show"], { cwd: oddKey, env: env(standIn) }),
    oddStandIn: run("npm", ["run", "-s", "show"], { cwd: oddKey, env: env(standIn) }),
    unknown: run("npm", ["run", "-s", "show"], { cwd: below, env: env(toUnknown) }),
    ...Object.fromEntries(
      delegations.map(([name, cwd, argv]) => [name, run("npm", argv, { cwd, env: env(toFake) })]),
    ),
  };
  const names = Object.keys(started);
  const done = await Promise.all(Object.values(started));
  names.forEach((name, i) => (runs[name] = done[i]));
}, 60_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("the npm stand-in of the workflow steps", () => {
  it("runs a script as npm does: same output, arguments, directory, PATH and variables", () => {
    const { real, standIn: stood } = runs;
    expect(real).toEqual({ code: 0, stdout: real.stdout, stderr: "run by npm\n" });
    expect(stood.stderr, "the stand-in handed the run to npm: is jq installed?").toBe("");
    expect(stood).toEqual({ code: 0, stdout: real.stdout, stderr: "" });
    // What the probe printed, so that the equality above is about something.
    expect(real.stdout).toContain(
      [...["lit eral", "\u00e9", ...args].map((a) => `<${a}>`), `cwd ${pkg}`].join("\n"),
    );
    expect(real.stdout).toContain(`\n${join(pkg, "node_modules", ".bin")}\n`);
    expect(real.stdout).toContain(`\nnpm_lifecycle_script=${showLine}\n`);
    expect(real.stdout).toContain(`\nINIT_CWD=${below}\n`);
    expect(real.stdout).toContain("\nline=outer\n");
  });

  it("leaves out exactly npm's banner with -s or --silent", () => {
    expect(runs.real.stdout.startsWith(expectedBanner)).toBe(true);
    expect(runs.silent).toEqual({
      code: 0,
      stdout: runs.real.stdout.slice(expectedBanner.length),
      stderr: "",
    });
    expect(runs.longSilent.code).toBe(0);
    expect(runs.longSilent.stdout).toMatch(/^<lit eral>\n<\u00e9>\ncwd /);
  });

  it("exits with the script's exit code, and passes its stderr through", () => {
    expect(runs.fails).toEqual({ code: 7, stdout: "", stderr: "failing\n" });
    expect(runs.failsLoud).toEqual({
      code: 7,
      stdout: "\n> probe@1.2.3 fail\n> echo failing >&2; exit 7\n\n",
      stderr: "failing\n",
    });
    expect(runs.succeeds.code).toBe(0);
  });

  it("sets npm_command as the npm it stands in for does, by that npm's version", () => {
    expect(["run", "run-script"]).toContain(npmRunCommand(realNpm));
    expect(runs.real.stdout).toContain(`\nnpm_command=${npmRunCommand(realNpm)}\n`);
    expect(npmRunCommand(fake)).toBe("");
    expect(runs.unknown).toEqual({ code: 42, stdout: "real npm <run> <-s> <show>\n", stderr: "" });
  });

  it("runs a package whose config has a key sh cannot export, as npm does", () => {
    expect(runs.oddReal).toEqual({ code: 0, stdout: "npm_package_config_ok=2\n", stderr: "" });
    expect(runs.oddStandIn).toEqual(runs.oddReal);
  });

  it.each(delegations)("hands %s to the real npm, arguments unchanged", (name, _cwd, argv) => {
    expect(runs[name]).toEqual({
      code: 42,
      stdout: `real npm ${argv.map((a) => `<${a}>`).join(" ")}\n`,
      stderr: "",
    });
  });
});
