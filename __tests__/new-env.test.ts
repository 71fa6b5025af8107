import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { freeVpcCidr, scaffoldInto } from "../scripts/new-env";
import { FIXTURE, fixtureInput } from "./fixtures/config";
import { rejection } from "./helpers/config";
import { RepoCopy } from "./helpers/repo-copy";
import { run, type Ran } from "./helpers/spawn";
import { pathWithNpmStandIn } from "./helpers/workflow-steps";

/*
 * `npm run new-env -- <name> --from <env>`: a third environment that validates and
 * synthesizes, distinct where two environments must differ. (The invariant suite runs on a
 * scaffolded third environment too: __tests__/invariants.test.ts.)
 */
describe("scaffolding an environment (scaffoldInto)", () => {
  const base = fixtureInput();
  const { input, env, retagged } = scaffoldInto(base, {
    name: "third",
    from: FIXTURE.nonProduction,
  });
  const config = loadConfig(input);
  const source = config.environments[FIXTURE.nonProduction];
  const third = config.environments.third;

  it("validates together with every existing environment", () => {
    expect(Object.keys(config.environments)).toEqual([...Object.keys(base.environments), "third"]);
  });

  it("gets a VPC CIDR no other environment or address uses", () => {
    expect(third.network.cidr).toBe(freeVpcCidr(base));
    for (const other of Object.values(base.environments))
      expect(third.network.cidr).not.toBe(other.network.cidr);
  });

  it("gets its own GitHub subject and state keys, sharing the bucket its account already has", () => {
    expect(third.ci?.githubEnvironment).toBe("third");
    expect(third.ci?.githubEnvironment).not.toBe(source.ci?.githubEnvironment);
    expect(third.state).toMatchObject({ backend: "s3", bootstrap: false });
    if (third.state.backend === "s3" && source.state.backend === "s3")
      expect(third.state.bucket).toBe(source.state.bucket);
  });

  it("references, never creates, the singletons of an account it shares", () => {
    expect(Object.values(third.accountSingletons).every((m) => m === "reference")).toBe(true);
    expect(third.operations.trail.enabled).toBe(false);
  });

  it("scopes budgets to the environment tag once the account is shared", () => {
    expect(retagged).toEqual([FIXTURE.nonProduction]);
    expect(third.operations.budget?.scope).toBe("environment-tag");
    expect(source.operations.budget?.scope).toBe("environment-tag");
  });

  it("in another account, bootstraps its own bucket and owns that account's singletons", () => {
    const other = scaffoldInto(fixtureInput(), {
      name: "fourth",
      from: FIXTURE.production,
      account: "999999999999",
    });
    const fourth = loadConfig(other.input).environments.fourth;
    expect(fourth.account).toBe("999999999999");
    expect(fourth.state).toMatchObject({ bootstrap: true });
    if (fourth.state.backend === "s3") expect(fourth.state.bucket).toContain("999999999999");
    expect(fourth.accountSingletons).toEqual(other.env.accountSingletons ?? {});
    expect(fourth.production).toBe(true);
    expect(other.retagged).toEqual([]);
  });

  it("refuses a name that is taken, a bad name and an unknown source", () => {
    expect(() =>
      scaffoldInto(fixtureInput(), { name: FIXTURE.production, from: FIXTURE.nonProduction }),
    ).toThrow(/is already an environment/);
    expect(() =>
      scaffoldInto(fixtureInput(), { name: "Staging", from: FIXTURE.nonProduction }),
    ).toThrow(/is not an environment name/);
    expect(() => scaffoldInto(fixtureInput(), { name: "x", from: "nope" })).toThrow(
      /--from "nope" names no configured environment/,
    );
  });

  it("is what the cross-environment rules would otherwise refuse", () => {
    // Without the scaffold's changes the copy collides with its source.
    const naive = fixtureInput();
    naive.environments.copy = {
      ...structuredClone(naive.environments[FIXTURE.nonProduction]),
      name: "copy",
    };
    expect(rejection(naive)).toMatch(/environments\.copy\./);
    expect(env.name).toBe("third");
  });
});

