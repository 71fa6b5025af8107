"use strict";
/*
 * `node scripts/app.cjs <entry.ts> [args]`: runs a TypeScript entry that exports `main()`
 * (main.ts for `cdktf synth`, scripts/synth.ts for `npm run synth`, ...) from a precompiled V8
 * startup snapshot. Compiling the TypeScript and loading ~100 modules on every start cost more
 * than the synth itself; a snapshot starts with all of it already in memory.
 *
 * One snapshot holds every entry package.json's scripts and cdktf.json's app command start
 * through this launcher, and its main dispatches on the entry's path: a checkout builds it
 * once, not once per command. An entry named nowhere gets a snapshot of its own.
 *
 * The build (esbuild bundle, then `node --build-snapshot`) lands in .build/ next to a stamp
 * (the packages' part of the bundle is cached apart, per install: see VENDOR_GLOBAL):
 * a hash of every source file esbuild read, the lock file and npm's record of the install
 * (which pin node_modules), package.json and cdktf.json (which name the entries), this
 * launcher, the Node binary and the repository path. The stamp is checked on every start and
 * everything rebuilt when any of it changed, so a fresh clone, a pull or an edit never runs
 * stale code. Starts that find a build under way wait for it instead of building the same
 * thing again. Type checking stays where it was: `npm test` runs `tsc -p .`; esbuild only
 * strips types.
 *
 * An entry's main() gets the command's arguments (`process.argv.slice(2)` under
 * `node <entry> [args]`, which it may read instead) and may return the exit code or a promise
 * of it. The snapshot is taken after one warm-up main() of the first entry (in package.json's
 * order: npm run synth's) into a scratch directory: module-level code must not read the
 * environment, the clock or the command line (config is read inside main(), on every run),
 * and main() must not keep state between calls. Only the first entry warms up: an entry that
 * starts this launcher itself (preview runs npm run synth) would wait for its own build. The warm-up costs about one synth per build
 * and saves ~0.1-0.2 s of CPU on every run; without it a synth missed npm run bench's target by
 * more. .build/ sits one level below the repository root, as the sources do, so
 * `__dirname`-relative paths still hold.
 */
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} = require("node:fs");
const { dirname, isAbsolute, join, relative, resolve } = require("node:path");
const { setTimeout: sleep } = require("node:timers/promises");

const ROOT = resolve(__dirname, "..");
/** The files that name the entries this launcher serves. */
const DECLARING = ["package.json", "cdktf.json"];
/** Name of the snapshot shared by the declared entries. */
const SHARED = "entries";

/*
 * A snapshot loads only under the V8 flags that built it, and cdktf starts the app with
 * NODE_OPTIONS=--max-old-space-size=4096 (unless NODE_OPTIONS is set): room for ts-node to
 * compile large generated providers in memory. The precompiled app compiles nothing and needs
 * ~150 MB, so it builds and runs without that flag: `cdktf synth` and `npm run synth` then
 * share one snapshot instead of rebuilding it for each other. Other NODE_OPTIONS (e.g.
 * npm run bench's probe) get snapshots of their own, so they do not rebuild it either.
 */
const CDKTF_HEAP = "--max-old-space-size=4096";

/** The environment of every build and run: NODE_OPTIONS without cdktf's heap limit. */
function nodeEnv() {
  const options = optionsKey();
  const env = { ...process.env, NODE_OPTIONS: options };
  if (options === "") delete env.NODE_OPTIONS;
  return env;
}

/** NODE_OPTIONS as far as they make a different snapshot. */
function optionsKey() {
  return (process.env.NODE_OPTIONS ?? "")
    .split(/\s+/)
    .filter((o) => o !== "" && o !== CDKTF_HEAP)
    .join(" ");
}

