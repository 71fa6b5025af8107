import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { loadConfig, platformInput, type EnvironmentInput, type PlatformInput } from "../config";
import { ACCOUNT_SINGLETON_NAMES } from "../config/account-singletons";
import { formatCidr, overlaps, parseCidr, type Ipv4Block } from "../lib/cidr";
import { reportFailure } from "../lib/error-report";

/*
 * `npm run new-env -- <name> --from <env> [--account <12 digits>]`: scaffolds config/<name>.ts
 * from an existing environment, registers it in config/index.ts, and validates the result.
 * The workflow needs no edit: its plan and deploy jobs are matrices over the configured
 * environments (npm run ci:environments). What must differ between two environments is
 * changed here: the VPC CIDR (the first free 10.N.0.0/16), the GitHub environment the deploy
 * role trusts (its OIDC subject), the state (keys are per environment; a shared bucket is
 * bootstrapped once), and, in a shared account, the account-wide singletons (referenced, not
 * created twice), the CloudTrail trail and an account-scoped budget. Everything else is a copy
 * to review.
 */

const ROOT = join(__dirname, "..");
const USAGE = "usage: npm run new-env -- <name> --from <env> [--account <12 digits>]";

export interface ScaffoldOptions {
  /** The new environment's name. */
  readonly name: string;
  /** The environment to copy. */
  readonly from: string;
  /**
   * The AWS account of the new environment.
   * @default the source environment's account
   */
  readonly account?: string;
}

class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "UsageError";
  }
}

/** Every string in a value, replaced by `change`. */
function mapStrings<T>(value: T, change: (s: string) => string): T {
  if (typeof value === "string") return change(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, change)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)]),
    ) as T;
  }
  return value;
}

/** Every IPv4 block named anywhere in the configuration (VPCs, agents, client ranges). */
function usedBlocks(input: PlatformInput): Ipv4Block[] {
  const blocks: Ipv4Block[] = [];
  mapStrings(input, (s) => {
    for (const m of s.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)) {
      try {
        const block = parseCidr(`${m[1]}/${m[2] ?? "32"}`);
        blocks.push(block);
      } catch {
        // Host bits set (an address inside a range): its /16 is what matters here.
        const [a, b] = m[1].split(".");
        blocks.push(parseCidr(`${a}.${b}.0.0/16`));
      }
    }
    return s;
  });
  return blocks;
}

/** The first 10.N.0.0/16 that overlaps nothing the configuration already uses. */
export function freeVpcCidr(input: PlatformInput): string {
  const used = usedBlocks(input);
  for (let n = 0; n < 256; n++) {
    const candidate = parseCidr(`10.${n}.0.0/16`);
    if (!used.some((b) => overlaps(b, candidate))) return formatCidr(candidate);
  }
  throw new Error("no free 10.N.0.0/16 left; set network.cidr by hand");
}

