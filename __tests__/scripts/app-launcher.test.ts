import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as esbuild from "esbuild";
import { ensureSnapshot, packagesToVendor, vendorScript } from "../../scripts/app.cjs";

/*
 * The precompiled app must never run stale code, and every command package.json runs through
 * it shares one snapshot: a toy project (two declared entries importing one module, and one
 * entry no script names) is built, run, edited and run again through the launcher's own
 * build function.
 */
const project = mkdtempSync(join(tmpdir(), "app-launcher-"));
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

/** Runs an entry from its snapshot; what it printed, after checking its exit code. */
function runBlob(argv: readonly string[], args: string[], status = 0): string {
  const result = spawnSync(process.execPath, [...argv, ...args], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(status);
  return result.stdout.trim();
}

/** An entry printing the module's greeting, its own file name and its arguments. */
const printing = (name: string) =>
  [
    'import { greeting } from "./greeting";',
    "export function main(): void {",
    `  console.log([greeting, ${JSON.stringify(name)}, ...process.argv.slice(1).map((a) => a.replace(/.*[\\\\/]/, ""))].join(" "));`,
    "}",
  ].join("\n");

describe("scripts/app.cjs", () => {
  writeFileSync(join(project, "greeting.ts"), 'export const greeting: string = "hello";\n');
  writeFileSync(join(project, "entry.ts"), printing("entry"));
  writeFileSync(join(project, "loose.ts"), printing("loose"));
  // Gets its arguments and resolves to its exit code, as scripts/routes.ts does.
  writeFileSync(
    join(project, "exits.ts"),
    [
      'import { greeting } from "./greeting";',
      "export async function main(argv: readonly string[]): Promise<number> {",
      '  console.log([greeting, "exits", ...argv].join(" "));',
      "  return Number(argv[0]);",
      "}",
    ].join("\n"),
  );
  // Returns its exit code, as scripts/preview.ts does, and leaves a mark that it ran: only the
  // first declared entry (entry.ts) runs while the snapshot is built.
  const returnsRan = join(project, "returns.ran");
  writeFileSync(
    join(project, "returns.ts"),
    [
      'import { writeFileSync } from "node:fs";',
      "export function main(argv: readonly string[]): number {",
      `  writeFileSync(${JSON.stringify(returnsRan)}, argv.join(" "));`,
      "  return Number(argv[0]);",
      "}",
    ].join("\n"),
  );
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      scripts: {
        entry: "node scripts/app.cjs entry.ts",
        exits: "node scripts/app.cjs ./exits.ts --verbose",
        returns: "node scripts/app.cjs returns.ts",
        other: "node --import tsx loose.ts",
      },
    }),
  );

  it("builds once for starts that arrive together, reuses the snapshot while nothing changed, rebuilds after an edit", async () => {
    // A snapshot of entry.ts alone, as the launcher built one per entry before: replaced.
    mkdirSync(join(project, ".build"));
    writeFileSync(join(project, ".build", "entry.blob"), "");
    writeFileSync(join(project, ".build", "entry.stamp.json"), "{}");
    // The later starts wait for the first one's build instead of building it again.
    const starts = await Promise.all(
      ["entry.ts", "exits.ts", "entry.ts"].map((e) => ensureSnapshot(e, { root: project })),
    );
    expect(starts.map((s) => s.built).filter(Boolean)).toEqual([true]);
    const shared = basename(starts[0].blob);
    expect(readdirSync(join(project, ".build")).sort()).toEqual([
      shared,
      shared.replace(/\.blob$/, ".stamp.json"),
    ]);
    const first = starts[0];
    // The entry sees itself as argv[1] and its own arguments after it, as under `node entry.ts`.
    expect(runBlob(first.argv, ["--out", "x"])).toBe("hello entry entry.ts --out x");

    const again = await ensureSnapshot("entry.ts", { root: project });
    expect(again).toEqual({ ...first, built: false });

    writeFileSync(join(project, "greeting.ts"), 'export const greeting: string = "changed";\n');
    const edited = await ensureSnapshot("entry.ts", { root: project });
    expect(edited.built).toBe(true);
    expect(runBlob(edited.argv, [])).toBe("changed entry entry.ts");
  });

  it("builds one snapshot for every entry package.json runs through it", async () => {
    // The snapshot the previous test built for entry.ts.
    const entry = await ensureSnapshot("entry.ts", { root: project });
    const exits = await ensureSnapshot("exits.ts", { root: project });
    expect(entry.built).toBe(false);
    expect(exits).toMatchObject({ blob: entry.blob, built: false });
    expect(runBlob(entry.argv, ["a"])).toBe("changed entry entry.ts a");
    // The entry's arguments reach main(), and the exit code it resolves to is the process's.
    expect(runBlob(exits.argv, ["3", "b"], 3)).toBe("changed exits 3 b");
    // Built twice by now, and never run but by its own start; a number it returns is the code.
    const returns = await ensureSnapshot("returns.ts", { root: project });
    expect(returns).toMatchObject({ blob: entry.blob, built: false });
    expect(existsSync(returnsRan)).toBe(false);
    expect(runBlob(returns.argv, ["4", "c"], 4)).toBe("");
    expect(readFileSync(returnsRan, "utf8")).toBe("4 c");
  });

  it("builds an entry no script runs through it into a snapshot of its own", async () => {
    const loose = await ensureSnapshot("loose.ts", { root: project });
    const entry = await ensureSnapshot("entry.ts", { root: project });
    expect(loose.built).toBe(true);
    expect(entry.built).toBe(false);
    expect(loose.blob).not.toBe(entry.blob);
    expect(runBlob(loose.argv, [])).toBe("changed loose loose.ts");
  });

  it("reports a compile error instead of running old code", async () => {
    writeFileSync(join(project, "greeting.ts"), "export const greeting: string = ;\n");
    await expect(ensureSnapshot("entry.ts", { root: project })).rejects.toThrow(
      /greeting\.ts:1:\d+: ERROR: Unexpected ";"/,
    );
  });
});