/** `base`, qualified by the NODE_OPTIONS it is built under. */
function variant(base) {
  const key = optionsKey();
  return key === ""
    ? base
    : `${base}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

/** Hash of the build inputs: a changed, added or deleted input changes it. */
function fingerprint(root, inputs) {
  const hash = createHash("sha256");
  // A snapshot only loads into the Node binary and V8 flags that built it.
  const node = [process.execPath, process.version, process.arch, optionsKey(), root];
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

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The entries (root-relative, `/`-separated) that package.json and cdktf.json run through here. */
function declaredEntries(root) {
  const lines = [
    ...Object.values(readJson(join(root, "package.json"))?.scripts ?? {}),
    readJson(join(root, "cdktf.json"))?.app,
  ];
  const entries = [];
  for (const line of lines) {
    if (typeof line !== "string") continue;
    for (const m of line.matchAll(/(?:^|[\s/])app\.cjs\s+(\S+\.ts)(?=\s|$)/g)) {
      entries.push(relative(root, resolve(root, m[1])).replace(/\\/g, "/"));
    }
  }
  return [...new Set(entries)];
}

/** The stamp of a snapshot, if it is current. */
function currentStamp(root, stampFile) {
  const stamp = readJson(stampFile);
  const valid =
    Array.isArray(stamp?.inputs) &&
    Array.isArray(stamp.entries) &&
    stamp.hash === fingerprint(root, stamp.inputs);
  return valid ? stamp : undefined;
}

/**
 * Runs `build` holding `lockFile`. A start that finds the lock held by a live process waits
 * for it to go, then runs `ready` (has the holder built what we need?) and `build` only if
 * that found nothing. A lock left by a dead process, or older than a build ever takes, is
 * taken over.
 */
async function withBuildLock(lockFile, ready, build) {
  for (;;) {
    let fd;
    try {
      fd = openSync(lockFile, "wx");
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (!lockHolderAlive(lockFile)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      await sleep(50);
      const done = ready();
      if (done !== undefined) return done;
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return ready() ?? (await build());
    } finally {
      rmSync(lockFile, { force: true });
    }
  }
}

function lockHolderAlive(lockFile) {
  let pid;
  try {
    if (Date.now() - statSync(lockFile).mtimeMs > 300_000) return false;
    pid = Number(readFileSync(lockFile, "utf8"));
  } catch {
    // Gone, or not written yet: let the next round decide.
    return true;
  }
  // Not written yet (the holder opens the file, then writes its pid).
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
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
 * The snapshot script: every entry bundled, one warm-up run of the first, and a main that
 * dispatches on the entry path.
 */
function snapshotSource(entryPaths) {
  const warm = JSON.stringify(entryPaths[0]);
  return [
    ...entryPaths.map((p, i) => `import * as entry${i} from ${JSON.stringify(p)};`),
    `import { startupSnapshot } from "node:v8";`,
    `import { mkdtempSync, rmSync } from "node:fs";`,
    `import { tmpdir } from "node:os";`,
    `import { join } from "node:path";`,
    `import { runMain } from ${JSON.stringify(join(__dirname, "run-main.cjs"))};`,
    `const entries = new Map([${entryPaths.map((p, i) => `[${JSON.stringify(p)}, entry${i}]`).join(", ")}]);`,
    // One throw-away run while building (npm run synth's: a synth) compiles the code paths
    // every synth takes, so the snapshot starts warm. It writes only to a scratch directory; a
    // failure (e.g. a config being edited) only leaves the snapshot cold.
    `const scratch = mkdtempSync(join(tmpdir(), "app-warmup-"));`,
    `const saved = { argv: process.argv, log: console.log };`,
    `process.argv = [process.argv[0], ${warm}, "--out", scratch];`,
    `process.env.CDKTF_OUTDIR = scratch;`,
    `delete process.env.PLATFORM_ENVIRONMENTS;`,
    `console.log = () => {};`,
    `try { Promise.resolve(entries.get(${warm}).main(process.argv.slice(2))).catch(() => {}); } catch {}`,
    `process.argv = saved.argv;`,
    // Node reads the environment afresh when the snapshot starts.
    `delete process.env.CDKTF_OUTDIR;`,
    `console.log = saved.log;`,
    `process.exitCode = undefined;`,
    `rmSync(scratch, { recursive: true, force: true });`,
    // Started as `node --snapshot-blob <blob> -- <entry path> [args]`: the entry's argv as
    // under `node <entry> [args]`.
    `startupSnapshot.setDeserializeMainFunction(() => {`,
    `  const entry = entries.get(process.argv[1]);`,
    `  if (entry === undefined) {`,
    `    console.error(\`this snapshot runs \${[...entries.keys()].join(", ")}; not \${process.argv[1]}\`);`,
    `    process.exitCode = 2;`,
    `    return;`,
    `  }`,
    `  runMain(entry.main, process.argv.slice(2));`,
    `});`,
  ].join("\n");
}

/** The global through which the app's bundle reaches the packages the vendor script loaded. */
const VENDOR_GLOBAL = "__platformAppPackages";

/*
 * The app's own modules change with every config edit; its packages (cdktf, ~110 provider
 * modules, zod: ~20 MB of JavaScript that esbuild parses in ~0.8 s of CPU) change only with
 * an install. So a build bundles them apart: the app's bundle leaves every import of an
 * installed package to a vendor script, which is bundled once per install and kept
 * under node_modules/.cache/ (a checkout's copies that share its node_modules share it too).
 * The snapshot script is the vendor script, then the app's bundle.
 */

/** What says which packages are installed: the lock file and npm's record of the install. */
const INSTALL_RECORDS = ["package-lock.json", "node_modules/.package-lock.json"];

/**
 * Leaves each import of an installed package (`name` or `@scope/name`, and paths inside it:
 * found in `root`'s node_modules, so a path alias or a package.json "imports" entry naming
 * the repository's own files stays in the app's bundle and its stamp) to the vendor script,
 * which requires it from `root` (esbuild's resolution under the require conditions, as tsx
 * loads it); adds the specifier to `packages`.
 */
function packagesToVendor(root, packages) {
  const { isBuiltin } = require("node:module");
  // tsconfig's `paths` and `baseUrl` can map a bare specifier to the repository's own files,
  // before node_modules; with either one, nothing is vendored (one bundle, as before).
  let tsconfig = "";
  try {
    tsconfig = readFileSync(join(root, "tsconfig.json"), "utf8");
  } catch {
    // No tsconfig: no aliases.
  }
  const aliases = /"(paths|baseUrl)"\s*:/.test(tsconfig);
  const installed = new Map();
  const isInstalled = (spec) => {
    const parts = spec.split("/");
    const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
    if (!installed.has(name)) {
      installed.set(name, existsSync(join(root, "node_modules", name, "package.json")));
    }
    return installed.get(name);
  };
  return {
    name: "packages-to-vendor",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        // A package's own imports (one bundled from elsewhere) resolve from where it lives.
        const fromPackage = /[\\/]node_modules[\\/]/.test(args.importer);
        if (aliases || fromPackage || isBuiltin(args.path) || isAbsolute(args.path)) {
          return undefined;
        }
        if (!isInstalled(args.path)) return undefined;
        packages.add(args.path);
        return { path: args.path, namespace: "vendor" };
      });
      build.onLoad({ filter: /.*/, namespace: "vendor" }, (args) => ({
        contents: `module.exports = globalThis[${JSON.stringify(VENDOR_GLOBAL)}][${JSON.stringify(args.path)}];`,
        loader: "js",
      }));
    },
  };
}

