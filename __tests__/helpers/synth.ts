import { createRequire } from "node:module";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { inject } from "vitest";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { loadConfig, type PlatformInput } from "../../config";
import { readTerraformVersion } from "../../config/toolchain";
import { DCV_API_ENDPOINTS, FARGATE_API_ENDPOINTS } from "../../lib/api-egress";
import { buildPlatform, type EnvironmentStacks } from "../../stacks";
import { fixtureInput } from "../fixtures/config";
import { withEnv } from "./config";
import { scratchRoot } from "./scratch-root";
import type { TfJson } from "./tf";

export interface SynthResult {
  /** Parsed cdk.tf.json of every stack, by stack id. */
  readonly stacks: Record<string, TfJson>;
  readonly built: Record<string, EnvironmentStacks>;
}

export interface SynthOptions {
  /**
   * Build and synthesize only these environments (names as in the input). The whole input is
   * still validated by loadConfig, so config-level rules (cross-environment ones included) run
   * as before; only the stacks of the other environments are not built. Safe because
   * buildPlatform builds each environment from its own resolved config alone: a selected
   * environment's JSON is the same as in a full synth.
   *
   * Use it only where a test inspects nothing but these environments' stacks. Keep every
   * environment where a test compares environments, asserts that another environment creates
   * nothing or references an owner that is an environment of the input, or checks wiring
   * across environments (account singletons, a shared state bucket or project, remote state,
   * stack lists). A singleton referenced from an owner outside the input (no environment of
   * the input shares the account) involves no other environment: build the referencing one.
   * @default every environment
   */
  readonly environments?: readonly string[];
  /** Adds stacks (e.g. a consumer) to the app before synth. @default nothing added */
  readonly extend?: (app: App, built: Record<string, EnvironmentStacks>) => void;
}

/*
 * cdktf validates that the installed Terraform is recent enough for every cloud backend and
 * import block by running `terraform version` (a shell and a Terraform process) once per stack
 * that has one, on every synth: about 20 processes per cloud-mode synth, more CPU than the
 * synth itself. The binary does not change during a test run, so each distinct check runs for
 * real once per worker and its answer (errors included) is reused. The JSON is not affected.
 */
const cdktfLib = dirname(createRequire(__filename).resolve("cdktf"));
interface BinaryVersionCheck {
  validate: (this: BinaryVersionCheck) => string[];
  readonly binary: string;
  readonly versionConstraint: string;
  readonly versionCommand: string;
  readonly hint?: string;
}
const binaryVersion = createRequire(__filename)(
  join(cdktfLib, "validations", "validate-binary-version.js"),
) as { ValidateBinaryVersion: { prototype: BinaryVersionCheck } };
const checkBinaryVersion = binaryVersion.ValidateBinaryVersion.prototype.validate;
const binaryVersionAnswers = new Map<string, readonly string[]>();
binaryVersion.ValidateBinaryVersion.prototype.validate = function (this: BinaryVersionCheck) {
  const key = JSON.stringify([
    this.binary,
    this.versionConstraint,
    this.versionCommand,
    this.hint ?? null,
  ]);
  let answer = binaryVersionAnswers.get(key);
  if (answer === undefined) {
    answer = checkBinaryVersion.call(this);
    binaryVersionAnswers.set(key, answer);
  }
  return [...answer];
};

/** A scratch directory, on tmpfs where there is one (helpers/scratch-root.ts). */
export function scratch(prefix: string): string {
  try {
    return mkdtempSync(join(scratchRoot, prefix));
  } catch {
    return mkdtempSync(join(tmpdir(), prefix));
  }
}

/** Each stack's cdk.tf.json in a synth output directory, parsed, by stack id. */
export function readStacks(outdir: string): Record<string, TfJson> {
  const stacks: Record<string, TfJson> = {};
  for (const name of readdirSync(join(outdir, "stacks"))) {
    stacks[name] = JSON.parse(
      readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"),
    ) as TfJson;
  }
  return stacks;
}

/**
 * Runs a real `app.synth()` into a scratch directory and reads back what cdktf wrote, so tests
 * see exactly what Terraform would see. `options.environments` limits the stacks built (see
 * there for when a test may use it); `options.extend` may add stacks before synth.
 */
export function synthPlatform(input?: PlatformInput, options: SynthOptions = {}): SynthResult {
  return synthesize(input, options);
}

