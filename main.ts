import { App } from "cdktf";
import { loadConfig, selectEnvironments, type PlatformConfig } from "./config";
import { readTerraformVersion } from "./config/toolchain";
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
}

/**
 * Builds the App: validates the whole configuration before creating a single construct, so a
 * bad value fails with one message and nothing reaches the output directory.
 */
export function createApp(options: CreateAppOptions = {}): {
  app: App;
  config: PlatformConfig;
  stacks: Record<string, EnvironmentStacks>;
} {
  const config = loadConfig();
  const environments = selectEnvironments(
    config,
    options.environments ?? process.env.PLATFORM_ENVIRONMENTS,
  );
  const terraformVersion = readTerraformVersion();
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const stacks = buildPlatform(app, { config, environments, terraformVersion });
  return { app, config, stacks };
}

/** `cdktf synth`'s app command (cdktf.json) runs this, precompiled by scripts/app.cjs. */
export function main(): void {
  createApp().app.synth();
}

if (require.main === module) main();
