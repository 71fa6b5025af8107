import { join } from "node:path";
import { Token } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { isUnresolved } from "../lib/tokens";
import { run, type Ran } from "./helpers/spawn";

/*
 * config/ validates without construct or provider code: every CI step that reads the
 * configuration (ci:environments, hcp:environments, preview) loads it in a fresh process, and
 * cdktf's index, constructs and the provider classes were three quarters of that start-up.
 * Checked in a fresh process because the test workers share one module cache across files
 * (vitest.config.ts isolate: false), so in-process require.cache already holds everything.
 */
const root = join(__dirname, "..");

/** The modules a fresh `node --require tsx/cjs` process has loaded after `require("./config")`. */
let loaded: Ran;
beforeAll(async () => {
  loaded = await run(
    process.execPath,
    [
      "--require",
      "tsx/cjs",
      "-e",
      'require("./config"); console.log(JSON.stringify(Object.keys(require.cache)))',
    ],
    { cwd: root, env: { PATH: process.env.PATH ?? "" } },
  );
});

/** Loaded files that mean construct or provider code came along. */
function heavyModules(files: readonly string[]): string[] {
  return files.filter(
    (f) =>
      f.endsWith("/node_modules/cdktf/lib/index.js") ||
      f.includes("/node_modules/constructs/") ||
      f.includes("/node_modules/@cdktf/provider-aws/"),
  );
}

describe("loading config/", () => {
  it("recognises cdktf's index, constructs and provider modules", () => {
    expect(
      heavyModules([
        "/r/node_modules/cdktf/lib/index.js",
        "/r/node_modules/cdktf/lib/tokens/token.js",
        "/r/node_modules/constructs/lib/index.js",
        "/r/node_modules/@cdktf/provider-aws/lib/vpc/index.js",
        "/r/config/index.ts",
      ]),
    ).toEqual([
      "/r/node_modules/cdktf/lib/index.js",
      "/r/node_modules/constructs/lib/index.js",
      "/r/node_modules/@cdktf/provider-aws/lib/vpc/index.js",
    ]);
  });

  it("loads no construct or provider code", () => {
    expect(loaded.stderr).toBe("");
    expect(loaded.code).toBe(0);
    const files = JSON.parse(loaded.stdout) as string[];
    // The listing is real: config itself and the token module it does use are in it.
    expect(files).toContain(join(root, "config", "index.ts"));
    expect(files.some((f) => f.endsWith("/node_modules/cdktf/lib/tokens/token.js"))).toBe(true);
    expect(heavyModules(files)).toEqual([]);
  });

  it("still sees tokens made through cdktf's index as unresolved", () => {
    expect(isUnresolved(Token.asString({ Ref: "vpc.cidr_block" }))).toBe(true);
    expect(isUnresolved(`${Token.asString({ Ref: "bucket.arn" })}/alb/*`)).toBe(true);
    expect(isUnresolved(Token.asNumber({ Ref: "db.port" }))).toBe(true);
    expect(isUnresolved("10.0.0.0/16")).toBe(false);
  });
});
