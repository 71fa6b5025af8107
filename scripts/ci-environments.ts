import { readFileSync } from "node:fs";
import { loadConfig, type EnvironmentConfig, type PlatformConfig } from "../config";
import { reportFailure } from "../lib/error-report";

/*
 * `npm run -s ci:environments`: the environments .github/workflows/infra.yml plans and deploys,
 * as GitHub step outputs (`key=value` lines, JSON matrices), so the workflow has no list of its
 * own to keep in step with config/: a new environment is planned and deployed by the next run.
 * Only environments on S3 state with a `ci` block are here: cloud-mode ones are infra-hcp.yml's
 * (or, with local execution, a workstation's) and an environment without `ci` has no role for
 * the workflow to assume.
 * `npm run -s ci:environments -- --image <env>`: the GitHub environment and role variable of
 * the images job for one environment; fails naming the configured ones for any other name.
 */

/** One environment of a plan or deploy matrix. */
export interface CiMatrixEntry {
  /** The configured environment's name (PLATFORM_ENVIRONMENTS of the job). */
  readonly environment: string;
  /** The GitHub environment the job runs in: its token subject is what the role trusts. */
  readonly github_environment: string;
  /** The repository variable holding the ARN of the role the job assumes. */
  readonly role_variable: string;
}

/** One production environment: planned for review, then the reviewed plan applied. */
export interface CiProductionEntry {
  readonly environment: string;
  /** GitHub environment of the plan job (ci.planGithubEnvironment). */
  readonly plan_github_environment: string;
  /** Repository variable with the read-only plan role's ARN. */
  readonly plan_role_variable: string;
  /** GitHub environment of the apply job (ci.githubEnvironment; its reviewers approve). */
  readonly github_environment: string;
  /** Repository variable with the deploy role's ARN. */
  readonly role_variable: string;
}

/** `<ENV>_<KIND>_ROLE_ARN`: the repository variable the ci stack's output goes into. */
export function roleVariable(environment: string, kind: "PLAN" | "DEPLOY" | "IMAGE_PUSH"): string {
  return `${environment.toUpperCase().replace(/-/g, "_")}_${kind}_ROLE_ARN`;
}

/** The environments infra.yml runs, non-production first, each group in configuration order. */
export function workflowEnvironments(config: PlatformConfig): EnvironmentConfig[] {
  const envs = Object.values(config.environments).filter(
    (env) => env.state.backend === "s3" && env.ci !== undefined,
  );
  return [...envs.filter((e) => !e.production), ...envs.filter((e) => e.production)];
}

/** The matrices of infra.yml's plan, deploy, plan-production and deploy-production jobs. */
export function workflowMatrices(config: PlatformConfig): {
  plan: CiMatrixEntry[];
  deploy: CiMatrixEntry[];
  production: CiProductionEntry[];
} {
  const envs = workflowEnvironments(config);
  return {
    plan: envs.map((env) => ({
      environment: env.name,
      github_environment: env.ci?.planGithubEnvironment ?? "",
      role_variable: roleVariable(env.name, "PLAN"),
    })),
    deploy: envs
      .filter((env) => !env.production)
      .map((env) => ({
        environment: env.name,
        github_environment: env.ci?.githubEnvironment ?? "",
        role_variable: roleVariable(env.name, "DEPLOY"),
      })),
    production: envs
      .filter((env) => env.production)
      .map((env) => ({
        environment: env.name,
        plan_github_environment: env.ci?.planGithubEnvironment ?? "",
        plan_role_variable: roleVariable(env.name, "PLAN"),
        github_environment: env.ci?.githubEnvironment ?? "",
        role_variable: roleVariable(env.name, "DEPLOY"),
      })),
  };
}

/** infra.yml's checks step outputs: the three matrices as JSON. */
export function workflowStepOutputs(config: PlatformConfig): string {
  const { plan, deploy, production } = workflowMatrices(config);
  return [
    `plan_matrix=${JSON.stringify(plan)}`,
    `deploy_matrix=${JSON.stringify(deploy)}`,
    `production_matrix=${JSON.stringify(production)}`,
  ].join("\n");
}

/** The images job's GitHub environment (the deploy job's: same approvals) and push role. */
export function imageTargetOutputs(config: PlatformConfig, name: string): string {
  const env = workflowEnvironments(config).find((e) => e.name === name);
  if (env === undefined) {
    const known = workflowEnvironments(config).map((e) => e.name);
    const error = new Error(
      `environment ${JSON.stringify(name)} is not one this workflow deploys (S3 state and a ci block); use one of: ${known.join(", ")}`,
    );
    // A wrong input, not a bug: reported as the message alone.
    error.name = "UsageError";
    throw error;
  }
  return [
    `github_environment=${env.ci?.githubEnvironment ?? ""}`,
    `role_variable=${roleVariable(env.name, "IMAGE_PUSH")}`,
  ].join("\n");
}

/**
 * The command: the step outputs, or with `--image <env>` the images job's. Other arguments are
 * ignored, as they always were. A refusal prints its message and sets exit code 1.
 */
export function main(args: readonly string[] = process.argv.slice(2)): void {
  // A configuration input as JSON instead of config/: the workflow tests run this on fixtures.
  const file = process.env.CI_ENVIRONMENTS_CONFIG_JSON;
  try {
    const config =
      file === undefined ? loadConfig() : loadConfig(JSON.parse(readFileSync(file, "utf8")));
    const image = args.indexOf("--image");
    process.stdout.write(
      `${image >= 0 ? imageTargetOutputs(config, args[image + 1] ?? "") : workflowStepOutputs(config)}\n`,
    );
  } catch (error) {
    reportFailure(error);
  }
}

if (require.main === module) main();
