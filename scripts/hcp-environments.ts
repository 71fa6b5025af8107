import { readFileSync } from "node:fs";
import { loadConfig, type PlatformConfig } from "../config";
import { reportFailure } from "../lib/error-report";

/*
 * `npm run -s hcp:environments`: which environments HCP Terraform runs, as GitHub step outputs
 * (`key=value` lines). The infra-hcp workflow reads them to decide whether it has anything to
 * do: with every environment on S3 state it stops after this one step. The other side, the
 * environments infra.yml plans and deploys, is `npm run -s ci:environments`.
 */

/** One environment the workflow plans and deploys through HCP Terraform. */
export interface HcpEnvironment {
  readonly environment: string;
  readonly hostname: string;
  /** The variable Terraform reads the host's API token from (`TF_TOKEN_<host>`). */
  readonly token_variable: string;
}

/** `TF_TOKEN_app_terraform_io`: dots become "_", hyphens "__" (Terraform's own encoding). */
export function tokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/-/g, "__").replace(/\./g, "_")}`;
}

/**
 * Environments whose state and runs are in HCP Terraform, split by production. `local`
 * execution mode is left out: its runs need AWS credentials where cdktf runs, which this
 * workflow deliberately never has.
 */
export function hcpEnvironments(config: PlatformConfig): {
  nonProduction: HcpEnvironment[];
  production: HcpEnvironment[];
} {
  const all = Object.values(config.environments).flatMap((env) =>
    env.state.backend === "cloud" && env.state.executionMode !== "local"
      ? [
          {
            production: env.production,
            entry: {
              environment: env.name,
              hostname: env.state.hostname,
              token_variable: tokenVariable(env.state.hostname),
            },
          },
        ]
      : [],
  );
  return {
    nonProduction: all.filter((e) => !e.production).map((e) => e.entry),
    production: all.filter((e) => e.production).map((e) => e.entry),
  };
}

/** The step outputs: JSON lists for matrices and `any` for job conditions. */
export function stepOutputs(config: PlatformConfig): string {
  const { nonProduction, production } = hcpEnvironments(config);
  return [
    `any=${String(nonProduction.length + production.length > 0)}`,
    `all=${JSON.stringify([...nonProduction, ...production])}`,
    `nonproduction=${JSON.stringify(nonProduction)}`,
    `production=${JSON.stringify(production)}`,
  ].join("\n");
}

/**
 * The command: the step outputs of the configuration (arguments are ignored). A configuration
 * that does not load prints its one message and sets exit code 1.
 */
export function main(): void {
  // A configuration input as JSON instead of config/: the workflow tests run this on fixtures.
  const file = process.env.HCP_ENVIRONMENTS_CONFIG_JSON;
  try {
    const config =
      file === undefined ? loadConfig() : loadConfig(JSON.parse(readFileSync(file, "utf8")));
    process.stdout.write(`${stepOutputs(config)}\n`);
  } catch (error) {
    reportFailure(error);
  }
}

if (require.main === module) main();
