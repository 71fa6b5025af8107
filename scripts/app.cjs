"use strict";
/*
 * `node scripts/app.cjs <entry.ts> [args]`: runs a TypeScript entry that exports `main()`
 * (main.ts for `cdktf synth`, scripts/synth.ts for `npm run synth`) from a precompiled V8
 * startup snapshot. Compiling the TypeScript and loading ~100 modules on every start cost more
 * than the synth itself; a snapshot starts with all of it already in memory.
 *
 * The build (esbuild bundle, then `node --build-snapshot`) lands in .build/ next to a stamp:
 * a hash of every source file esbuild read, the lock file (which pins node_modules), this
 * launcher, the Node binary and the repository path. The stamp is checked on every start and
 * everything rebuilt when any of it changed, so a fresh clone, a pull or an edit never runs
 * stale code. Type checking stays where it was: `npm test` runs `tsc -p .`; esbuild only
 * strips types.
 *
 * The snapshot is taken after one warm-up main() into a scratch directory: module-level code
 * must not read the environment, the clock or the command line (config is read inside main(),
 * on every run), and main() must not keep state between calls. .build/ sits one level below
 * the repository root, as the sources do, so `__dirname`-relative paths still hold.
 */
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { isAbsolute, join, relative, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");

/** Hash of the build inputs: a changed, added or deleted input changes it. */
function fingerprint(root, inputs) {
  const hash = createHash("sha256");
  // A snapshot only loads into the Node binary and V8 flags that built it.
  const node = [process.execPath, process.version, process.arch, process.env.NODE_OPTIONS, root];
  hash.update(`${node.join("\0")}\0`);
  hash.update(readFileSync(__filename));
  for (const input of inputs) {
    hash.update(`\0${input}\0`);
    try {
      hash.update(readFileSync(join(root, input)));
    } catch {
      hash.update("\0missing\0");
    }
  }
  return hash.digest("hex");
}

function readStamp(stampFile) {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return undefined;
  }
}

/** Renames into place, so a concurrent start never reads half a file. */
function moveIntoPlace(tmp, file) {
  renameSync(tmp, file);
}

/*
 * cdktf records a stack trace for every token it creates (~2,000 per synth), only to quote it
 * if that token later fails to resolve; formatting them is a tenth of the synth's CPU time.
 * The precompiled app leaves them out. For a token error's creation stack, run the entry
 * directly: `node --import tsx main.ts`.
 */
const noTokenStackTraces = {
  name: "no-token-stack-traces",
  setup(build) {
    build.onLoad({ filter: /cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      contents: "exports.captureStackTrace = () => [];",
      loader: "js",
    }));
  },
};

/**
 * An up-to-date snapshot of `entry` (a path relative to `root`), built first when the stamp is
 * missing or any input changed. Resolves to the blob's path and whether it was built.
 */
