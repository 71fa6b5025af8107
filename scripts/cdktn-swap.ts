import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/*
 * `npm run cdktn:check [-- --work DIR] [--keep] [--strict]`: proves the move from cdktf (archived
 * 2025-12-10) to its community fork CDK Terrain. In a scratch copy of the repository it swaps
 * the packages (cdktf -> cdktn, cdktf-cli -> cdktn-cli, @cdktf/provider-aws ->
 * @cdktn/provider-aws) and every import, installs from the npm registry, synthesizes every
 * stack with both and reports the differences, classified. docs/cdktn.md records the outcome.
 */

/** The CDK Terrain releases the check installs (exact: the registry's newest when written). */
export const CDKTN = {
  cdktn: "0.24.0",
  "cdktn-cli": "0.24.0",
  "@cdktn/provider-aws": "25.7.0",
  // cdktn 0.24 needs constructs >= 10.6 < 10.8.
  constructs: "10.7.0",
} as const;

const SWAPPED: Readonly<Record<string, keyof typeof CDKTN>> = {
  cdktf: "cdktn",
  "cdktf-cli": "cdktn-cli",
  "@cdktf/provider-aws": "@cdktn/provider-aws",
};

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * package.json with the cdktf packages replaced by cdktn's. Prebuilt providers that have no
 * cdktn build (e.g. @cdktf/provider-tfe) stay, and `cdktf` becomes an npm alias of cdktn so
 * that their `require("cdktf")` loads the same library as everything else.
 */
export function swapManifest(manifest: Manifest): Manifest {
  const swap = (deps: Record<string, string> | undefined) => {
    if (deps === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [name, version] of Object.entries(deps)) {
      const to = SWAPPED[name] as keyof typeof CDKTN | undefined;
      if (to !== undefined) out[to] = CDKTN[to];
      else if (name === "constructs") out[name] = CDKTN.constructs;
      else out[name] = version;
    }
    return out;
  };
  const dependencies = swap(manifest.dependencies) ?? {};
  const devDependencies = swap(manifest.devDependencies);
  const leftovers = Object.keys({ ...dependencies, ...devDependencies }).filter((n) =>
    n.startsWith("@cdktf/"),
  );
  if (leftovers.length > 0) dependencies.cdktf = `npm:cdktn@${CDKTN.cdktn}`;
  return { ...manifest, dependencies, devDependencies };
}

/**
 * Source text with every cdktf / @cdktf/provider-aws module specifier (import, export, require,
 * dynamic import, vi.mock) pointing at cdktn. String values such as a "cdktf" tag stay.
 */
