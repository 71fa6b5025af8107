import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type PlatformInput } from "../config";
import { overlaps, parseCidr } from "../lib/cidr";
import { TERRAFORM_REQUIRED_VERSION } from "../config/toolchain";
import { scaffoldInto } from "../scripts/new-env";
import { fixtureInput, FIXTURE } from "./fixtures/config";
import { synthPlatform, synthShipped, type SharedSynth } from "./helpers/synth";
import {
  addressesIn,
  bodies,
  declaredAddresses,
  interpolations,
  resources,
  strings,
  type Block,
  type TfJson,
} from "./helpers/tf";

/*
 * Properties that must hold for every stack of every environment, whatever layer it is, and
 * between the environments of one configuration: of the shipped configuration, and of the
 * tests' own fixture with two environments scaffolded by `npm run new-env` (a third sharing its
 * source's account, a fourth, production, in an account of its own), so a new environment
 * passes them before anyone deploys it. New stacks are covered by being synthesized, not by
 * being listed here. Rules key on `production`, never on an environment's name.
 */
const scaffolded: PlatformInput = scaffoldInto(
  scaffoldInto(fixtureInput(), { name: "third", from: FIXTURE.nonProduction }).input,
  { name: "fourth", from: FIXTURE.production, account: "666666666666" },
).input;

const configurations: [string, PlatformInput | undefined, SharedSynth][] = [
  ["shipped", undefined, synthShipped()],
  ["fixture + scaffolded third and fourth", scaffolded, synthPlatform(scaffolded)],
];

const { stacks } = synthShipped();
const all = Object.entries(stacks);

describe.each(configurations)("%s configuration", (_name, input, synthesized) => {
  describeInvariants(loadConfig(input), synthesized);
});

/** The account and region a stack's default AWS provider is locked to. */
function placeOf(json: TfJson): { account: string; region: string } {
  const provider = json.provider?.aws?.[0] ?? {};
  const accounts = provider.allowed_account_ids as string[] | undefined;
  return { account: accounts?.[0] ?? "", region: String(provider.region) };
}

/** `<stack>: <value>` for every value that more than one of `owners` claims. */
function shared(owners: [string, string][]): string[] {
  const by = new Map<string, string[]>();
  for (const [owner, value] of owners) by.set(value, [...(by.get(value) ?? []), owner]);
  return [...by].filter(([, o]) => new Set(o).size > 1).map(([v, o]) => `${v}: ${o.join(", ")}`);
}

/**
 * Every invariant, registered as tests over one synthesized configuration: per stack, then
 * between its environments.
 */
