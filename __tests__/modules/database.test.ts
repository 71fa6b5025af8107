import { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { Database, type DatabaseProps } from "../../modules/database";
import type { AuroraSettings, PostgresSettings } from "../../modules/database/settings";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, only, refTo, type Block, type TfJson } from "../helpers/tf";

const names = new Names({ project: "acme", environment: "test" });
const common = {
  engineVersion: "16.4",
  databaseName: "app",
  masterUsername: "platform_admin",
  port: 5432,
  backup: { retentionDays: 14, window: "16:00-17:00" },
  maintenanceWindow: "sun:17:00-sun:18:00",
  deletionProtection: true,
  preventDestroy: true,
  skipFinalSnapshot: false,
  iamAuthentication: true,
  autoMinorVersionUpgrade: true,
  majorVersionUpgrade: false,
  extendedSupport: false,
  logs: { retentionDays: 30, statement: "ddl", minDurationMs: 1000 },
  performanceInsights: { enabled: true, retentionDays: 7 },
  monitoringIntervalSeconds: 60,
} as const;
const aurora: AuroraSettings = {
  ...common,
  engine: "aurora-postgresql",
  instanceClass: "db.r6g.large",
  readers: 2,
};
const postgres: PostgresSettings = {
  ...common,
  engineVersion: "16",
  engine: "postgres",
  instanceClass: "db.t4g.micro",
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: 100,
  multiAz: false,
};
const base: Omit<DatabaseProps, "settings"> = {
  names,
  account: "123456789012",
  region: "ap-northeast-1",
  vpcId: "vpc-123",
  dbSubnetGroupName: "acme-test-isolated",
  availabilityZones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
};

function synth(
  settings: DatabaseProps["settings"],
  extra: Partial<DatabaseProps> = {},
  after?: (db: Database, stack: TerraformStack) => void,
): TfJson {
  return synthConstruct((stack) => {
    const db = new Database(stack, "db", { ...base, settings, ...extra });
    after?.(db, stack);
  });
}

/** The final snapshot name: the identifier and the database's creation time. */
const FINAL_SNAPSHOT = 'acme-test-db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}';
const keyArn = (json: TfJson) => refTo(json, "aws_kms_key", only(json, "aws_kms_key"), "arn");