describe("npm run new-env", () => {
  const root = join(__dirname, "..");
  // A name the configuration does not use yet (a checkout may already have a staging).
  const shipped = loadConfig();
  const name = ["staging", "qa", "preprod", "uat"].find((n) => !(n in shipped.environments)) ?? "";
  const from = Object.values(shipped.environments).find((e) => !e.production)?.name ?? "";

  let repo: RepoCopy;
  let out: string;
  let workflowBefore: string;
  let made: Ran;
  let listed: Ran;
  let synth: Ran;
  let refused: Ran;
  let written: string[];
  let unformatted: string[];
  /** PATH with the npm stand-in first. */
  let path: string;

  /**
   * `npm run -s <script> -- <args>` in the copy, as a user runs it; `npm` is the stand-in
   * (helpers/npm-stand-in.sh), which runs the copy's script line as npm does, without npm's
   * own start-up.
   */
  const npmRun = (script: string, args: string[] = []) =>
    run("npm", ["run", "-s", script, "--", ...args], {
      cwd: repo.dir,
      env: { ...process.env, PATH: path, PLATFORM_ENVIRONMENTS: "", CDKTF_OUTDIR: "" },
    });

  /** config/*.ts files of the copy that new-env created or changed. */
  const changedConfig = () =>
    readdirSync(join(repo.dir, "config"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `config/${f}`)
      .filter(
        (f) => !existsSync(join(root, f)) || readFileSync(join(root, f), "utf8") !== repo.read(f),
      );

  /** Those of `files` that `npm run lint` (prettier --check) would flag, with the copy's options. */
  const notPrettierClean = async (files: string[]) => {
    const prettier = await import("prettier");
    const clean = await Promise.all(
      files.map(async (f) => {
        const path = join(repo.dir, f);
        const options = await prettier.resolveConfig(path);
        return prettier.check(repo.read(f), { ...options, filepath: path });
      }),
    );
    return files.filter((_, i) => !clean[i]);
  };

  // One fresh copy, new-env first; then what only reads its result runs together (the
  // refusal needs the file to exist), and the tests inspect what each process left.
  beforeAll(async () => {
    repo = new RepoCopy();
    out = join(repo.dir, "out");
    // In the copy's directory but outside config/ and its tracked files.
    path = pathWithNpmStandIn(join(repo.dir, ".npm-stand-in"), process.env.PATH ?? "");
    workflowBefore = repo.read(".github/workflows/infra.yml");
    made = await npmRun("new-env", [name, "--from", from]);
    written = changedConfig();
    [listed, synth, refused, unformatted] = await Promise.all([
      npmRun("ci:environments"),
      npmRun("synth", ["--out", out]),
      npmRun("new-env", [name, "--from", from]),
      notPrettierClean(written),
    ]);
  }, 300_000);
  afterAll(() => {
    repo.remove();
  });

  it("writes config/<name>.ts, registers it, the workflow deploys it unedited, and it synthesizes", () => {
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(new RegExp(`^wrote config/${name}\\.ts`));
    expect(made.stdout).toContain(`${name.toUpperCase()}_DEPLOY_ROLE_ARN`);
    expect(repo.read("config/index.ts")).toContain(`import { ${name} } from "./${name}";`);

    // The workflow is not edited: its checks step lists the new environment among those it
    // plans and deploys (non-production: deployed after checks, before any production plan).
    expect(repo.read(".github/workflows/infra.yml")).toBe(workflowBefore);
    expect(listed.code).toBe(0);
    const deploy = /^deploy_matrix=(.*)$/m.exec(listed.stdout)?.[1] ?? "[]";
    expect(JSON.parse(deploy)).toContainEqual({
      environment: name,
      github_environment: name,
      role_variable: `${name.toUpperCase()}_DEPLOY_ROLE_ARN`,
    });
    // What it writes passes the lint as written: no formatting step is left to the user.
    expect(written).toEqual(expect.arrayContaining([`config/${name}.ts`, "config/index.ts"]));
    expect(unformatted).toEqual([]);

    expect(synth.stderr).toBe("");
    expect(synth.code).toBe(0);
    const stacks = readdirSync(join(out, "stacks"));
    expect(
      stacks.filter((s) => s.startsWith(`${shipped.project}-${name}-`)).length,
    ).toBeGreaterThan(3);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toContain(
      `${shipped.project}-${name}-`,
    );
  });

  it("refuses an existing environment with one message", () => {
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^config/${name}\\.ts already exists\nusage: npm run new-env`),
    );
  });
});
