import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig, selectEnvironments } from "../config";
import { preview, renderMarkdown, renderText, type StackDocument } from "./preview-diff";

/*
 * `npm run preview -- [--base <git ref> | --baseline <dir>] [--current <dir>]
 *   [--acknowledge <construct path>]... [--summary <file>] [--env dev,prod]`
 *
 * Synthesizes the working tree (or reads --current) and compares it with a baseline: the git
 * ref --base synthesized in a temporary worktree, a directory --baseline, or by default the
 * last synth in ./cdktf.out. Prints every stack's adds, changes, replacements and destroys and
 * exits 1 when a stateful resource would be destroyed or replaced without an acknowledgement
 * (config `acknowledgedReplacements`, or --acknowledge). Needs no credentials and no Terraform.
 * The markdown report goes to --summary, or to $GITHUB_STEP_SUMMARY in GitHub Actions.
 */

const root = resolve(__dirname, "..");

const USAGE =
  "usage: npm run preview -- [--base <git ref> | --baseline <dir>] [--current <dir>] [--acknowledge <construct path>]... [--summary <file>] [--env <name>[,<name>...]]";

/** A flag and its value, in command-line order. */
type PreviewArgs = readonly (readonly [flag: string, value: string])[];

const FLAGS = ["--base", "--baseline", "--current", "--acknowledge", "--summary", "--env"];

/**
 * Parses the command line. Anything but the flags above, each with a value, is refused: an
 * ignored option would preview something other than what was asked for.
 */
export function parsePreviewArgs(argv: readonly string[]): PreviewArgs {
  const parsed: [string, string][] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (!FLAGS.includes(flag)) {
      throw new Error(
        `${JSON.stringify(flag)} is not an option of npm run preview; options: ${FLAGS.join(", ")}\n${USAGE}`,
      );
    }
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value\n${USAGE}`);
    parsed.push([flag, argv[i + 1]]);
  }
  return parsed;
}

/** Every stack of a synthesized output directory, by stack id. */
export function readOutput(outdir: string): Record<string, StackDocument> {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks))
    throw new Error(`${outdir} holds no synthesized stacks (run npm run synth first)`);
  return Object.fromEntries(
    readdirSync(stacks)
      .filter((id) => existsSync(join(stacks, id, "cdk.tf.json")))
      .map((id) => [
        id,
        JSON.parse(readFileSync(join(stacks, id, "cdk.tf.json"), "utf8")) as StackDocument,
      ]),
  );
}

/** Synthesizes the project in `cwd` into `outdir` with that tree's own `npm run synth`. */
function synth(cwd: string, outdir: string): void {
  execFileSync("npm", ["run", "--silent", "synth", "--", "--out", outdir], {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Synthesizes `ref` in a temporary git worktree that shares this checkout's node_modules. */
function synthRef(ref: string, outdir: string): void {
  const tree = mkdtempSync(join(tmpdir(), "preview-base-"));
  execFileSync("git", ["worktree", "add", "--detach", "--force", tree, ref], {
    cwd: root,
    stdio: "ignore",
  });
  try {
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"), "dir");
    synth(tree, outdir);
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: root, stdio: "ignore" });
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * The command: 1 when a stateful resource would be destroyed or replaced unacknowledged, 2 when
 * it could not compare (a bad option, a failed synth, a missing output), else 0.
 */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  try {
    return previewCommand(parsePreviewArgs(argv));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
}

function previewCommand(parsed: PreviewArgs): number {
  const args = (name: string) => parsed.filter(([f]) => f === name).map(([, v]) => v);
  const arg = (name: string) => args(name).at(-1);
  const scratch = mkdtempSync(join(tmpdir(), "preview-"));
  try {
    const base = arg("--base");
    let baselineDir = arg("--baseline") ?? join(root, "cdktf.out");
    if (base !== undefined) {
      baselineDir = join(scratch, "base");
      synthRef(base, baselineDir);
    }
    let currentDir = arg("--current");
    if (currentDir === undefined) {
      currentDir = join(scratch, "current");
      synth(root, currentDir);
    }
    const config = loadConfig();
    const environments = selectEnvironments(
      config,
      arg("--env") ?? process.env.PLATFORM_ENVIRONMENTS,
      "--env",
    );
    const acknowledgements = [
      ...environments.flatMap((e) => e.acknowledgedReplacements.map((a) => a.resource)),
      ...args("--acknowledge"),
    ];
    const report = preview(readOutput(baselineDir), readOutput(currentDir), acknowledgements);
    console.log(renderText(report));
    const summary = arg("--summary");
    const markdown = renderMarkdown(report);
    if (summary !== undefined) writeFileSync(summary, markdown);
    else if (process.env.GITHUB_STEP_SUMMARY !== undefined)
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    return report.blocking.length > 0 ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main();