/** The new environment's configuration, derived from `from`'s. */
export function scaffoldEnvironment(
  input: PlatformInput,
  options: ScaffoldOptions,
): EnvironmentInput {
  const { name, from } = options;
  const source = input.environments[from] as EnvironmentInput | undefined;
  if (source === undefined) {
    throw new UsageError(
      `--from ${JSON.stringify(from)} names no configured environment; known: ${Object.keys(input.environments).join(", ")}`,
    );
  }
  if (!/^[a-z][a-z0-9]{0,9}$/.test(name)) {
    throw new UsageError(
      `${JSON.stringify(name)} is not an environment name: 1-10 characters, a lower-case letter, then lower-case letters or digits`,
    );
  }
  if (name in input.environments) {
    throw new UsageError(`${JSON.stringify(name)} is already an environment`);
  }
  const oldCidr = source.network.cidr;
  const newCidr = freeVpcCidr(input);
  const account = options.account ?? source.account;
  const sameAccount = account === source.account;
  // Names built from `<project>-<env>` (policy exception resources, ...) follow the rename;
  // the VPC CIDR follows wherever it is repeated (e.g. a consumer's client range of the VPC).
  const renamed = mapStrings(structuredClone(source), (s) =>
    s
      .split(`${input.project}-${from}-`)
      .join(`${input.project}-${name}-`)
      .split(oldCidr)
      .join(newCidr)
      .split(source.account)
      .join(account),
  );
  const env: EnvironmentInput = {
    ...renamed,
    name,
    account,
    network: {
      ...renamed.network,
      cidr: newCidr,
      // Subnet CIDRs pinned by hand belong to the old VPC.
      subnets: undefined,
    },
  };
  // DNS names one environment claims (config/uniqueness-rules.ts sharedNameIssues) get the new
  // environment's name in front, in the same hosted zone.
  const own = (domain: string) => `${name}.${domain}`;
  if (env.edge !== undefined) {
    env.edge = {
      ...env.edge,
      domain: own(env.edge.domain),
      ...(env.edge.originDomain === undefined ? {} : { originDomain: own(env.edge.originDomain) }),
    };
  }
  const listener = env.services?.alb.listener;
  if (env.services !== undefined && listener !== undefined && "domain" in listener) {
    env.services = {
      ...env.services,
      alb: { ...env.services.alb, listener: { ...listener, domain: own(listener.domain) } },
    };
  }
  const privateDns = env.dcv?.endpointService.privateDnsName;
  if (env.dcv !== undefined && privateDns !== undefined) {
    env.dcv = {
      ...env.dcv,
      endpointService: { ...env.dcv.endpointService, privateDnsName: own(privateDns) },
    };
  }
  if (env.state.backend === "s3" && sameAccount) {
    // One bucket per account, bootstrapped by the environment that already owns it.
    env.state = { ...env.state, bootstrap: false };
  }
  if (env.ci !== undefined) {
    // The deploy role trusts the workflow's job in this GitHub environment only.
    env.ci = {
      ...env.ci,
      githubEnvironment: name,
      ...(env.ci.planGithubEnvironment === undefined
        ? {}
        : { planGithubEnvironment: `${name}-plan` }),
    };
  }
  if (sameAccount) {
    env.accountSingletons = Object.fromEntries(
      ACCOUNT_SINGLETON_NAMES.map((s) => [s, "reference" as const]),
    );
    env.operations = {
      ...env.operations,
      trail: { ...env.operations?.trail, enabled: false },
      // A budget of the whole account would count the other environments' costs too.
      ...(env.operations?.budget === undefined
        ? {}
        : { budget: { ...env.operations.budget, scope: "environment-tag" as const } }),
    };
  }
  return env;
}

/**
 * Environments that would share the account with the new one while budgeting the whole
 * account: each must then count its own tagged costs only.
 */
export function accountBudgetsToRetag(input: PlatformInput, account: string): string[] {
  const config = loadConfig(input);
  return Object.values(config.environments)
    .filter((e) => e.account === account && e.operations.budget?.scope === "account")
    .map((e) => e.name);
}

/**
 * The configuration with the scaffolded environment added and, where it now shares an
 * account, the other environments' account-wide budgets scoped to their tag. Returns the keys
 * of the environments whose budget changed.
 */
export function scaffoldInto(
  input: PlatformInput,
  options: ScaffoldOptions,
): { input: PlatformInput; env: EnvironmentInput; retagged: string[] } {
  const env = scaffoldEnvironment(input, options);
  const retagged = accountBudgetsToRetag(input, env.account);
  const edited = structuredClone(input);
  for (const key of retagged) {
    const budget = edited.environments[key].operations?.budget;
    if (budget !== undefined) budget.scope = "environment-tag";
  }
  edited.environments[env.name] = env;
  return { input: edited, env, retagged };
}