describe("Database: Aurora PostgreSQL (provisioned)", () => {
  const json = synth(aurora);
  const cluster = only(json, "aws_rds_cluster");
  const instances = bodies(json, "aws_rds_cluster_instance");

  it("creates an encrypted cluster with an RDS-managed master secret under the module's key", () => {
    expect(cluster).toMatchObject({
      cluster_identifier: "acme-test-db",
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      engine_version: "16.4",
      database_name: "app",
      master_username: "platform_admin",
      manage_master_user_password: true,
      master_user_secret_kms_key_id: keyArn(json),
      storage_encrypted: true,
      kms_key_id: keyArn(json),
      port: 5432,
    });
    expect(cluster).not.toHaveProperty("master_password");
    expect(only(json, "aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(only(json, "aws_kms_alias").name).toBe("alias/acme-test-db");
  });

  it("places the cluster in the given subnet group with only its own security group", () => {
    expect(cluster.db_subnet_group_name).toBe("acme-test-isolated");
    expect(cluster.vpc_security_group_ids).toEqual([
      refTo(json, "aws_security_group", only(json, "aws_security_group"), "id"),
    ]);
  });

  it("turns on IAM authentication, log export, backups, snapshot tags and a final snapshot", () => {
    expect(cluster).toMatchObject({
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql"],
      backup_retention_period: 14,
      preferred_backup_window: "16:00-17:00",
      preferred_maintenance_window: "sun:17:00-sun:18:00",
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
      skip_final_snapshot: false,
      final_snapshot_identifier: FINAL_SNAPSHOT,
      deletion_protection: true,
      engine_lifecycle_support: "open-source-rds-extended-support-disabled",
      // Minor upgrades by AWS must not plan a downgrade; the snapshot name is fixed at creation.
      lifecycle: {
        prevent_destroy: true,
        ignore_changes: ["final_snapshot_identifier", "engine_version"],
      },
    });
    expect(cluster).not.toHaveProperty("allow_major_version_upgrade");
    expect(cluster).not.toHaveProperty("db_instance_parameter_group_name");
  });

  it("owns the log group RDS exports to, with retention, before the cluster exists", () => {
    const group = only(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({
      name: "/aws/rds/cluster/acme-test-db/postgresql",
      retention_in_days: 30,
    });
    const address = refTo(json, "aws_cloudwatch_log_group", group, "id").slice(2, -4);
    expect(cluster.depends_on).toEqual([address]);
  });

  it("forces TLS and sets statement logging in the cluster parameter group; instances get their own group", () => {
    const clusterGroup = only(json, "aws_rds_cluster_parameter_group");
    expect(clusterGroup).toMatchObject({
      family: "aurora-postgresql16",
      name_prefix: "acme-test-db-cluster-aurora-postgresql16-",
      lifecycle: { create_before_destroy: true },
    });
    expect(clusterGroup.parameter).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1" },
        { name: "log_statement", value: "ddl" },
        { name: "log_min_duration_statement", value: "1000" },
      ]),
    );
    expect(cluster.db_cluster_parameter_group_name).toBe(
      refTo(json, "aws_rds_cluster_parameter_group", clusterGroup, "name"),
    );
    const instanceGroup = only(json, "aws_db_parameter_group");
    expect(instanceGroup.family).toBe("aurora-postgresql16");
    for (const i of instances)
      expect(i.db_parameter_group_name).toBe(
        refTo(json, "aws_db_parameter_group", instanceGroup, "name"),
      );
  });

  it("creates a writer and the readers spread over the AZs, none public, promoted in order", () => {
    expect(instances.map((i) => [i.identifier, i.availability_zone, i.promotion_tier])).toEqual([
      ["acme-test-db-1", "ap-northeast-1a", 0],
      ["acme-test-db-2", "ap-northeast-1c", 1],
      ["acme-test-db-3", "ap-northeast-1d", 2],
    ]);
    for (const i of instances) {
      expect(i).toMatchObject({
        cluster_identifier: refTo(json, "aws_rds_cluster", cluster, "id"),
        instance_class: "db.r6g.large",
        publicly_accessible: false,
        ca_cert_identifier: "rds-ca-rsa2048-g1",
        auto_minor_version_upgrade: true,
        performance_insights_enabled: true,
        performance_insights_kms_key_id: keyArn(json),
        performance_insights_retention_period: 7,
        monitoring_interval: 60,
        monitoring_role_arn: refTo(json, "aws_iam_role", only(json, "aws_iam_role"), "arn"),
        // The cluster's window, clear of the backup window, instead of a random one.
        preferred_maintenance_window: "sun:17:00-sun:18:00",
        lifecycle: { prevent_destroy: true },
      });
      // Instances take the cluster's version: a reader added after AWS upgraded the cluster's
      // minor must not ask for the old one.
      expect(i).not.toHaveProperty("engine_version");
    }
  });

  it("upgrades a major only when asked: allow_major_version_upgrade, the new family's groups, engine_version no longer ignored", () => {
    const next = synth({ ...aurora, engineVersion: "17.4", majorVersionUpgrade: true });
    const c = only(next, "aws_rds_cluster");
    const group = only(next, "aws_db_parameter_group");
    expect(c).toMatchObject({
      engine_version: "17.4",
      allow_major_version_upgrade: true,
      db_instance_parameter_group_name: refTo(next, "aws_db_parameter_group", group, "name"),
      lifecycle: { ignore_changes: ["final_snapshot_identifier"] },
    });
    expect(group).toMatchObject({
      family: "aurora-postgresql17",
      lifecycle: { create_before_destroy: true },
    });
    expect(only(next, "aws_rds_cluster_parameter_group").family).toBe("aurora-postgresql17");
  });

  it("opts into paid RDS Extended Support only when told", () => {
    expect(only(synth({ ...aurora, extendedSupport: true }), "aws_rds_cluster")).toMatchObject({
      engine_lifecycle_support: "open-source-rds-extended-support",
    });
  });

  it("gives enhanced monitoring a role only RDS monitoring of this account can assume", () => {
    expect(only(json, "aws_iam_role_policy_attachment").policy_arn).toBe(
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    );
    const trust = Object.values(json.data?.aws_iam_policy_document ?? {})[0];
    expect(trust.statement).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
        ],
      }),
    ]);
  });

  it("wraps a single-AZ list around when there are more instances than AZs", () => {
    const two = synth(aurora, { availabilityZones: ["ap-northeast-1a", "ap-northeast-1c"] });
    expect(bodies(two, "aws_rds_cluster_instance").map((i) => i.availability_zone)).toEqual([
      "ap-northeast-1a",
      "ap-northeast-1c",
      "ap-northeast-1a",
    ]);
  });
});