async function ensureSnapshot(entry, options = {}) {
  const root = options.root ?? ROOT;
  const outDir = options.outDir ?? join(root, ".build");
  const entryPath = resolve(root, entry);
  const name = relative(root, entryPath).replace(/\.ts$/, "").replace(/[\\/]/g, "-");
  const blob = join(outDir, `${name}.blob`);
  const stampFile = join(outDir, `${name}.stamp.json`);
  const stamp = readStamp(stampFile);
  if (stamp !== undefined && stamp.hash === fingerprint(root, stamp.inputs)) {
    return { blob, built: false };
  }

  // Loaded only to rebuild: an up-to-date start never pays for it.
  const esbuild = require("esbuild");
  mkdirSync(outDir, { recursive: true });
  const script = join(outDir, `${name}.snapshot.${process.pid}.js`);
  const tmpBlob = `${blob}.${process.pid}.tmp`;
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      stdin: {
        // The entry's argv as under `node <entry> [args]`.
        contents: [
          `import { main } from ${JSON.stringify(entryPath)};`,
          `import { startupSnapshot } from "node:v8";`,
          `import { mkdtempSync, rmSync } from "node:fs";`,
          `import { tmpdir } from "node:os";`,
          `import { join } from "node:path";`,
          // One throw-away synth while building compiles the code paths every synth takes,
          // so the snapshot starts warm. It writes only to a scratch directory; a failure
          // (e.g. a config being edited) only leaves the snapshot cold.
          `const scratch = mkdtempSync(join(tmpdir(), "app-warmup-"));`,
          `const saved = { argv: process.argv, log: console.log };`,
          `process.argv = [process.argv[0], ${JSON.stringify(entryPath)}, "--out", scratch];`,
          `process.env.CDKTF_OUTDIR = scratch;`,
          `delete process.env.PLATFORM_ENVIRONMENTS;`,
          `console.log = () => {};`,
          `try { main(); } catch {}`,
          `process.argv = saved.argv;`,
          // Node reads the environment afresh when the snapshot starts.
          `delete process.env.CDKTF_OUTDIR;`,
          `console.log = saved.log;`,
          `process.exitCode = undefined;`,
          `rmSync(scratch, { recursive: true, force: true });`,
          `startupSnapshot.setDeserializeMainFunction(() => {`,
          `  process.argv.splice(1, 0, ${JSON.stringify(entryPath)});`,
          `  main();`,
          `});`,
        ].join("\n"),
        resolveDir: root,
        sourcefile: `${name}.snapshot.ts`,
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      // A snapshot script has no `module`: entries keep `require.main === module` for tsx.
      banner: { js: "var module = {};" },
      plugins: [noTokenStackTraces],
      metafile: true,
      outfile: script,
      logLevel: "silent",
    });
    const built = spawnSync(
      process.execPath,
      ["--snapshot-blob", tmpBlob, "--build-snapshot", script],
      { cwd: root, encoding: "utf8" },
    );
    if (built.status !== 0) {
      throw new Error(`building the ${entry} snapshot failed:\n${built.stderr}`);
    }
    // node_modules is pinned by the lock file; hashing it on every start would cost more
    // than it could catch.
    const inputs = [
      ...Object.keys(result.metafile.inputs)
        .filter((p) => !p.includes("node_modules") && p !== `${name}.snapshot.ts`)
        .map((p) => (isAbsolute(p) ? relative(root, p) : p)),
      "package-lock.json",
    ].sort();
    moveIntoPlace(tmpBlob, blob);
    const tmpStamp = `${stampFile}.${process.pid}.tmp`;
    writeFileSync(tmpStamp, JSON.stringify({ hash: fingerprint(root, inputs), inputs }));
    moveIntoPlace(tmpStamp, stampFile);
    return { blob, built: true };
  } finally {
    rmSync(script, { force: true });
    rmSync(tmpBlob, { force: true });
  }
}

module.exports = { ensureSnapshot };

async function run(entry, args) {
  let blob;
  try {
    ({ blob } = await ensureSnapshot(entry));
  } catch {
    // A syntax or reference error in config/*.ts fails the bundle or the snapshot build, where
    // it would be reported against the bundle. Run the entry from source instead: run.cjs prints
    // the same error as one message with the config file's line and column first.
    const child = spawnSync(process.execPath, [join(__dirname, "run.cjs"), entry, ...args], {
      stdio: "inherit",
    });
    if (child.error !== undefined) throw child.error;
    process.exitCode = child.status ?? 1;
    return;
  }
  const child = spawnSync(process.execPath, ["--snapshot-blob", blob, "--", ...args], {
    stdio: "inherit",
  });
  if (child.error !== undefined) throw child.error;
  if (child.signal !== null) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
}

if (require.main === module) {
  const entry = process.argv[2];
  if (entry === undefined || !entry.endsWith(".ts")) {
    console.error("usage: node scripts/app.cjs <entry.ts> [args]");
    process.exit(2);
  }
  run(entry, process.argv.slice(3)).catch((error) => {
    // esbuild's and Node's own messages name the file, line and column.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
