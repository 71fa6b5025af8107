import { describe, expect, it } from "vitest";
import { loadConfig, type PlatformInput } from "../config";
import { TERRAFORM_REQUIRED_VERSION } from "../config/toolchain";
import { scaffoldInto } from "../scripts/new-env";
import { fixtureInput, FIXTURE } from "./fixtures/config";
import { synthPlatform, synthShipped, type SynthResult } from "./helpers/synth";
import {
  addressesIn,
  bodies,
  declaredAddresses,
  interpolations,
  resources,
  strings,
} from "./helpers/tf";

/*
 * Properties that must hold for every stack of every environment, whatever layer it is: of
 * the shipped configuration, and of the tests' own fixture with a third environment
 * scaffolded by `npm run new-env` (so a new environment passes them before anyone deploys it).
 * New stacks are covered by being synthesized, not by being listed here. Rules key on
 * `production`, never on an environment's name.
 */
const withThird: PlatformInput = scaffoldInto(fixtureInput(), {
  name: "third",
  from: FIXTURE.nonProduction,
}).input;

const configurations: [string, PlatformInput | undefined, SynthResult][] = [
  ["shipped", undefined, synthShipped()],
  ["fixture + scaffolded third", withThird, synthPlatform(withThird)],
];

const { stacks } = synthShipped();
const all = Object.entries(stacks);

describe.each(configurations)("%s configuration", (_name, input, synthesized) => {
  const config = loadConfig(input);
  const stackIds = Object.entries(synthesized.stacks);

  it("synthesizes every configured environment", () => {
    const environments = new Set(
      stackIds.map(([id]) => id.slice(config.project.length + 1).split("-")[0]),
    );
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
});

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
  it.each(all)("%s", (stackId, json) => {
    const addresses = stateful
      .flatMap((type) => resources(json, type).map(([name]) => `${type}.${name}`))
      .sort();
    expect({ stackId, addresses }).toMatchSnapshot();
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
