import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { loadConfig, type PlatformInput } from "../../config";
import { readTerraformVersion } from "../../config/toolchain";
import { buildPlatform, type EnvironmentStacks } from "../../stacks";
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

/*
 * Scratch directories on tmpfs where there is one: creating, writing and removing a stack
 * directory per stack on every synth costs a disk-backed /tmp several times the system time.
 */
const scratchRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
function scratch(prefix: string): string {
  try {
    return mkdtempSync(join(scratchRoot, prefix));
  } catch {
    return mkdtempSync(join(tmpdir(), prefix));
  }
}

/**
 * Runs a real `app.synth()` into a scratch directory and reads back what cdktf wrote, so tests
 * see exactly what Terraform would see. `options.environments` limits the stacks built (see
 * there for when a test may use it); `options.extend` may add stacks before synth.
 */
export function synthPlatform(input?: PlatformInput, options: SynthOptions = {}): SynthResult {
  const outdir = scratch("platform-synth-");
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
    const stacks: Record<string, TfJson> = {};
    for (const name of readdirSync(join(outdir, "stacks"))) {
      stacks[name] = JSON.parse(
        readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"),
      ) as TfJson;
    }
    return { stacks, built };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

let shipped: SynthResult | undefined;
/** The shipped configuration, synthesized once per worker. */
export function synthShipped(): SynthResult {
  shipped ??= synthPlatform();
  return shipped;
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