describe("Database: reader autoscaling", () => {
  it.each([
    ["cpu", "RDSReaderAverageCPUUtilization", 70],
    ["connections", "RDSReaderAverageDatabaseConnections", 500],
  ] as const)("tracks %s", (metric, predefined, target) => {
    const json = synth({
      ...aurora,
      readers: 1,
      readerAutoscaling: {
        minReaders: 1,
        maxReaders: 4,
        metric,
        target,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 60,
      },
    });
    const scaling = only(json, "aws_appautoscaling_target");
    expect(scaling).toMatchObject({
      service_namespace: "rds",
      scalable_dimension: "rds:cluster:ReadReplicaCount",
      resource_id: `cluster:${refTo(json, "aws_rds_cluster", only(json, "aws_rds_cluster"), "cluster_identifier")}`,
      min_capacity: 1,
      max_capacity: 4,
    });
    expect(scaling.depends_on).toHaveLength(2);
    expect(only(json, "aws_appautoscaling_policy")).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        target_value: target,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
        predefined_metric_specification: { predefined_metric_type: predefined },
      },
    });
  });

  it("is absent unless configured", () => {
    expect(bodies(synth(aurora), "aws_appautoscaling_target")).toEqual([]);
  });
});

describe("Database: Aurora Serverless v2", () => {
  it("uses db.serverless instances and the configured ACU range", () => {
    const json = synth({
      ...aurora,
      instanceClass: "db.serverless",
      readers: 0,
      serverless: { minCapacity: 0.5, maxCapacity: 8 },
    });
    expect(only(json, "aws_rds_cluster").serverlessv2_scaling_configuration).toEqual({
      min_capacity: 0.5,
      max_capacity: 8,
    });
    expect(only(json, "aws_rds_cluster_instance").instance_class).toBe("db.serverless");
  });

  it("pauses after 300 s by default when the minimum is 0 ACU", () => {
    const json = synth({
      ...aurora,
      instanceClass: "db.serverless",
      serverless: { minCapacity: 0, maxCapacity: 4 },
    });
    expect(only(json, "aws_rds_cluster").serverlessv2_scaling_configuration).toEqual({
      min_capacity: 0,
      max_capacity: 4,
      seconds_until_auto_pause: 300,
    });
  });
});