/** Vendor scripts kept: a checkout, its copies and other entries may need different sets. */
const VENDOR_KEPT = 3;

/**
 * The vendor script that loads `packages` (specifiers, sorted) into VENDOR_GLOBAL: from
 * the cache when this install, launcher and esbuild already bundled the same files, else
 * bundled and cached.
 */
async function vendorScript(esbuild, root, packages) {
  if (packages.length === 0) return "";
  const hash = createHash("sha256");
  hash.update(`${esbuild.version}\0${packages.join("\0")}\0`);
  hash.update(readFileSync(__filename));
  for (const record of INSTALL_RECORDS) {
    try {
      hash.update(readFileSync(join(root, record)));
    } catch {
      hash.update(`\0no ${record}\0`);
    }
  }
  const cache = join(root, "node_modules", ".cache", "platform-app");
  const name = `vendor-${hash.digest("hex").slice(0, 16)}.js`;
  try {
    return readFileSync(join(cache, name), "utf8");
  } catch {
    // Not bundled yet for these packages.
  }
  const loads = packages.map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`);
  const result = await esbuild.build({
    absWorkingDir: root,
    stdin: {
      contents: `globalThis[${JSON.stringify(VENDOR_GLOBAL)}] = { ${loads.join(", ")} };`,
      resolveDir: root,
      sourcefile: "vendor.js",
      loader: "js",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    // A function scope of its own: no top-level name meets one of the app's bundle.
    format: "iife",
    plugins: [noTokenStackTraces],
    minifyWhitespace: true,
    write: false,
    logLevel: "silent",
  });
  const text = result.outputFiles[0].text;
  const tmp = join(cache, `${name}.${process.pid}.tmp`);
  try {
    mkdirSync(cache, { recursive: true });
    writeFileSync(tmp, text);
    moveIntoPlace(tmp, join(cache, name));
    pruneVendorCache(cache);
  } catch {
    // A read-only node_modules: the next build bundles the packages again.
  } finally {
    rmSync(tmp, { force: true });
  }
  return text;
}

/** Keeps the VENDOR_KEPT newest vendor scripts; drops temporary files a killed build left. */
function pruneVendorCache(cache) {
  const files = readdirSync(cache).map((f) => ({ f, mtime: statSync(join(cache, f)).mtimeMs }));
  const vendors = files
    .filter(({ f }) => /^vendor-[0-9a-f]{16}\.js$/.test(f))
    .sort((a, b) => b.mtime - a.mtime);
  const abandoned = files.filter(
    ({ f, mtime }) => f.endsWith(".tmp") && Date.now() - mtime > 3_600_000,
  );
  for (const { f } of [...vendors.slice(VENDOR_KEPT), ...abandoned]) {
    rmSync(join(cache, f), { force: true });
  }
}

/** Bundles and snapshots `entries` (root-relative) into `blob`; the inputs it read. */
async function build(root, name, entries, blob) {
  // Loaded only to rebuild: an up-to-date start never pays for it.
  const esbuild = require("esbuild");
  const script = join(dirname(blob), `${name}.snapshot.${process.pid}.js`);
  const tmpBlob = `${blob}.${process.pid}.tmp`;
  try {
    const packages = new Set();
    const result = await esbuild.build({
      absWorkingDir: root,
      stdin: {
        contents: snapshotSource(entries.map((e) => resolve(root, e))),
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
      plugins: [noTokenStackTraces, packagesToVendor(root, packages)],
      metafile: true,
      // Comments and indentation are most of the bundle's text, and V8 keeps every function's
      // source in the heap: without them the snapshot is a third smaller and every start reads
      // and deserializes less (~3% of a synth's CPU, ~20 MB of RSS). Names and syntax are kept.
      minifyWhitespace: true,
      write: false,
      logLevel: "silent",
    });
    const vendor = await vendorScript(esbuild, root, [...packages].sort());
    writeFileSync(script, `${vendor}\n${result.outputFiles[0].text}`);
    const built = spawnSync(
      process.execPath,
      ["--snapshot-blob", tmpBlob, "--build-snapshot", script],
      { cwd: root, encoding: "utf8", env: nodeEnv() },
    );
    if (built.status !== 0) {
      throw new Error(`building the ${entries.join(", ")} snapshot failed:\n${built.stderr}`);
    }
    moveIntoPlace(tmpBlob, blob);
    // node_modules is what the install records say; hashing it on every start would cost
    // more than it could catch.
    return [
      ...Object.keys(result.metafile.inputs)
        .filter(
          (p) =>
            !p.includes("node_modules") && !p.startsWith("vendor:") && p !== `${name}.snapshot.ts`,
        )
        .map((p) => (isAbsolute(p) ? relative(root, p) : p)),
      ...INSTALL_RECORDS,
      // How esbuild compiles and resolves (target, aliases).
      "tsconfig.json",
      ...DECLARING,
    ].sort();
  } finally {
    rmSync(script, { force: true });
    rmSync(tmpBlob, { force: true });
  }
}

/** Renames into place, so a concurrent start never reads half a file. */
function moveIntoPlace(tmp, file) {
  renameSync(tmp, file);
}

/**
 * An up-to-date snapshot that runs `entry` (a path relative to `root`), built first when its
 * stamp is missing or any input changed: the one shared by every entry package.json and
 * cdktf.json run through this launcher, or one of its own for any other entry. Resolves to
 * the blob's path, whether it was built, and the Node arguments that run the entry from it
 * (the entry's own arguments go after them).
 */
async function ensureSnapshot(entry, options = {}) {
  const root = options.root ?? ROOT;
  const outDir = options.outDir ?? join(root, ".build");
  const entryPath = resolve(root, entry);
  const rel = relative(root, entryPath).replace(/\\/g, "/");
  const found = (name) => {
    const stamp = currentStamp(root, join(outDir, `${name}.stamp.json`));
    return stamp !== undefined && stamp.entries.includes(rel) ? name : undefined;
  };
  const result = (name, built) => {
    const blob = join(outDir, `${name}.blob`);
    return { blob, built, argv: ["--snapshot-blob", blob, "--", entryPath] };
  };
  // The common case, a start with everything current, reads only the shared stamp.
  if (found(variant(SHARED)) !== undefined) return result(variant(SHARED), false);
  const declared = declaredEntries(root);
  const shared = declared.includes(rel);
  const ownName = (e) => e.replace(/\.ts$/, "").replace(/\//g, "-");
  const name = variant(shared ? SHARED : ownName(rel));
  const entries = shared ? declared : [rel];
  if (!shared && found(name) !== undefined) return result(name, false);
  mkdirSync(outDir, { recursive: true });
  let built = false;
  await withBuildLock(
    join(outDir, `${name}.lock`),
    () => found(name),
    async () => {
      const blob = join(outDir, `${name}.blob`);
      const inputs = await build(root, name, entries, blob);
      const stampFile = join(outDir, `${name}.stamp.json`);
      const tmpStamp = `${stampFile}.${process.pid}.tmp`;
      writeFileSync(tmpStamp, JSON.stringify({ hash: fingerprint(root, inputs), entries, inputs }));
      moveIntoPlace(tmpStamp, stampFile);
      // Snapshots of single entries the shared one now holds (as the launcher built them
      // before it shared one): ~30 MB each, never read again.
      for (const e of shared ? entries : []) {
        for (const file of [`${ownName(e)}.blob`, `${ownName(e)}.stamp.json`]) {
          try {
            rmSync(join(outDir, file), { force: true });
          } catch {
            // In use elsewhere (Windows): the next build removes it.
          }
        }
      }
      built = true;
      return name;
    },
  );
  return result(name, built);
}

module.exports = { ensureSnapshot, packagesToVendor, vendorScript };

/**
 * A bundle that failed on the repository's own code (a syntax error, an import of a name the
 * module does not export), as every entry path prints one (lib/compile-errors.cjs);
 * undefined for any other failure.
 */
function compileErrorMessage(error) {
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  // A missing module is reported by run.cjs as Node does; the packages' bundle is not the
  // user's code.
  const own = (e) =>
    e.location != null &&
    !e.text.startsWith("Could not resolve") &&
    e.location.file !== "vendor.js" &&
    !/(^|[\\/])node_modules[\\/]/.test(e.location.file);
  if (errors.length === 0 || !errors.every(own)) return undefined;
  // Loaded here, not at the top: a start that builds nothing never needs it.
  const { describeCompileErrors } = require("../lib/compile-errors.cjs");
  return describeCompileErrors(
    errors.map(({ location: l, text }) => ({ ...l, file: resolve(ROOT, l.file), text })),
    process.cwd(),
  );
}

async function run(entry, args) {
  let argv;
  try {
    ({ argv } = await ensureSnapshot(entry));
  } catch (error) {
    // esbuild located the error in the repository's code: the one message, without starting
    // anything else.
    const compile = compileErrorMessage(error);
    if (compile !== undefined) {
      console.error(compile);
      process.exitCode = 1;
      return;
    }
    // A reference error in config/*.ts fails the snapshot build, where it would be reported
    // against the bundle. Run the entry from source instead: run.cjs prints the same error as
    // one message with the config file's line and column first.
    const child = spawnSync(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), join(__dirname, "run.cjs"), entry, ...args],
      { stdio: "inherit" },
    );
    if (child.error !== undefined) throw child.error;
    process.exitCode = child.status ?? 1;
    return;
  }
  const child = spawnSync(process.execPath, [...argv, ...args], {
    stdio: "inherit",
    env: nodeEnv(),
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
