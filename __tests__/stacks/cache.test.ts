import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../lib/policy";
import { fixtureWith, rejection } from "../helpers/config";
import { synthFixture } from "../fixtures/synth";
import { bodies, byPath, only, refTo, type Block } from "../helpers/tf";

const { stacks } = synthFixture();
const dev = stacks["fixture-sandbox-cache"];
const prod = stacks["fixture-live-cache"];

describe("cache stack: Valkey for the api", () => {
  const group = only(prod, "aws_elasticache_replication_group");
  const key = byPath(prod, "aws_kms_key", "cache/key");

  it("encrypts at rest with its own key and requires TLS", () => {
    expect(group).toMatchObject({
      engine: "valkey",
      at_rest_encryption_enabled: "true",
      kms_key_id: refTo(prod, "aws_kms_key", key, "arn"),
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      port: 6379,
    });
  });

  it("fails over across AZs with a replica in production, one node in dev", () => {
    expect(group).toMatchObject({
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      final_snapshot_identifier: "fixture-live-cache-final",
      snapshot_retention_limit: 7,
      lifecycle: { prevent_destroy: true },
    });
    expect(only(dev, "aws_elasticache_replication_group")).toMatchObject({
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
      snapshot_retention_limit: 1,
    });
  });

  it("lives in the isolated subnets with its own parameter group", () => {
    const subnets = only(prod, "aws_elasticache_subnet_group");
    expect(String(subnets.subnet_ids)).toMatch(/fixture-live-network/);
    expect(group.subnet_group_name).toBe(
      refTo(prod, "aws_elasticache_subnet_group", subnets, "name"),
    );
    const params = only(prod, "aws_elasticache_parameter_group");
    expect(params).toMatchObject({
      family: "valkey8",
      parameter: [{ name: "maxmemory-policy", value: "volatile-lru" }],
    });
    expect(group.parameter_group_name).toBe(
      refTo(prod, "aws_elasticache_parameter_group", params, "name"),
    );
  });

  it("authenticates an RBAC user whose password is generated into a KMS-encrypted secret; the default user is off", () => {
    const users = bodies(prod, "aws_elasticache_user");
    const app = users.find((u) => u.user_name === "app");
    const byDefault = users.find((u) => u.user_name === "default");
    expect(byDefault).toMatchObject({ access_string: "off ~* -@all" });
    expect(app?.access_string).toContain("-@dangerous");
    const version = only(prod, "aws_secretsmanager_secret_version");
    expect(version.lifecycle).toMatchObject({ ignore_changes: ["secret_string"] });
    expect((app?.authentication_mode as Block).passwords).toEqual([
      expect.stringContaining(
        `jsondecode(${refTo(prod, "aws_secretsmanager_secret_version", version, "secret_string").slice(2, -1)})`,
      ),
    ]);
    expect(only(prod, "aws_secretsmanager_secret").kms_key_id).toBe(
      refTo(prod, "aws_kms_key", key, "arn"),
    );
    const userGroup = only(prod, "aws_elasticache_user_group");
    expect(group.user_group_ids).toEqual([
      refTo(prod, "aws_elasticache_user_group", userGroup, "user_group_id"),
    ]);
  });

  it("alarms on CPU, memory, evictions and connections for every node", () => {
    const alarms = bodies(prod, "aws_cloudwatch_metric_alarm");
    const byMetric = (m: string) => alarms.filter((a) => a.metric_name === m);
    for (const metric of [
      "EngineCPUUtilization",
      "DatabaseMemoryUsagePercentage",
      "Evictions",
      "CurrConnections",
    ]) {
      expect(byMetric(metric).map((a) => (a.dimensions as Block).CacheClusterId)).toEqual([
        "fixture-live-cache-001",
        "fixture-live-cache-002",
      ]);
    }
  });

  it("admits only the api, which gets endpoint, user and password and may reach port 6379", () => {
    const services = stacks["fixture-live-services"];
    const ingress = bodies(services, "aws_vpc_security_group_ingress_rule").filter((r) =>
      String(r.security_group_id).includes("fixture-live-cache"),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ from_port: 6379, to_port: 6379 });
    expect(String(ingress[0].referenced_security_group_id)).toMatch(/svc_api|api_security-group/);
    const defs = Object.entries(services.resource?.aws_ecs_task_definition ?? {});
    const containers = (name: string) =>
      JSON.parse(
        String(defs.find(([k]) => k.startsWith(`${name}_`))?.[1].container_definitions),
      ) as { environment: { name: string }[]; secrets: { name: string; valueFrom: string }[] }[];
    const [api] = containers("api");
    expect(api.environment.map((e) => e.name)).toEqual(
      expect.arrayContaining(["REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_TLS"]),
    );
    expect(api.secrets.find((s) => s.name === "REDIS_PASSWORD")?.valueFrom).toMatch(/:password::$/);
    const [web] = containers("web");
    expect(web.environment.map((e) => e.name)).not.toContain("REDIS_HOST");
  });

  it("passes every policy check", () => {
    expect(checkPolicies(prod, true, []).violations).toEqual([]);
    expect(checkPolicies(dev, false, []).violations).toEqual([]);
  });
});

describe("cache validation rules", () => {
  type Edit = Parameters<typeof fixtureWith>[1];
  const cache =
    (patch: Record<string, unknown>): Edit =>
    (e) => {
      e.cache = { ...(e.cache ?? {}), ...patch };
    };
  const cases: [string, "sandbox" | "live", Edit, RegExp][] = [
    [
      "an engine version without RBAC and TLS",
      "sandbox",
      cache({ engine: "redis", engineVersion: "6.2" }),
      /environments\.sandbox\.cache\.engineVersion: "6\.2" is not a redis version with RBAC users and TLS/,
    ],
    [
      "no replica in production",
      "live",
      cache({ replicas: 0 }),
      /environments\.live\.cache\.replicas: 0: production needs at least one replica/,
    ],
    [
      "no snapshots in production",
      "live",
      cache({ snapshotRetentionDays: 0 }),
      /environments\.live\.cache\.snapshotRetentionDays: 0: production keeps at least one daily snapshot/,
    ],
    [
      "a burstable node in production",
      "live",
      cache({ nodeType: "cache.t4g.small" }),
      /environments\.live\.cache\.nodeType: "cache\.t4g\.small" is a burstable type/,
    ],
    [
      "a short snapshot window",
      "sandbox",
      cache({ snapshotWindow: "17:00-17:30" }),
      /environments\.sandbox\.cache\.snapshotWindow: "17:00-17:30" is shorter than the 60 minutes/,
    ],
    [
      "overlapping windows",
      "sandbox",
      cache({ maintenanceWindow: "sun:17:30-sun:18:30" }),
      /environments\.sandbox\.cache\.maintenanceWindow: "sun:17:30-sun:18:30" overlaps the daily snapshot window/,
    ],
    [
      "an unknown service",
      "sandbox",
      cache({ allowFrom: ["billing"] }),
      /environments\.sandbox\.cache\.allowFrom\[0\]: "billing" is not a service of this environment; services: web, api/,
    ],
    [
      "a malformed node type",
      "sandbox",
      cache({ nodeType: "t4g.micro" }),
      /environments\.sandbox\.cache\.nodeType: got "t4g\.micro": must be an ElastiCache node type/,
    ],
  ];
  it.each(cases)("rejects %s", (_, env, edit, message) => {
    expect(rejection(fixtureWith(env, edit))).toMatch(message);
  });
});