describe("Database: RDS PostgreSQL single instance", () => {
  const json = synth(postgres);
  const instance = only(json, "aws_db_instance");

  it("runs PostgreSQL on encrypted gp3 with storage autoscaling in the first AZ", () => {
    expect(instance).toMatchObject({
      identifier: "acme-test-db",
      engine: "postgres",
      engine_version: "16",
      instance_class: "db.t4g.micro",
      allocated_storage: 20,
      max_allocated_storage: 100,
      storage_type: "gp3",
      storage_encrypted: true,
      kms_key_id: keyArn(json),
      multi_az: false,
      availability_zone: "ap-northeast-1a",
      publicly_accessible: false,
      db_subnet_group_name: "acme-test-isolated",
    });
  });

  it("has the same security properties as the cluster", () => {
    expect(instance).toMatchObject({
      manage_master_user_password: true,
      master_user_secret_kms_key_id: keyArn(json),
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      backup_retention_period: 14,
      backup_window: "16:00-17:00",
      maintenance_window: "sun:17:00-sun:18:00",
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: FINAL_SNAPSHOT,
      ca_cert_identifier: "rds-ca-rsa2048-g1",
      performance_insights_kms_key_id: keyArn(json),
      engine_lifecycle_support: "open-source-rds-extended-support-disabled",
      lifecycle: { prevent_destroy: true, ignore_changes: ["final_snapshot_identifier"] },
    });
    expect(instance).not.toHaveProperty("password");
    const group = only(json, "aws_db_parameter_group");
    expect(group.family).toBe("postgres16");
    expect(group.parameter).toEqual(
      expect.arrayContaining([{ name: "rds.force_ssl", value: "1" }]),
    );
    expect(bodies(json, "aws_cloudwatch_log_group").map((g) => g.name)).toEqual([
      "/aws/rds/instance/acme-test-db/postgresql",
      "/aws/rds/instance/acme-test-db/upgrade",
    ]);
  });

  it("lets RDS pick the AZs when Multi-AZ is on", () => {
    const multi = only(synth({ ...postgres, multiAz: true }), "aws_db_instance");
    expect(multi.multi_az).toBe(true);
    expect(multi).not.toHaveProperty("availability_zone");
  });

  it("drops monitoring and Performance Insights wiring when they are off", () => {
    const quiet = synth({
      ...postgres,
      monitoringIntervalSeconds: 0,
      performanceInsights: { enabled: false, retentionDays: 7 },
    });
    const body = only(quiet, "aws_db_instance");
    expect(body).toMatchObject({ monitoring_interval: 0, performance_insights_enabled: false });
    expect(body).not.toHaveProperty("monitoring_role_arn");
    expect(body).not.toHaveProperty("performance_insights_kms_key_id");
    expect(bodies(quiet, "aws_iam_role")).toEqual([]);
  });

  it("leaves the instance destroyable outside production when asked, never its key", () => {
    const loose = synth({ ...postgres, deletionProtection: false, preventDestroy: false });
    expect(only(loose, "aws_db_instance").lifecycle).toEqual({
      prevent_destroy: false,
      ignore_changes: ["final_snapshot_identifier"],
    });
    // The final snapshot outlives the instance and needs the key to be restored.
    expect(only(loose, "aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("allows a major upgrade and keeps Extended Support off by default", () => {
    const next = only(
      synth({ ...postgres, engineVersion: "17", majorVersionUpgrade: true }),
      "aws_db_instance",
    );
    expect(next).toMatchObject({
      engine_version: "17",
      allow_major_version_upgrade: true,
      engine_lifecycle_support: "open-source-rds-extended-support-disabled",
    });
  });
});

describe("Database: network access", () => {
  it("admits nothing by default and never dials out", () => {
    const json = synth(postgres);
    const sg = only(json, "aws_security_group");
    expect(sg).toMatchObject({ vpc_id: "vpc-123", name_prefix: "acme-test-db-" });
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    expect(bodies(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });

  it("allowFrom() opens the database port to one security group, in the caller's scope", () => {
    const json = synth(aurora, {}, (db, stack) => {
      db.allowFrom(stack, "api-to-db", "sg-api", "api service");
    });
    const rule: Block = only(json, "aws_vpc_security_group_ingress_rule");
    expect(rule).toEqual(
      expect.objectContaining({
        security_group_id: refTo(
          json,
          "aws_security_group",
          only(json, "aws_security_group"),
          "id",
        ),
        referenced_security_group_id: "sg-api",
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "api service",
      }),
    );
    expect(rule).not.toHaveProperty("cidr_ipv4");
    expect(byPath(json, "aws_vpc_security_group_ingress_rule", "test/api-to-db")).toBe(rule);
  });

  it("builds the rds-db:connect ARN for IAM authentication", () => {
    let arn = "";
    const json = synth(postgres, {}, (db) => {
      arn = db.connectArn("app_user");
    });
    const resourceId = refTo(json, "aws_db_instance", only(json, "aws_db_instance"), "resource_id");
    expect(arn.replace(/\$\{TfToken\[TOKEN\.\d+\]\}/, resourceId)).toBe(
      `arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:${resourceId}/app_user`,
    );
  });
});

describe("Database: validates its own props", () => {
  it("names the config path and applies the production rules", () => {
    expect(() =>
      synth(
        { ...postgres, deletionProtection: false },
        { production: true, configPath: "environments.qa.database" },
      ),
    ).toThrow(
      "Invalid configuration (2 problems):\n  environments.qa.database.multiAz: false: production needs a Multi-AZ standby",
    );
  });

  it("falls back to the construct path", () => {
    expect(() => synth({ ...aurora, instanceClass: "db.serverless" })).toThrow(
      'Invalid configuration: test/db.serverless: is required with instanceClass "db.serverless"',
    );
  });
});