const dir = mkdtempSync(join(tmpdir(), "run-cjs-"));
const toy = mkdtempSync(join(tmpdir(), "app-launcher-packages-"));
// At file level: a suite's own hooks do not run when a filter skips all of its tests.
afterAll(() => {
  for (const d of [dir, toy]) rmSync(d, { recursive: true, force: true });
});

describe("scripts/run.cjs (the launcher's fallback, from source)", () => {
  writeFileSync(join(dir, "later.ts"), 'export const later: string = "loaded later";\n');
  // As scripts/routes.ts does: main() imports a TypeScript module only when it runs.
  writeFileSync(
    join(dir, "lazy.ts"),
    [
      "export async function main(argv: readonly string[]): Promise<number> {",
      '  const { later } = await import("./later");',
      "  console.log(later, ...argv);",
      "  return 3;",
      "}",
    ].join("\n"),
  );

  it("runs an entry whose main() imports a TypeScript module lazily, with its exit code", () => {
    const ran = spawnSync(
      process.execPath,
      [
        "--require",
        "tsx/cjs",
        join(__dirname, "..", "..", "scripts", "run.cjs"),
        join(dir, "lazy.ts"),
        "x",
      ],
      { encoding: "utf8", cwd: join(__dirname, "..", "..") },
    );
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("loaded later x");
    expect(ran.status).toBe(3);
  });
});

