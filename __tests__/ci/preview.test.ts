import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TerraformStack } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewArgs } from "../../scripts/preview";
import { FORCE_NEW } from "../../scripts/preview-force-new";
import {
  preview,
  renderMarkdown,
  renderText,
  type StackDocument,
} from "../../scripts/preview-diff";
import { rejection, shippedInput } from "../helpers/config";
import { commandWords, packageScripts } from "../helpers/package";
import { run } from "../helpers/spawn";
import { synthPlatform, synthShipped } from "../helpers/synth";
import { scratchApp } from "../helpers/scratch-app";

const root = resolve(__dirname, "../..");

/*
 * The offline change preview, on hand-written fixtures shaped like cdktf's output and on the
 * shipped configuration synthesized before and after an edit.
 */

const meta = (path: string) => ({ "//": { metadata: { path } } });
const NET = "platform-prod-network";
const network = (
  cidr: string,
  azs: readonly string[],
  tags: Record<string, string> = {},
): StackDocument => ({
  resource: {
    aws_vpc: { vpc: { ...meta(`${NET}/network/vpc`), cidr_block: cidr, tags } },
    aws_subnet: Object.fromEntries(
      azs.map((az, i) => [
        `private-${i}`,
        {
          ...meta(`${NET}/network/private-${i}`),
          vpc_id: "${aws_vpc.vpc.id}",
          cidr_block: cidr.replace(/\.0\.0\/16$/, `.${i * 16}.0/20`),
          availability_zone: az,
        },
      ]),
    ),
    aws_route_table: {
      private: { ...meta(`${NET}/network/private-rt`), vpc_id: "${aws_vpc.vpc.id}" },
    },
  },
});
const AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"];
const DATA = "platform-prod-data";
const data = (identifier: string, withKey = true): StackDocument => ({
  resource: {
    ...(withKey
      ? { aws_kms_key: { key: { ...meta(`${DATA}/database/key`), enable_key_rotation: true } } }
      : {}),
    aws_db_instance: {
      instance: {
        ...meta(`${DATA}/database/instance`),
        identifier,
        kms_key_id: withKey ? "${aws_kms_key.key.arn}" : "arn:aws:kms:ap-northeast-1:1:key/x",
        lifecycle: { prevent_destroy: true },
      },
    },
  },
});
const actionsOf = (report: ReturnType<typeof preview>) =>
  Object.fromEntries(report.stacks.flatMap((s) => s.changes.map((c) => [c.path, c.action])));

