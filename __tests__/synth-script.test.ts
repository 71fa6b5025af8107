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
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PlatformConfig } from "../config";
import { commandWords, packageScripts } from "./helpers/package";
import { run, type Ran } from "./helpers/spawn";

/*
 * The README's main job, run the way a platform engineer runs it: fresh processes, no AWS
 * credentials, no Terraform binary on PATH. The processes are independent of each other, so
 * they start together once (beforeAll) and the tests inspect what each left behind.
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

/**
 * The stacks every shipped environment has, in directory order (CloudFront, cache, bootstrap
 * and ci where configured).
 */
const LAYERS = ["data", "dcv", "ecr", "monitoring", "network", "ops", "services"];
/** A name no environment has (the run that names it must fail). */
const unknown = "nosuchenv";
/*
 * The configuration and the app's modules, for what runs in this process: imported while the
 * processes run, not with this file, so those start at once (when this file is the first in
 * its worker to need the app, the import waits on Vite's transforms for seconds).
 */
let shipped: PlatformConfig;
let known: string[];
let app: {
  readonly routes: typeof import("../scripts/routes");
  readonly synth: typeof import("../scripts/synth");
  readonly synths: typeof import("./helpers/synth");
};
const bootstrapsState = (env: PlatformConfig["environments"][string]) =>
  env.state.backend === "s3" && env.state.bootstrap;
const stacksOf = (env: string) =>
  [
    ...LAYERS,
    ...(bootstrapsState(shipped.environments[env]) ? ["bootstrap"] : []),
    ...(shipped.environments[env].ci === undefined ? [] : ["ci"]),
    ...(shipped.environments[env].edge === undefined ? [] : ["edge"]),
    ...(shipped.environments[env].cache === undefined ? [] : ["cache"]),
  ]
    .map((layer) => `${shipped.project}-${env}-${layer}`)
    .sort();

/** A `node ...` command from package.json or cdktf.json, as argv with this Node binary. */
function nodeCommand(line: string): string[] {
  const [node, ...rest] = commandWords(line);
  expect(node).toBe("node");
  return rest;
}

function runNode(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return run(process.execPath, args, {
    cwd: root,
    env: { ...cleanEnv, PATH: "/usr/bin:/bin", ...env },
  });
}

const out = join(scratch, "all");
const kept = join(scratch, "kept");
const cliOut = join(scratch, "cli");
const synth = (args: string[], env: Record<string, string> = {}) =>
  runNode([...nodeCommand(packageScripts.synth), ...args], env);
const cdktfJson = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as {
  app: string;
  language: string;
};

let all: Ran, failed: Ran, appCommand: Ran, routesCli: Ran;
beforeAll(async () => {
  mkdirSync(kept);
  writeFileSync(join(kept, "marker"), "previous synth");
  // Started together: the first start to find the precompiled app out of date rebuilds it,
  // and the others (every command shares it) wait for that build instead of repeating it.
  // One await for both, so a failed import fails this hook and nothing else.
  const [ran, [config, routes, synthScript, synths]] = await Promise.all([
    Promise.all([
      synth(["--out", out]),
      synth(["--out", kept], { PLATFORM_ENVIRONMENTS: unknown }),
      runNode(nodeCommand(cdktfJson.app), { CDKTF_OUTDIR: cliOut, PLATFORM_ENVIRONMENTS: "dev" }),
      runNode([...nodeCommand(packageScripts.routes), "dev", "/api/users"]),
    ]),
    Promise.all([
      import("../config"),
      import("../scripts/routes"),
      import("../scripts/synth"),
      import("./helpers/synth"),
    ]),
  ]);
  [all, failed, appCommand, routesCli] = ran;
  shipped = config.loadConfig();
  known = Object.keys(shipped.environments);
  app = { routes, synth: synthScript, synths };
}, 240_000);

describe("npm run synth (scripts/synth.ts)", () => {
  it("runs the precompiled app (scripts/app.cjs)", () => {
    expect(packageScripts.synth).toBe("node scripts/app.cjs scripts/synth.ts");
  });

  it("synthesizes every stack of every environment and prints a summary", () => {
    const { code, stdout, stderr } = all;
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
    // --env, through the function the command calls; PLATFORM_ENVIRONMENTS, which the same
    // createApp reads, in a fresh process: the cdktf.json app command's run below.
    const { outdir } = app.synth.synthFromArgs(["--out", join(scratch, "prod"), "--env", "prod"]);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(stacksOf("prod"));
    expect(appCommand.code).toBe(0);
    expect(readdirSync(join(cliOut, "stacks")).sort()).toEqual(stacksOf("dev"));
  });

  it("fails with one message and leaves the previous output untouched", () => {
    const { code, stdout, stderr } = failed;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe(
      `Invalid configuration: PLATFORM_ENVIRONMENTS: "${unknown}" names no configured environment; known: ${known.join(", ")}`,
    );
    expect(readdirSync(kept)).toEqual(["marker"]);
    expect(readdirSync(scratch).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});

describe("cdktf.json app command", () => {
  it("runs main.ts precompiled (scripts/app.cjs) and writes to CDKTF_OUTDIR", () => {
    expect(cdktfJson.language).toBe("typescript");
    expect(cdktfJson.app).toBe("node scripts/app.cjs main.ts");
    expect(appCommand.stderr).toBe("");
    expect(appCommand.code).toBe(0);
    expect(existsSync(join(cliOut, "stacks", "platform-dev-network", "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(cliOut, "manifest.json"))).toBe(true);
  });
});

describe("npm run routes (scripts/routes.ts)", () => {
  /** What the command prints, from the shared synth of the shipped configuration. */
  const explain = (argv: string[]): string => {
    const args = app.routes.parseRoutesArgs(argv);
    if ("error" in args) throw new Error(args.error);
    const json = app.synths.synthShipped().stacks[`${shipped.project}-${args.env}-services`];
    return app.routes.explainInStack(json, args);
  };
  /** Runs the command's main() in this process; its exit code and what it printed. */
  const inProcess = async (argv: string[]) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const code = await app.routes.main(argv);
      const text = (spy: typeof log) => spy.mock.calls.map((c) => c.join(" ")).join("\n");
      return { code, stdout: text(log), stderr: text(error) };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  };

  it("answers from a fresh process that synthesizes the environment itself", () => {
    expect(packageScripts.routes).toBe("node scripts/app.cjs scripts/routes.ts");
    expect(routesCli.stderr).toBe("");
    expect(routesCli.code).toBe(0);
    expect(routesCli.stdout).toBe(`${explain(["dev", "/api/users"])}\n`);
  });

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
    expect(explain(["dev", path])).toMatch(expected);
  });

  it("explains prod, where the catch-all is a blue/green rule", () => {
    expect(explain(["prod", "/about"])).toMatch(/^GET \/about -> web \(rule 50000: path \/\*\)$/);
  });

  it("fails with usage when arguments are missing", async () => {
    const { code, stderr } = await inProcess(["dev"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /missing <path>\nusage: npm run routes -- <env> <path> \[--host <host>\]/,
    );
  });

  it("fails on an unknown environment", async () => {
    const { code, stderr } = await inProcess([unknown, "/"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`unknown environment "${unknown}"; known: ${known.join(", ")}`);
  });
});