export function swapImports(source: string): string {
  const specifier =
    /((?:\bfrom|\bimport|\brequire\(|\bimport\(|\bmock\()\s*)(["'])(cdktf|@cdktf\/provider-aws)(\/[^"']*)?\2/g;
  return source.replace(
    specifier,
    (_m, lead: string, q: string, name: string, sub: string | undefined) =>
      `${lead}${q}${name === "cdktf" ? "cdktn" : "@cdktn/provider-aws"}${sub ?? ""}${q}`,
  );
}

/** Where two JSON values differ, as dotted paths (arrays by index). */
export function jsonDiff(a: unknown, b: unknown, path = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [path || "(root)"];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => jsonDiff(a[k], b[k], path === "" ? k : `${path}.${k}`));
}

/** What a difference is: cdktf's own metadata, the provider version, or anything else. */
export function classify(path: string): "metadata" | "provider" | "other" {
  if (path === "//" || path.startsWith("//.") || path.includes(".//")) return "metadata";
  // The provider's version, and its source spelt "aws" (cdktf) or "hashicorp/aws" (cdktn): the
  // same registry address.
  if (/^terraform\.required_providers\.[^.]+\.(version|source)$/.test(path)) return "provider";
  return "other";
}

export interface StackReport {
  readonly stack: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly other: readonly string[];
  readonly providerVersions?: string;
}

/** Compares the `stacks/<id>/cdk.tf.json` files of two synth outputs. */
export function compareOutputs(
  cdktfOut: string,
  cdktnOut: string,
): { reports: StackReport[]; missing: string[] } {
  const list = (dir: string) =>
    existsSync(join(dir, "stacks")) ? readdirSync(join(dir, "stacks")).sort() : [];
  const a = list(cdktfOut);
  const b = list(cdktnOut);
  const missing = [...a.filter((s) => !b.includes(s)), ...b.filter((s) => !a.includes(s))];
  const read = (dir: string, s: string) =>
    JSON.parse(readFileSync(join(dir, "stacks", s, "cdk.tf.json"), "utf8")) as {
      terraform?: { required_providers?: Record<string, { version?: string }> };
    };
  const reports = a
    .filter((s) => b.includes(s))
    .map((stack) => {
      const left = read(cdktfOut, stack);
      const right = read(cdktnOut, stack);
      const diff = jsonDiff(left, right);
      const counts: Record<string, number> = { metadata: 0, provider: 0, other: 0 };
      for (const p of diff) counts[classify(p)] += 1;
      const versions = Object.entries(left.terraform?.required_providers ?? {})
        .map(
          ([n, v]) =>
            `${n} ${v.version ?? "?"} -> ${right.terraform?.required_providers?.[n]?.version ?? "?"}`,
        )
        .filter((x) => !/ (\S+) -> \1$/.test(x))
        .join(", ");
      return {
        stack,
        counts,
        other: diff.filter((p) => classify(p) === "other"),
        providerVersions: versions || undefined,
      };
    });
  return { reports, missing };
}

function sh(cmd: string, args: string[], cwd: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function main(): void {
  const root = resolve(__dirname, "..");
  const work = resolve(arg("--work") ?? join(tmpdir(), "cdktn-swap"));
  const copy = join(work, "repo");
  const strict = process.argv.includes("--strict");
  const step = (s: string) => {
    console.log(`cdktn check: ${s}`);
  };

  // A scratch copy of the tracked files (and the working tree's edits), without node_modules.
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  const files = sh("git", ["ls-files", "--cached", "--others", "--exclude-standard"], root)
    .out.split("\n")
    .filter((f) => f !== "" && existsSync(join(root, f)));
  let rewritten = 0;
  for (const f of files) {
    const to = join(copy, f);
    mkdirSync(dirname(to), { recursive: true });
    if (/\.(ts|cts|mts|cjs|mjs|js)$/.test(f)) {
      const text = readFileSync(join(root, f), "utf8");
      const swapped = swapImports(text);
      if (swapped !== text) rewritten += 1;
      writeFileSync(to, swapped);
    } else {
      cpSync(join(root, f), to);
    }
  }
  const manifest = swapManifest(
    JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest,
  );
  writeFileSync(join(copy, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(join(copy, "package-lock.json"), { force: true });
  step(`copied ${files.length} files to ${copy}, imports rewritten in ${rewritten}`);

  step(
    `npm install cdktn@${CDKTN.cdktn} cdktn-cli@${CDKTN["cdktn-cli"]} @cdktn/provider-aws@${CDKTN["@cdktn/provider-aws"]} constructs@${CDKTN.constructs}`,
  );
  const install = sh(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--prefer-offline",
      "--loglevel=error",
      // @cdktf/provider-tfe declares cdktf ^0.21 as a peer, which the cdktn alias cannot satisfy.
      "--legacy-peer-deps",
    ],
    copy,
  );
  if (!install.ok) {
    console.error(install.out);
    process.exitCode = 1;
    return;
  }

  const cdktfOut = join(work, "cdktf.out");
  const cdktnOut = join(work, "cdktn.out");
  const synth = (cwd: string, out: string) =>
    sh(process.execPath, ["--require", "tsx/cjs", "scripts/synth.ts", "--out", out], cwd);
  const before = synth(root, cdktfOut);
  const after = synth(copy, cdktnOut);
  step(
    `synth with cdktf: ${before.ok ? "ok" : "FAILED"}; with cdktn: ${after.ok ? "ok" : "FAILED"}`,
  );
  if (!before.ok || !after.ok) {
    console.error((before.ok ? after : before).out);
    process.exitCode = 1;
    return;
  }
  const typecheck = sh(
    process.execPath,
    [join(copy, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
    copy,
  );
  const typeErrors = typecheck.out.split("\n").filter((l) => /error TS\d+/.test(l));
  step(`typecheck with cdktn: ${typecheck.ok ? "ok" : `${typeErrors.length} error(s)`}`);
  for (const l of typeErrors.slice(0, 20)) console.log(`  ${l}`);

  const { reports, missing } = compareOutputs(cdktfOut, cdktnOut);
  const width = Math.max(5, ...reports.map((r) => r.stack.length));
  console.log(`${"stack".padEnd(width)}  metadata  provider  other`);
  for (const r of reports) {
    console.log(
      `${r.stack.padEnd(width)}  ${String(r.counts.metadata).padStart(8)}  ${String(r.counts.provider).padStart(8)}  ${String(r.counts.other).padStart(5)}`,
    );
    for (const p of r.other.slice(0, 10)) console.log(`    other: ${p}`);
  }
  const versions = [
    ...new Set(reports.map((r) => r.providerVersions).filter((v) => v !== undefined)),
  ];
  if (versions.length > 0) console.log(`provider versions: ${versions.join("; ")}`);
  if (missing.length > 0) console.log(`stacks only one side wrote: ${missing.join(", ")}`);
  const other = reports.reduce((n, r) => n + r.counts.other, 0);
  console.log(
    `cdktn check: ${reports.length} stacks compared, ${other} difference(s) beyond metadata and the provider's version and source` +
      (missing.length > 0 ? `, ${missing.length} stack(s) missing` : ""),
  );
  if (missing.length > 0 || (strict && other > 0)) process.exitCode = 1;
  if (!process.argv.includes("--keep")) rmSync(copy, { recursive: true, force: true });
}

if (require.main === module) main();