describe("scripts/app.cjs: packages", () => {
  /*
   * A toy project with one package in node_modules. The app's bundle leaves it to a vendor
   * script that is bundled once per install and kept in node_modules/.cache/ (the repository
   * copies the tests make share it through their linked node_modules).
   */
  const pkg = join(toy, "node_modules", "counter");
  const cache = join(toy, "node_modules", ".cache", "platform-app");
  const pkgFile = join(pkg, "index.js");
  /** Installs `version` of the package, with the record npm keeps of an install. */
  const install = (version: string) => {
    writeFileSync(pkgFile, `exports.version = "${version}"; exports.next = () => 1;\n`);
    writeFileSync(join(toy, "node_modules", ".package-lock.json"), JSON.stringify({ version }));
  };
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "counter", main: "index.js" }));
  writeFileSync(join(toy, "package-lock.json"), "{}");
  install("1");
  // The package reached from the entry and from a module it imports is one instance.
  writeFileSync(join(toy, "shared.ts"), 'export { next as sharedNext } from "counter";\n');
  // A bare specifier that names the project's own file (package.json "imports").
  writeFileSync(join(toy, "label.ts"), 'export const label: string = "first";\n');
  writeFileSync(
    join(toy, "entry.ts"),
    [
      'import { next, version } from "counter";',
      'import { label } from "#label";',
      'import { sharedNext } from "./shared";',
      "export function main(): void { console.log(label, version, next === sharedNext); }",
    ].join("\n"),
  );
  writeFileSync(
    join(toy, "package.json"),
    JSON.stringify({
      imports: { "#label": "./label.ts" },
      scripts: { entry: "node scripts/app.cjs entry.ts" },
    }),
  );
  /** The vendor scripts in the cache, with the inode of each (a rewrite changes it). */
  const vendors = () =>
    readdirSync(cache).map((f) => `${f}@${String(statSync(join(cache, f)).ino)}`);

  it("runs a snapshot whose packages come from the vendor script, one instance each", async () => {
    const built = await ensureSnapshot("entry.ts", { root: toy });
    expect(runBlob(built.argv, [])).toBe("first 1 true");
    expect(vendors()).toEqual([expect.stringMatching(/^vendor-[0-9a-f]{16}\.js@\d+$/)]);
    // The project's own file stays in the app's bundle, where the stamp sees its edits.
    const stamp = JSON.parse(
      readFileSync(built.blob.replace(/\.blob$/, ".stamp.json"), "utf8"),
    ) as { inputs: string[] };
    expect(stamp.inputs).toEqual(expect.arrayContaining(["label.ts", "entry.ts", "shared.ts"]));
    expect(readFileSync(join(cache, readdirSync(cache)[0]), "utf8")).not.toContain("first");
  });

  it("bundles the packages once per install (the build asks for them on every rebuild)", async () => {
    const cached = vendors();
    const packages = ["counter"];
    const script = await vendorScript(esbuild, toy, packages);
    expect(script).toContain('"1"');
    expect(vendors()).toEqual(cached);
    // A change to node_modules that no install recorded is not seen: the lock file and npm's
    // node_modules/.package-lock.json say what is installed, as they do for the stamp.
    writeFileSync(pkgFile, 'exports.version = "unrecorded";\n');
    expect(await vendorScript(esbuild, toy, packages)).toBe(script);
    // An install bundles them again; the older vendor script is kept for a while.
    install("2");
    expect(await vendorScript(esbuild, toy, packages)).toContain('"2"');
    expect(vendors()).toHaveLength(2);
    expect(vendors()).toEqual(expect.arrayContaining(cached));
  });

  it("vendors nothing where tsconfig maps bare specifiers (paths, baseUrl) to the project's files", async () => {
    // A package and an alias of the same name: esbuild takes the alias, so the file is the
    // project's, and it must stay where the stamp sees it.
    const aliased = mkdtempSync(join(toy, "aliased-"));
    mkdirSync(join(aliased, "node_modules", "foo"), { recursive: true });
    writeFileSync(join(aliased, "node_modules", "foo", "package.json"), '{"name":"foo"}');
    writeFileSync(join(aliased, "node_modules", "foo", "x.js"), 'exports.x = "package";\n');
    mkdirSync(join(aliased, "src", "foo"), { recursive: true });
    writeFileSync(join(aliased, "src", "foo", "x.ts"), 'export const x: string = "alias";\n');
    writeFileSync(
      join(aliased, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { paths: { "foo/*": ["./src/foo/*"] } } }),
    );
    const bundle = async () => {
      const packages = new Set<string>();
      const result = await esbuild.build({
        absWorkingDir: aliased,
        stdin: { contents: 'import { x } from "foo/x"; console.log(x);', resolveDir: aliased },
        bundle: true,
        platform: "node",
        write: false,
        plugins: [packagesToVendor(aliased, packages)],
      });
      return { packages: [...packages], text: result.outputFiles[0].text };
    };
    const withAlias = await bundle();
    expect(withAlias.packages).toEqual([]);
    expect(withAlias.text).toContain('"alias"');
    // Without the alias the same import is the package's, left to the vendor script.
    rmSync(join(aliased, "tsconfig.json"));
    expect((await bundle()).packages).toEqual(["foo/x"]);
  });
});