/** config/<env>.ts with its budget scoped to the environment's tag. */
export function retagBudget(source: string, file: string): string {
  if (!/\bbudget: \{/.test(source) || /\bscope: "account"/.test(source)) {
    const replaced = source.replace(/\bscope: "account"/, 'scope: "environment-tag"');
    if (replaced !== source) return replaced;
    throw new Error(
      `${file}: set operations.budget.scope to "environment-tag" by hand (another environment now shares its account)`,
    );
  }
  return source.replace(/\bbudget: \{/, 'budget: { scope: "environment-tag",');
}

/** config/<name>.ts: the scaffolded environment as a reviewed-by-hand source file. */
export function environmentSource(env: EnvironmentInput, from: string): string {
  return `import type { EnvironmentInput } from "./schema";

/**
 * ${env.name}: scaffolded from ${from} by \`npm run new-env\`. Review every value before the first
 * deploy: the VPC CIDR, GitHub environment, state, account-wide singletons and DNS names (prefixed
 * with ${env.name}.) were made distinct; sizes, addresses and alarm recipients are ${from}'s.
 */
export const ${env.name}: EnvironmentInput = ${JSON.stringify(env, null, 2)};
`;
}

/** config/index.ts with the new environment imported and listed. */
export function registerEnvironment(index: string, name: string): string {
  const imports = [...index.matchAll(/^import \{ (\w+) \} from "\.\/(\w+)";$/gm)];
  const last = imports.at(-1);
  const list = /environments: \{ ([\w, ]+) \}/.exec(index);
  if (last === undefined || list === null) {
    throw new Error(
      "config/index.ts no longer has the shape new-env edits; add the environment by hand",
    );
  }
  const at = (last.index ?? 0) + last[0].length;
  return (index.slice(0, at) + `\nimport { ${name} } from "./${name}";` + index.slice(at)).replace(
    list[0],
    `environments: { ${list[1]}, ${name} }`,
  );
}

/** What is left to do by hand, in order. */
export function nextSteps(env: EnvironmentInput): string {
  const upper = env.name.toUpperCase();
  const ci = env.ci;
  const github =
    ci === undefined
      ? []
      : [
          `create the GitHub environments ${[ci.githubEnvironment, ci.planGithubEnvironment]
            .filter((e) => e !== undefined)
            .join(
              " and ",
            )}${env.production ? ` (required reviewers on ${ci.githubEnvironment ?? "the deploy environment"})` : ""}`,
          `apply ${env.state.backend === "s3" && env.state.bootstrap !== false ? "the bootstrap stack, then " : ""}the ci stack by hand and set the repository variables ${upper}_PLAN_ROLE_ARN, ${upper}_DEPLOY_ROLE_ARN and ${upper}_IMAGE_PUSH_ROLE_ARN from its outputs`,
        ];
  return [
    "next:",
    `  review config/${env.name}.ts (sizes, addresses, domains, alarm recipients), then npm run synth`,
    ...github.map((s) => `  ${s}`),
  ].join("\n");
}

function parseArgs(args: readonly string[]): ScaffoldOptions {
  const [name, ...rest] = args;
  if (name === undefined || name.startsWith("--")) throw new UsageError("missing <name>");
  const options: { from?: string; account?: string } = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1] as string | undefined;
    if (flag !== "--from" && flag !== "--account") {
      throw new UsageError(
        `${JSON.stringify(flag)} is not an option of new-env; options: --from, --account`,
      );
    }
    if (value === undefined || value.startsWith("--"))
      throw new UsageError(`${flag} needs a value`);
    options[flag === "--from" ? "from" : "account"] = value;
  }
  if (options.from === undefined) throw new UsageError("--from <env> is required");
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    throw new UsageError(
      `--account ${JSON.stringify(options.account)} is not a 12-digit AWS account id`,
    );
  }
  return { name, from: options.from, account: options.account };
}

/**
 * `text` as prettier formats `file` with the repository's options, so what new-env writes
 * already passes `npm run lint` (prettier --check): JSON.stringify quotes every key.
 */
export async function formatted(file: string, text: string): Promise<string> {
  // Loaded here, not at the top: the tests that import scaffoldInto never format.
  const prettier = await import("prettier");
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

export async function main(): Promise<void> {
  try {
    const at = process.argv.findIndex(
      (a, i) => i > 0 && /^new-env\.(ts|js|cjs)$/.test(basename(a)),
    );
    const options = parseArgs(process.argv.slice(at >= 0 ? at + 1 : 2));
    const file = join(ROOT, "config", `${options.name}.ts`);
    if (existsSync(file)) throw new UsageError(`config/${options.name}.ts already exists`);
    const { input, env, retagged: retag } = scaffoldInto(platformInput, options);
    // Validate before writing anything: a scaffold that does not load is not written.
    loadConfig(input);
    const retagged = retag.map((key) => {
      const path = join(ROOT, "config", `${key}.ts`);
      return { key, path, text: retagBudget(readFileSync(path, "utf8"), `config/${key}.ts`) };
    });
    const indexFile = join(ROOT, "config", "index.ts");
    const writes = [
      { path: file, text: environmentSource(env, options.from) },
      { path: indexFile, text: registerEnvironment(readFileSync(indexFile, "utf8"), options.name) },
      ...retagged,
    ];
    const texts = await Promise.all(writes.map((w) => formatted(w.path, w.text)));
    writes.forEach((w, i) => {
      writeFileSync(w.path, texts[i]);
    });
    console.log(
      [
        `wrote config/${options.name}.ts (from ${options.from}) and registered it in config/index.ts`,
        `  VPC CIDR ${env.network.cidr}, state key prefix .../${options.name}/..., GitHub environment ${env.ci?.githubEnvironment ?? "(no ci)"}`,
        ...retagged.map(
          (r) =>
            `  config/${r.key}.ts: operations.budget.scope is now "environment-tag" (the account is shared)`,
        ),
        `  infra.yml plans and deploys it ${env.production ? "as production (reviewed plan, approved apply)" : "with the non-production environments"} from the next push: its jobs follow the configuration`,
        nextSteps(env),
      ].join("\n"),
    );
  } catch (error) {
    reportFailure(error);
  }
}

if (require.main === module) void main();
