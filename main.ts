import { App } from "cdktf";
import { loadConfig, selectEnvironments } from "./config";
import { readTerraformVersion } from "./config/toolchain";
import { buildPlatform } from "./stacks";

/*
 * The cdktf app: validates the whole configuration before creating a single construct, so a
 * bad value fails with one message and nothing is written to cdktf.out.
 * PLATFORM_ENVIRONMENTS=dev limits the synth to some environments.
 */
const config = loadConfig();
const environments = selectEnvironments(config, process.env.PLATFORM_ENVIRONMENTS);
const terraformVersion = readTerraformVersion();

const app = new App();
buildPlatform(app, { config, environments, terraformVersion });
app.synth();
