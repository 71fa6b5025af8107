import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/**
 * Runs a real `app.synth()` into a scratch directory and reads back what cdktf wrote, so tests
 * see exactly what Terraform would see. `extend` may add stacks (e.g. a consumer) before synth.
 */
export function synthPlatform(
  input?: PlatformInput,
  extend?: (app: App, built: Record<string, EnvironmentStacks>) => void,
): SynthResult {
  const outdir = mkdtempSync(join(tmpdir(), "platform-synth-"));
  try {
    const config = loadConfig(input);
    const app = new App({ outdir, stackTraces: false });
    const built = buildPlatform(app, { config, terraformVersion: readTerraformVersion() });
    extend?.(app, built);
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
/** The shipped configuration, synthesized once per test file. */
export function synthShipped(): SynthResult {
  shipped ??= synthPlatform();
  return shipped;
}

/**
 * Synthesizes constructs added by `build` to a bare stack with an AWS provider, through a real
 * app.synth() so construct paths stay in the JSON metadata.
 */
export function synthConstruct(build: (stack: TerraformStack) => void): TfJson {
  const outdir = mkdtempSync(join(tmpdir(), "construct-synth-"));
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
