import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig, selectEnvironments, type PlatformConfig, type PlatformInput } from "./config";
import { readTerraformVersion } from "./config/toolchain";
import { synthAtomically } from "./lib/atomic-synth";
import { reportFailure } from "./lib/error-report";
import { buildPlatform, type EnvironmentStacks } from "./stacks";

export interface CreateAppOptions {
  /**
   * Output directory.
   * @default CDKTF_OUTDIR, else "cdktf.out" (cdktf's own rule)
   */
  readonly outdir?: string;
  /**
   * Comma-separated environments to build.
   * @default PLATFORM_ENVIRONMENTS, else every environment
   */
  readonly environments?: string;
  /**
   * What the selection came from, named in its error message.
   * @default "PLATFORM_ENVIRONMENTS"
   */
  readonly environmentsSource?: string;
  /**
   * The configuration, in the shape config/*.ts give it (tests pass their own).
   * @default the shipped configuration (config/index.ts)
   */
  readonly input?: PlatformInput;
}

/**
 * Builds the App: validates the whole configuration before creating a single construct, so a
 * bad value fails with one message and nothing reaches the output directory.
 *
 * Every environment's constructs are created and synthesized, selected or not: the rules that
 * live in the constructs (module validation, policy checks) then run for all of them, so
 * `--env dev` never lets a broken prod through. Unselected ones go into a throwaway app whose
 * output is deleted.
 */
export function createApp(options: CreateAppOptions = {}): {
  app: App;
  config: PlatformConfig;
  stacks: Record<string, EnvironmentStacks>;
} {
  const config = loadConfig(options.input);
  const environments = selectEnvironments(
    config,
    options.environments ?? process.env.PLATFORM_ENVIRONMENTS,
    options.environmentsSource,
  );
  const terraformVersion = readTerraformVersion();
  const others = Object.values(config.environments).filter((e) => !environments.includes(e));
  if (others.length > 0) {
    const scratch = mkdtempSync(join(tmpdir(), "platform-validate-"));
    try {
      const unselected = new App({ outdir: scratch, stackTraces: false });
      buildPlatform(unselected, { config, environments: others, terraformVersion });
      // Synthesized too: the policy checks run as cdktf validations during synth.
      unselected.synth();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const stacks = buildPlatform(app, { config, environments, terraformVersion });
  return { app, config, stacks };
}

/**
 * `cdktf synth`/`diff`/`deploy` run this through the cdktf.json app command, precompiled by
 * scripts/app.cjs: the same one message as `npm run synth` on failure, and the output
 * directory replaced only on success.
 */
export function main(): void {
  try {
    synthAtomically(process.env.CDKTF_OUTDIR ?? "cdktf.out", (scratch) => {
      createApp({ outdir: scratch }).app.synth();
    });
  } catch (error) {
    reportFailure(error);
  }
}

if (require.main === module) main();
