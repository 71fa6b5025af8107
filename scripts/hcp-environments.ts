import { readFileSync } from "node:fs";
import { loadConfig, type PlatformConfig } from "../config";

/*
 * `npm run -s hcp:environments`: which environments HCP Terraform runs, as GitHub step outputs
 * (`key=value` lines). The infra-hcp workflow reads them to decide whether it has anything to
 * do: with every environment on S3 state it stops after this one step.
 * `npm run -s hcp:environments -- --s3`: the other side, the environments infra.yml plans and
 * deploys with the GitHub OIDC roles (S3 state), so it leaves cloud-mode environments alone.
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

/** One entry of infra.yml's pull-request plan matrix. */
export interface S3PlanEntry {
  readonly environment: string;
  /** The GitHub environment whose token subject the plan role trusts. */
  readonly github_environment: string;
  /** The repository variable holding the plan role's ARN. */
  readonly role_variable: string;
}

/**
 * infra.yml's step outputs: `s3_<env>=true|false` per environment for the deploy jobs'
 * conditions and `plan_matrix`, the S3 environments as a JSON matrix (non-production first).
 * Every environment not on S3 state is infra-hcp.yml's (or, with local execution, a
 * workstation's): infra.yml has no role for it.
 */
export function s3StepOutputs(config: PlatformConfig): string {
  const envs = Object.values(config.environments).sort(
    (a, b) => Number(a.production) - Number(b.production),
  );
  const matrix: S3PlanEntry[] = envs
    .filter((env) => env.state.backend === "s3")
    .map((env) => ({
      environment: env.name,
      github_environment: env.ci?.planGithubEnvironment ?? "",
      role_variable: `${env.name.toUpperCase().replace(/-/g, "_")}_PLAN_ROLE_ARN`,
    }));
  return [
    ...envs.map((env) => `s3_${env.name}=${String(env.state.backend === "s3")}`),
    `plan_matrix=${JSON.stringify(matrix)}`,
  ].join("\n");
}

if (require.main === module) {
  // A configuration input as JSON instead of config/: the workflow tests run this on fixtures.
  const file = process.env.HCP_ENVIRONMENTS_CONFIG_JSON;
  const config =
    file === undefined ? loadConfig() : loadConfig(JSON.parse(readFileSync(file, "utf8")));
  const s3 = process.argv.slice(2).includes("--s3");
  process.stdout.write(`${s3 ? s3StepOutputs(config) : stepOutputs(config)}\n`);
}
