import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureSnapshot } from "../../scripts/app.cjs";

/*
 * The precompiled app must never run stale code: a toy project (an entry importing a module)
 * is built, run, edited and run again through the launcher's own build function.
 */
const project = mkdtempSync(join(tmpdir(), "app-launcher-"));
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function runBlob(blob: string, args: string[]): string {
  const result = spawnSync(process.execPath, ["--snapshot-blob", blob, "--", ...args], {
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe("scripts/app.cjs", () => {
  writeFileSync(join(project, "greeting.ts"), 'export const greeting: string = "hello";\n');
  writeFileSync(
    join(project, "entry.ts"),
    [
      'import { greeting } from "./greeting";',
      "export function main(): void {",
      '  console.log([greeting, ...process.argv.slice(1).map((a) => a.replace(/.*[\\\\/]/, ""))].join(" "));',
      "}",
    ].join("\n"),
  );

  it("builds once, reuses the snapshot while nothing changed, rebuilds after an edit", async () => {
    const first = await ensureSnapshot("entry.ts", { root: project });
    expect(first.built).toBe(true);
    // The entry sees itself as argv[1] and its own arguments after it, as under `node entry.ts`.
    expect(runBlob(first.blob, ["--out", "x"])).toBe("hello entry.ts --out x");

    const again = await ensureSnapshot("entry.ts", { root: project });
    expect(again).toEqual({ blob: first.blob, built: false });

    writeFileSync(join(project, "greeting.ts"), 'export const greeting: string = "changed";\n');
    const edited = await ensureSnapshot("entry.ts", { root: project });
    expect(edited.built).toBe(true);
    expect(runBlob(edited.blob, [])).toBe("changed entry.ts");
  });

  it("reports a compile error instead of running old code", async () => {
    writeFileSync(join(project, "greeting.ts"), "export const greeting: string = ;\n");
    await expect(ensureSnapshot("entry.ts", { root: project })).rejects.toThrow(
      /greeting\.ts:1:\d+: ERROR: Unexpected ";"/,
    );
  });
});