describe("preview: classification", () => {
  it("replaces the VPC and every subnet when the VPC CIDR changes", () => {
    const report = preview(
      { [NET]: network("10.20.0.0/16", AZS) },
      { [NET]: network("10.30.0.0/16", AZS) },
    );
    expect(report.blocking.map((c) => c.path).sort()).toEqual([
      `${NET}/network/private-0`,
      `${NET}/network/private-1`,
      `${NET}/network/private-2`,
      `${NET}/network/vpc`,
    ]);
    expect(report.blocking.every((c) => c.action === "replace")).toBe(true);
    const vpc = report.blocking.find((c) => c.type === "aws_vpc");
    expect(vpc?.reasons).toEqual([
      'cidr_block: "10.20.0.0/16" -> "10.30.0.0/16" (forces replacement)',
    ]);
  });

  it("replaces subnets whose AZ moves when the AZ list is reordered, and nothing else", () => {
    const report = preview(
      { [NET]: network("10.20.0.0/16", AZS) },
      { [NET]: network("10.20.0.0/16", [AZS[1], AZS[0], AZS[2]]) },
    );
    expect(actionsOf(report)).toEqual({
      [`${NET}/network/private-0`]: "replace",
      [`${NET}/network/private-1`]: "replace",
    });
    expect(report.blocking[0].reasons[0]).toMatch(
      /^availability_zone: "ap-northeast-1a" -> "ap-northeast-1c"/,
    );
  });

  it("replaces a database whose identifier changes, and says prevent_destroy will stop the apply", () => {
    const report = preview(
      { [DATA]: data("platform-prod-db") },
      { [DATA]: data("platform-prod-database") },
    );
    expect(report.blocking).toHaveLength(1);
    expect(report.blocking[0]).toMatchObject({
      type: "aws_db_instance",
      action: "replace",
      stateful: true,
      preventDestroy: true,
    });
    expect(renderText(report)).toContain("(prevent_destroy: apply will refuse)");
  });

  it("destroys a removed KMS key, and replaces the database that names it", () => {
    const report = preview(
      { [DATA]: data("platform-prod-db") },
      { [DATA]: data("platform-prod-db", false) },
    );
    expect(actionsOf(report)).toEqual({
      [`${DATA}/database/key`]: "delete",
      [`${DATA}/database/instance`]: "replace",
    });
    expect(report.blocking.map((c) => c.type).sort()).toEqual(["aws_db_instance", "aws_kms_key"]);
  });

  it("follows references: a subnet whose VPC is replaced is replaced even when it looks the same", () => {
    const before = network("10.20.0.0/16", AZS);
    const after = structuredClone(before) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    after.resource.aws_vpc.vpc.ipv4_ipam_pool_id = "ipam-pool-1";
    const report = preview({ [NET]: before }, { [NET]: after });
    expect(report.blocking).toHaveLength(4);
    expect(report.blocking.find((c) => c.path.endsWith("private-2"))?.reasons).toEqual([
      "vpc_id refers to aws_vpc.vpc, which is replaced or destroyed (forces replacement)",
    ]);
  });

  it("changes tags in place and passes", () => {
    const report = preview(
      { [NET]: network("10.20.0.0/16", AZS) },
      { [NET]: network("10.20.0.0/16", AZS, { Owner: "platform-team" }) },
    );
    expect(actionsOf(report)).toEqual({ [`${NET}/network/vpc`]: "update" });
    expect(report.stacks[0].changes[0].reasons).toEqual(["changes tags"]);
    expect(report.blocking).toEqual([]);
  });

  it("treats a renamed construct id as destroy and create, and a moved block as a move", () => {
    const before = network("10.20.0.0/16", AZS);
    const renamed = structuredClone(before) as {
      resource: Record<string, Record<string, unknown>>;
    };
    renamed.resource.aws_vpc = { main: renamed.resource.aws_vpc.vpc };
    const report = preview({ [NET]: before }, { [NET]: renamed as unknown as StackDocument });
    expect(report.blocking.find((c) => c.type === "aws_vpc")?.action).toBe("delete");
    const moved = preview(
      { [NET]: before },
      {
        [NET]: {
          ...(renamed as unknown as StackDocument),
          moved: [{ from: "aws_vpc.vpc", to: "aws_vpc.main" }],
        },
      },
    );
    expect(moved.stacks[0].changes.find((c) => c.type === "aws_vpc")).toMatchObject({
      action: "update",
      reasons: ["moved from aws_vpc.vpc"],
    });
  });

  it("ignores set order where the provider does (Aurora availability_zones)", () => {
    const cluster = (azs: string[]): StackDocument => ({
      resource: {
        aws_rds_cluster: { db: { ...meta(`${DATA}/database/cluster`), availability_zones: azs } },
      },
    });
    expect(
      preview({ [DATA]: cluster(["a", "b", "c"]) }, { [DATA]: cluster(["c", "a", "b"]) }).stacks[0]
        .changes,
    ).toEqual([]);
    expect(
      preview({ [DATA]: cluster(["a", "b", "c"]) }, { [DATA]: cluster(["a", "b"]) }).blocking,
    ).toHaveLength(1);
  });

  it("lets acknowledged changes through, and names acknowledgements that match nothing", () => {
    const report = preview(
      { [DATA]: data("platform-prod-db") },
      { [DATA]: data("platform-prod-db", false) },
      [`${DATA}/database/key`, `${DATA}/aws_db_instance.instance`, `${DATA}/database/gone`],
    );
    expect(report.blocking).toEqual([]);
    expect(report.acknowledged).toHaveLength(2);
    expect(report.unusedAcknowledgements).toEqual([`${DATA}/database/gone`]);
  });

  it("reports new and removed stacks without blocking on them", () => {
    const report = preview(
      { [DATA]: data("platform-prod-db") },
      { [NET]: network("10.20.0.0/16", AZS) },
    );
    expect(report.stacks.map((s) => [s.stack, s.status])).toEqual([
      [DATA, "removed"],
      [NET, "added"],
    ]);
    expect(report.blocking).toEqual([]);
    expect(renderText(report)).toContain(`${DATA}: REMOVED from the synthesized output`);
  });
});

describe("preview: the force-new table", () => {
  it.each(Object.entries(FORCE_NEW))(
    "%s: every argument is one the pinned provider has",
    (type, entry) => {
      const base = type.replace(/^aws_/, "");
      const file = base.replace(/_/g, "-");
      const className = base.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(`@cdktf/provider-aws/lib/${file}`) as Record<
        string,
        new (scope: TerraformStack, id: string, config: object) => { toTerraform(): unknown }
      >;
      const stack = new TerraformStack(scratchApp(), "t");
      const resource = new mod[className](stack, "r", {});
      const attributes = (
        resource as unknown as { synthesizeAttributes(): Record<string, unknown> }
      ).synthesizeAttributes();
      for (const argument of entry.arguments)
        expect(Object.keys(attributes), `${type}.${argument}`).toContain(argument);
      expect(entry.docs).toMatch(new RegExp(`/6\\.25\\.0/docs/resources/${base}$`));
    },
  );
});

