import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";

/*
 * The README's main job, run the way a platform engineer runs it: fresh processes, no AWS
 * credentials, no Terraform binary on PATH.
 */
const root = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "synth-script-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith("AWS_") && k !== "PLATFORM_ENVIRONMENTS" && k !== "CDKTF_OUTDIR",
  ),
);

/** The stacks every shipped environment has, in directory order (CloudFront where configured). */
const LAYERS = [
  "bootstrap",
  "ci",
  "data",
  "dcv",
  "ecr",
  "monitoring",
  "network",
  "ops",
  "services",
];
const shipped = loadConfig();
const known = Object.keys(shipped.environments);
const stacksOf = (env: string) =>
  [
    ...LAYERS,
    ...(shipped.environments[env].edge === undefined ? [] : ["edge"]),
    ...(shipped.environments[env].cache === undefined ? [] : ["cache"]),
  ]
    .map((layer) => `${shipped.project}-${env}-${layer}`)
    .sort();

/** A `node ...` command from package.json or cdktf.json, as argv with this Node binary. */
function nodeCommand(line: string): string[] {
  const [node, ...rest] = line.split(" ");
  expect(node).toBe("node");
  return rest;
}

const packageScripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

function run(args: string[], env: Record<string, string> = {}) {
  return runNode(["--import", "tsx", ...args], env);
}

function runNode(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...cleanEnv, PATH: "/usr/bin:/bin", ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run synth (scripts/synth.ts)", () => {
  const out = join(scratch, "all");
  const synth = (args: string[], env: Record<string, string> = {}) =>
    runNode([...nodeCommand(packageScripts.synth), ...args], env);

  it("runs the precompiled app (scripts/app.cjs)", () => {
    expect(packageScripts.synth).toBe("node scripts/app.cjs scripts/synth.ts");
  });

  it("synthesizes every stack of every environment and prints a summary", () => {
    const { code, stdout, stderr } = synth(["--out", out]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const stacks = readdirSync(join(out, "stacks")).sort();
    expect(stacks).toEqual(known.flatMap(stacksOf).sort());
    expect(stdout).toMatch(/^stack\s+resources\s+data\s+outputs\s+backend$/m);
    expect(stdout).toMatch(/^platform-prod-network\s+\d+\s+\d+\s+\d+\s+s3$/m);
    expect(stdout).toMatch(/^platform-dev-bootstrap\s+9\s+1\s+3\s+local$/m);
    expect(stdout).toMatch(
      new RegExp(`^${stacks.length} stacks, \\d+ resources, written to ${out} in \\d+ ms$`, "m"),
    );
    // The monthly cost estimate follows the summary, per stack and per environment.
    expect(stdout).toMatch(/^estimated monthly cost, USD \(on-demand ap-northeast-1 prices of/m);
    expect(stdout).toMatch(/^ {2}platform-prod-network\s+\d+\.\d{2}$/m);
    expect(stdout).toMatch(/^ {2}dev total\s+\d+\.\d{2}\n(.*\n)* {2}prod total\s+\d+\.\d{2}$/m);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
      stacks: Record<string, unknown>;
    };
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
  });

  it("limits the synth to the environments asked for", () => {
    const only = join(scratch, "dev");
    expect(synth(["--out", only, "--env", "dev"]).code).toBe(0);
    expect(readdirSync(join(only, "stacks")).sort()).toEqual(stacksOf("dev"));
    const viaEnv = join(scratch, "prod");
    expect(synth(["--out", viaEnv], { PLATFORM_ENVIRONMENTS: "prod" }).code).toBe(0);
    expect(readdirSync(join(viaEnv, "stacks")).sort()).toEqual(stacksOf("prod"));
  });

  it("fails with one message and leaves the previous output untouched", () => {
    const kept = join(scratch, "kept");
    mkdirSync(kept);
    writeFileSync(join(kept, "marker"), "previous synth");
    const { code, stdout, stderr } = synth(["--out", kept], { PLATFORM_ENVIRONMENTS: "staging" });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe(
      `Invalid configuration: PLATFORM_ENVIRONMENTS: "staging" names no configured environment; known: ${known.join(", ")}`,
    );
    expect(readdirSync(kept)).toEqual(["marker"]);
    expect(readdirSync(scratch).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});

describe("cdktf.json app command", () => {
  it("runs main.ts precompiled (scripts/app.cjs) and writes to CDKTF_OUTDIR", () => {
    const cdktf = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as {
      app: string;
      language: string;
    };
    expect(cdktf.language).toBe("typescript");
    expect(cdktf.app).toBe("node scripts/app.cjs main.ts");
    const out = join(scratch, "cli");
    const { code, stderr } = runNode(nodeCommand(cdktf.app), {
      CDKTF_OUTDIR: out,
      PLATFORM_ENVIRONMENTS: "dev",
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(existsSync(join(out, "stacks", "platform-dev-network", "cdk.tf.json"))).toBe(true);
  });
});

describe("npm run routes (scripts/routes.ts)", () => {
  it.each<[string, RegExp]>([
    ["/", /^GET \/ -> web \(listener default\)$/],
    ["/about", /^GET \/about -> web \(listener default\)$/],
    ["/api", /^GET \/api -> api \(rule \d+: path \/api\)$/],
    ["/api/users", /^GET \/api\/users -> api \(rule \d+: path \/api\/\*\)$/],
    [
      "/socket.io/?EIO=4&transport=websocket",
      /^GET \/socket\.io\/\?EIO=4&transport=websocket -> api \(rule \d+: path \/socket\.io\/\*\)$/,
    ],
    ["/apix", /^GET \/apix -> web \(listener default\)$/],
  ])("explains %s in dev from the synthesized services stack", (path, expected) => {
    const { code, stdout, stderr } = run(["scripts/routes.ts", "dev", path]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(expected);
  });

  it("explains prod, where the catch-all is a blue/green rule", () => {
    const { code, stdout } = run(["scripts/routes.ts", "prod", "/about"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^GET \/about -> web \(rule 50000: path \/\*\)$/);
  });

  it("fails with usage when arguments are missing", () => {
    const { code, stderr } = run(["scripts/routes.ts", "dev"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /missing <path>\nusage: npm run routes -- <env> <path> \[--host <host>\]/,
    );
  });

  it("fails on an unknown environment", () => {
    const { code, stderr } = run(["scripts/routes.ts", "staging", "/"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown environment "staging"; known: dev, prod/);
  });
});