function describeInvariants(config: ReturnType<typeof loadConfig>, synthesized: SharedSynth) {
  const stackIds = Object.entries(synthesized.stacks);
  const envOf = (stackId: string) => stackId.slice(config.project.length + 1).split("-")[0];

  describe("between environments", () => {
    it("gives every environment its own VPC range, none overlapping another's", () => {
      const vpcs = stackIds.flatMap(([id, json]) =>
        bodies(json, "aws_vpc").map((vpc) => ({ env: envOf(id), cidr: String(vpc.cidr_block) })),
      );
      expect(vpcs.map((v) => v.env).sort()).toEqual(Object.keys(config.environments).sort());
      for (const a of vpcs)
        for (const b of vpcs)
          if (a !== b)
            expect(overlaps(parseCidr(a.cidr), parseCidr(b.cidr)), `${a.env} ${b.env}`).toBe(false);
    });

    it("keeps every stack's state in a place of its own", () => {
      const places = stackIds.flatMap(([id, json]): [string, string][] => {
        const s3 = json.terraform?.backend?.s3;
        if (s3 !== undefined) return [[id, `s3://${String(s3.bucket)}/${String(s3.key)}`]];
        const cloud = json.terraform?.cloud;
        if (cloud !== undefined) return [[id, JSON.stringify(cloud)]];
        return [];
      });
      expect(places.length).toBeGreaterThan(0);
      expect(shared(places)).toEqual([]);
    });

    it("names every bucket once: a shared state bucket is bootstrapped by one environment", () => {
      const names = stackIds.flatMap(([id, json]) =>
        bodies(json, "aws_s3_bucket").map((b): [string, string] => [id, String(b.bucket)]),
      );
      expect(shared(names)).toEqual([]);
    });

    it("trusts each GitHub OIDC subject in one environment only", () => {
      const subjects = stackIds.flatMap(([id, json]) =>
        Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((doc) =>
          ((doc.statement ?? []) as Block[]).flatMap((statement) =>
            ((statement.condition ?? []) as Block[])
              .filter((c) => c.variable === "token.actions.githubusercontent.com:sub")
              .flatMap((c) => (c.values as string[]).map((v): [string, string] => [envOf(id), v])),
          ),
        ),
      );
      const withCi = Object.values(config.environments).filter((e) => e.ci !== undefined);
      expect(new Set(subjects.map(([env]) => env))).toEqual(new Set(withCi.map((e) => e.name)));
      expect(shared(subjects)).toEqual([]);
    });

    it("creates each account-wide singleton at most once per account (and region)", () => {
      const singletons: [string, (body: Block) => boolean, "account" | "region"][] = [
        ["aws_iam_openid_connect_provider", () => true, "account"],
        [
          "aws_iam_service_linked_role",
          (b) => b.aws_service_name === "config.amazonaws.com",
          "account",
        ],
        ["aws_guardduty_detector", () => true, "region"],
        ["aws_config_configuration_recorder", () => true, "region"],
      ];
      for (const [type, matches, scope] of singletons) {
        const owners = stackIds.flatMap(([id, json]): [string, string][] => {
          const { account, region } = placeOf(json);
          const where = scope === "account" ? account : `${account}/${region}`;
          return bodies(json, type)
            .filter(matches)
            .map(() => [id, `${type} in ${where}`]);
        });
        // Also within one stack: two of them in one account is one too many.
        const counts = new Map<string, number>();
        for (const [, where] of owners) counts.set(where, (counts.get(where) ?? 0) + 1);
        expect(
          [...counts].filter(([, n]) => n > 1),
          type,
        ).toEqual([]);
      }
    });
  });

  it("synthesizes every configured environment", () => {
    const environments = new Set(stackIds.map(([id]) => envOf(id)));
    expect([...environments].sort()).toEqual(Object.keys(config.environments).sort());
  });

  describe.each(stackIds)("%s", (stackId, json) => {
    const [, envName, layer] =
      new RegExp(`^${config.project}-([a-z0-9]+)-([a-z0-9-]+)$`).exec(stackId) ?? [];
    const env = config.environments[envName];

    it("is named <project>-<env>-<layer> after a configured environment", () => {
      expect(env).toBeDefined();
      expect(layer).toBeTruthy();
    });

    it("only references things declared in the same stack", () => {
      const declared = declaredAddresses(json);
      const dangling = strings({
        resource: json.resource,
        data: json.data,
        output: json.output,
        provider: json.provider,
      })
        .flatMap(interpolations)
        .flatMap(addressesIn)
        .filter((address) => !declared.has(address));
      expect(dangling).toEqual([]);
    });

    it("requires the trusted Terraform releases and the pinned AWS provider", () => {
      expect(json.terraform?.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
      expect(json.terraform?.required_providers).toEqual({
        aws: { source: "aws", version: "6.25.0" },
      });
    });

    it("locks the AWS provider to the environment's account and region, with default tags", () => {
      // Only CloudFront's us-east-1 resources (edge stack) need a second, aliased provider.
      const providers = json.provider?.aws ?? [];
      expect(providers).toHaveLength(layer === "edge" ? 2 : 1);
      for (const extra of providers.slice(1)) {
        expect(extra).toMatchObject({
          alias: "global",
          region: "us-east-1",
          allowed_account_ids: [env.account],
        });
        expect(extra.default_tags).toEqual(providers[0].default_tags);
      }
      const provider = providers[0];
      expect(provider).toMatchObject({
        region: env.region,
        allowed_account_ids: [env.account],
        default_tags: [
          {
            tags: {
              ...env.tags,
              Project: config.project,
              Environment: envName,
              Stack: stackId,
              ManagedBy: "cdktf",
            },
          },
        ],
      });
    });

    it("keeps state remotely unless it is the bootstrap stack", () => {
      const backend = Object.keys(json.terraform?.backend ?? {});
      expect(backend).toEqual(layer === "bootstrap" ? ["local"] : [env.state.backend]);
    });

    it("opens nothing to the internet but the ALB's HTTP/HTTPS ports", () => {
      const albGroups = resources(json, "aws_security_group")
        .filter(([, sg]) => (sg.tags as Record<string, string>).Name.endsWith("-alb"))
        .map(([name]) => `\${aws_security_group.${name}.id}`);
      const open = bodies(json, "aws_vpc_security_group_ingress_rule").filter(
        (r) => r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0",
      );
      for (const rule of open) {
        expect(albGroups).toContain(rule.security_group_id);
        expect([80, 443]).toContain(rule.from_port);
        expect(rule.to_port).toBe(rule.from_port);
      }
      for (const sg of bodies(json, "aws_security_group")) expect(sg).not.toHaveProperty("ingress");
    });

    it("sets a retention on every log group, at least 30 days in production", () => {
      for (const group of bodies(json, "aws_cloudwatch_log_group")) {
        expect(group.retention_in_days, String(group.name)).toBeGreaterThan(0);
        if (env.production)
          expect(group.retention_in_days, String(group.name)).toBeGreaterThanOrEqual(30);
      }
    });

    it("encrypts, versions and closes every bucket, and rotates every KMS key", () => {
      const buckets = resources(json, "aws_s3_bucket").map(
        ([name]) => `\${aws_s3_bucket.${name}.id}`,
      );
      const of = (type: string) => bodies(json, type).map((b) => b.bucket);
      for (const bucket of buckets) {
        expect(of("aws_s3_bucket_server_side_encryption_configuration")).toContain(bucket);
        expect(of("aws_s3_bucket_public_access_block")).toContain(bucket);
        expect(of("aws_s3_bucket_versioning")).toContain(bucket);
      }
      for (const key of bodies(json, "aws_kms_key")) expect(key.enable_key_rotation).toBe(true);
    });

    it("protects state and, in production, every stateful resource from destroy", () => {
      const stateful = [
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_db_instance",
      ];
      for (const type of stateful) {
        for (const body of bodies(json, type)) {
          if (env.production || layer === "bootstrap")
            expect(body.lifecycle, type).toMatchObject({ prevent_destroy: true });
        }
      }
    });

    it("keeps every database private, encrypted with the stack's own key and deletion-safe in production", () => {
      const keys = resources(json, "aws_kms_key").map(([name]) => `\${aws_kms_key.${name}.arn}`);
      const clusters = bodies(json, "aws_rds_cluster");
      const instances = [
        ...bodies(json, "aws_rds_cluster_instance"),
        ...bodies(json, "aws_db_instance"),
      ];
      for (const db of [...clusters, ...bodies(json, "aws_db_instance")]) {
        expect(db.storage_encrypted).toBe(true);
        expect(keys).toContain(db.kms_key_id);
        expect(keys).toContain(db.master_user_secret_kms_key_id);
        expect(db.manage_master_user_password).toBe(true);
        expect(db).not.toHaveProperty("master_password");
        expect(db).not.toHaveProperty("password");
        expect(db.skip_final_snapshot).toBe(false);
        if (env.production) {
          expect(db.deletion_protection).toBe(true);
          expect(db.backup_retention_period).toBeGreaterThanOrEqual(7);
        }
      }
      for (const instance of instances) {
        expect(instance.publicly_accessible).toBe(false);
        if (instance.performance_insights_enabled === true)
          expect(keys).toContain(instance.performance_insights_kms_key_id);
      }
    });

    it("never leaks an unresolved token into a name or value", () => {
      // A token turned into text (e.g. a name built from an attribute) reads "tftoken-token-12".
      const leaked = strings({
        resource: json.resource,
        data: json.data,
        output: json.output,
      }).filter((s) => /tftoken|TfToken\[/i.test(s));
      expect(leaked).toEqual([]);
    });

    it("gives no subnet a public IP on launch", () => {
      for (const subnet of bodies(json, "aws_subnet"))
        expect(subnet.map_public_ip_on_launch).toBe(false);
    });
  });
}

describe("resource addresses of stateful resources are stable", () => {
  // A changed address plans a destroy and re-create. If this fails, the change renames a
  // construct id: keep the id, or add a `moved` block and update the snapshot deliberately.
  const stateful = [
    "aws_vpc",
    "aws_subnet",
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_db_subnet_group",
    "aws_eip",
    "aws_nat_gateway",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_db_instance",
    "aws_security_group",
    // Consumers hold the service name and NLB; desktops hold users' work.
    "aws_lb",
    "aws_vpc_endpoint_service",
    "aws_instance",
    "aws_ecr_repository",
    // Caches hold sessions and Socket.IO state; the distribution holds the public domain.
    "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache",
    "aws_cloudfront_distribution",
    "aws_secretsmanager_secret",
  ];
  const addressesOf = (json: TfJson) =>
    stateful.flatMap((type) => resources(json, type).map(([name]) => `${type}.${name}`)).sort();
  const recorded = recordedAddresses();
  const layerOf = (stackId: string) => stackId.split("-").slice(2).join("-");

  it.each(all.filter(([stackId]) => recorded.has(stackId)))("%s", (stackId, json) => {
    expect({ stackId, addresses: addressesOf(json) }).toMatchSnapshot();
  });

  // An environment added since the snapshot (npm run new-env) has no entry of its own: its
  // stacks may only hold addresses the same layer of a recorded environment already has, so a
  // construct-id change still fails above and the snapshot needs no edit for a new environment.
  it.each(all.filter(([stackId]) => !recorded.has(stackId)).map(([id, json]) => [id, json]))(
    "%s (not recorded: uses only addresses a recorded environment's layer has)",
    (stackId, json) => {
      const sameLayer = [...recorded].filter(([id]) => layerOf(id) === layerOf(stackId));
      expect(sameLayer.length, `no recorded ${layerOf(stackId)} stack`).toBeGreaterThan(0);
      const known = new Set(sameLayer.flatMap(([, addresses]) => addresses));
      expect(addressesOf(json).filter((a) => !known.has(a))).toEqual([]);
    },
  );

  it("records a stack of every environment the snapshot was taken with", () => {
    expect(recorded.size).toBeGreaterThan(0);
    for (const stackId of recorded.keys())
      expect(Object.keys(stacks), `${stackId} is recorded but no longer synthesized`).toContain(
        stackId,
      );
  });
});

/** The stateful addresses per stack as the committed snapshot file records them. */
function recordedAddresses(): Map<string, string[]> {
  const file = join(__dirname, "__snapshots__", "invariants.test.ts.snap");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const entries = text.matchAll(
    /^exports\[`resource addresses of stateful resources are stable > ([\w-]+) 1`\] = `\n([\s\S]*?)\n`;$/gm,
  );
  return new Map(
    [...entries].map((m) => {
      const addresses = [...m[2].matchAll(/^ {4}"([^"]+)",$/gm)].map((a) => a[1]);
      return [m[1], addresses];
    }),
  );
}

/*
 * Tests that inspect one environment synthesize only that one (helpers/synth.ts, option
 * `environments`). That is sound only while an environment's stacks come out the same with or
 * without the others built beside it.
 */
describe("synthesizing some environments only", () => {
  it("writes exactly the stacks a synth of every environment writes for them, also for one that references another's singletons and state bucket", () => {
    const alone = synthPlatform(scaffolded, { environments: ["third"] }).stacks;
    const everything = configurations[1][2].stacks;
    const third = loadConfig(scaffolded).environments.third;
    expect(Object.values(third.accountSingletons)).toContain("reference");
    expect(third.state).toMatchObject({ backend: "s3", bootstrap: false });
    expect(Object.keys(alone)).toContain("fixture-third-services");
    expect(Object.keys(alone).sort()).toEqual(
      Object.keys(everything)
        .filter((id) => id.startsWith("fixture-third-"))
        .sort(),
    );
    for (const [id, json] of Object.entries(alone)) expect(json, id).toEqual(everything[id]);
  });
});

describe("the cross-environment checks themselves", () => {
  it("report a value two stacks claim, and not one stack claiming it twice", () => {
    expect(
      shared([
        ["a-dev-network", "s3://b/k"],
        ["a-qa-network", "s3://b/k"],
      ]),
    ).toEqual(["s3://b/k: a-dev-network, a-qa-network"]);
    expect(
      shared([
        ["a-dev-ci", "repo:o/r:environment:dev"],
        ["a-dev-ci", "repo:o/r:environment:dev"],
      ]),
    ).toEqual([]);
  });
});

describe("the reference check itself", () => {
  it("finds addresses in expressions and ignores functions, strings and attribute chains", () => {
    expect(
      addressesIn(
        'element(data.aws_availability_zones.azs.names, 0) == "a.b" ? aws_vpc.main.id : var.x[0].y',
      ),
    ).toEqual(["data.aws_availability_zones.azs", "aws_vpc.main", "var.x"]);
    expect(addressesIn("each.value.id")).toEqual([]);
  });

  it("reports a reference to something the stack does not declare", () => {
    const json = {
      resource: { aws_subnet: { a: { vpc_id: "${aws_vpc.missing.id}" } }, aws_vpc: { main: {} } },
    };
    const refs = strings(json.resource).flatMap(interpolations).flatMap(addressesIn);
    expect(refs.filter((r) => !declaredAddresses(json).has(r))).toEqual(["aws_vpc.missing"]);
  });
});