describe("preview: the shipped configuration", () => {
  it("turns red naming the VPC and subnets when prod's VPC CIDR changes", () => {
    const input = shippedInput();
    input.environments.prod.network.cidr = "10.30.0.0/16";
    const changed = synthPlatform(input).stacks;
    const report = preview(
      synthShipped().stacks as Record<string, StackDocument>,
      changed as Record<string, StackDocument>,
    );
    const paths = report.blocking.map((c) => c.path);
    expect(paths).toContain("platform-prod-network/network/vpc");
    expect(
      paths.filter((p) => /^platform-prod-network\/network\/(public|private|isolated)-\d$/.test(p)),
    ).toHaveLength(9);
    expect(paths.every((p) => p.startsWith("platform-prod-"))).toBe(true);
    expect(renderMarkdown(report)).toMatch(
      /:red_circle: \*\*\d+ stateful resource\(s\) would be destroyed or replaced/,
    );
  });
});

describe("preview: the command", () => {
  const dir = mkdtempSync(join(tmpdir(), "preview-cli-"));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, stacks: Record<string, StackDocument>) => {
    for (const [id, doc] of Object.entries(stacks)) {
      mkdirSync(join(dir, name, "stacks", id), { recursive: true });
      writeFileSync(join(dir, name, "stacks", id, "cdk.tf.json"), JSON.stringify(doc));
    }
    return join(dir, name);
  };
  const base = write("base", { [NET]: network("10.20.0.0/16", AZS) });
  const head = write("head", { [NET]: network("10.30.0.0/16", AZS) });
  // The command as npm runs it (package.json's line: the precompiled app, scripts/app.cjs).
  const [node, ...command] = commandWords(packageScripts.preview);
  const runCommand = async (name: string, extra: string[]) => {
    const summary = join(dir, `${name}.md`);
    const ran = await run(
      process.execPath,
      [...command, "--baseline", base, "--current", head, "--summary", summary, ...extra],
      { cwd: root, env: { ...process.env, GITHUB_STEP_SUMMARY: "" } },
    );
    return { ...ran, summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
  };
  const acks = ["vpc", "private-0", "private-1", "private-2"].flatMap((p) => [
    "--acknowledge",
    `${NET}/network/${p}`,
  ]);
  let blocked: Awaited<ReturnType<typeof runCommand>>;
  let acknowledged: Awaited<ReturnType<typeof runCommand>>;
  // Independent runs: started together, inspected by the tests.
  beforeAll(async () => {
    [blocked, acknowledged] = await Promise.all([
      runCommand("blocked", []),
      runCommand("acknowledged", acks),
    ]);
  }, 120_000);

  it("refuses an option it does not know, or a flag without its value, naming the options", () => {
    expect(() => parsePreviewArgs(["--out", "cdktf.out"])).toThrow(
      /^"--out" is not an option of npm run preview; options: --base, --baseline, --current, --acknowledge, --summary, --env\nusage: npm run preview -- /,
    );
    expect(() => parsePreviewArgs(["--acknowledge"])).toThrow(
      /^--acknowledge needs a value\nusage: npm run preview -- /,
    );
    expect(parsePreviewArgs(["--base", "origin/main", "--acknowledge", "*"])).toEqual([
      ["--base", "origin/main"],
      ["--acknowledge", "*"],
    ]);
  });

  it("is package.json's preview line, run by node", () => {
    expect(node).toBe("node");
    expect(command[0]).toBe("scripts/app.cjs");
  });

  it("exits 1 on an unacknowledged replacement and writes the job summary", () => {
    expect(blocked.stderr).toBe("");
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain(
      "FAILED: 4 stateful resource(s) would be destroyed or replaced",
    );
    expect(blocked.summary).toContain("| **replace** | `platform-prod-network/network/vpc` |");
  });

  it("exits 0 when the flag acknowledges every one", () => {
    expect(acknowledged.stderr).toBe("");
    expect(acknowledged.code).toBe(0);
    expect(acknowledged.stdout).toContain(
      "OK: 4 stateful destroy/replacement(s), all acknowledged.",
    );
  });
});

describe("preview: acknowledgements in config", () => {
  it("refuses one that names no construct path of its environment", () => {
    const input = shippedInput();
    input.environments.dev.acknowledgedReplacements = [
      { resource: "platform-prod-network/network/vpc", reason: "re-addressing the network" },
    ];
    expect(rejection(input)).toBe(
      'Invalid configuration: environments.dev.acknowledgedReplacements[0].resource: "platform-prod-network/network/vpc" is not a construct path of this environment; expected "platform-dev-<layer>/<construct path>" as the preview prints it',
    );
  });

  it("wants a reason", () => {
    const input = shippedInput();
    input.environments.dev.acknowledgedReplacements = [
      { resource: "platform-dev-network/network/vpc", reason: "ok" },
    ];
    expect(rejection(input)).toMatch(
      /environments\.dev\.acknowledgedReplacements\[0\]\.reason: .*say why losing this resource's data is acceptable/,
    );
  });
});