/** synthPlatform; with `keepAs`, its output directory is moved there instead of removed. */
function synthesize(
  input: PlatformInput | undefined,
  options: SynthOptions,
  keepAs?: string,
): SynthResult {
  const outdir = scratch("platform-synth-");
  let kept = false;
  try {
    const config = loadConfig(input);
    const environments = options.environments?.map((name) => {
      const environment = config.environments[name];
      if (environment === undefined) throw new Error(`no environment ${name} in the input`);
      return environment;
    });
    const app = new App({ outdir, stackTraces: false });
    const built = buildPlatform(app, {
      config,
      environments,
      terraformVersion: readTerraformVersion(),
    });
    options.extend?.(app, built);
    app.synth();
    const stacks = readStacks(outdir);
    if (keepAs !== undefined) {
      try {
        // Fails when another worker kept the same synth first: then this one is removed.
        renameSync(outdir, keepAs);
        kept = true;
      } catch {
        // Removed below.
      }
    }
    return { stacks, built };
  } finally {
    if (!kept) rmSync(outdir, { recursive: true, force: true });
  }
}

/** The stacks of a synth that every worker of a run may share (no construct tree). */
export type SharedSynth = Pick<SynthResult, "stacks">;

/*
 * The shipped and the fixture synths are the same in every worker of a run (the same sources
 * and inputs), and each worker needs both. The first worker to synthesize one moves its output
 * into the run's scratch directory (helpers/global-setup.ts) instead of removing it; a worker
 * that needs it later reads what cdktf wrote there, as it would read its own synth's files. A
 * worker that needs one before any is there synthesizes it itself, so no worker waits on
 * another. Not in watch mode, where the sources change between reruns in the same workers.
 */
let synthsDirectory: string | undefined;
function sharedDirectory(): string | undefined {
  if (!inject("shareSynths")) return undefined;
  if (synthsDirectory === undefined) {
    synthsDirectory = join(inject("runScratch"), "synths");
    mkdirSync(synthsDirectory, { recursive: true });
  }
  return synthsDirectory;
}

/**
 * `input` synthesized once per run under `name` where the run shares synths (see above). Only
 * its stacks are kept: a construct tree would stay in memory for the whole worker.
 */
function sharedSynth(
  name: string,
  input: () => PlatformInput | undefined,
  options: Pick<SynthOptions, "environments"> = {},
): SharedSynth {
  const dir = sharedDirectory();
  if (dir === undefined) return { stacks: synthPlatform(input(), options).stacks };
  const kept = join(dir, name);
  if (existsSync(kept)) return { stacks: readStacks(kept) };
  return { stacks: synthesize(input(), options, kept).stacks };
}

let shipped: SharedSynth | undefined;
/** The shipped configuration, synthesized once per worker, or once per run (sharedSynth). */
export function synthShipped(): SharedSynth {
  shipped ??= sharedSynth("shipped", () => undefined);
  return shipped;
}

let fixture: SharedSynth | undefined;
/** The fixture configuration (fixtures/config.ts), synthesized once per worker or run. */
export function synthFixture(): SharedSynth {
  fixture ??= sharedSynth("fixture", fixtureInput);
  return fixture;
}

let natlessDev: SharedSynth | undefined;
/**
 * The shipped configuration's dev alone, without NAT gateways: it reaches AWS through the
 * seven interface endpoints Fargate and DCV need. The cost estimate and the log router tests
 * both inspect it; synthesized once per worker or run. Read it, never change it.
 */
export function synthNatlessDev(): SharedSynth {
  natlessDev ??= sharedSynth(
    "natless-dev",
    () =>
      withEnv("dev", (e) => {
        e.network.natGateways = "none";
        e.network.interfaceEndpoints = [...FARGATE_API_ENDPOINTS, ...DCV_API_ENDPOINTS];
      }),
    { environments: ["dev"] },
  );
  return natlessDev;
}

/**
 * Synthesizes constructs added by `build` to a bare stack with an AWS provider, through a real
 * app.synth() so construct paths stay in the JSON metadata.
 */
export function synthConstruct(build: (stack: TerraformStack) => void): TfJson {
  const outdir = scratch("construct-synth-");
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    build(stack);
    app.synth();
    return JSON.parse(
      readFileSync(join(outdir, "stacks", "test", "cdk.tf.json"), "utf8"),
    ) as TfJson;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export type { Construct };
