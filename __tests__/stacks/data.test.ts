import { fixtureInput } from "../fixtures/config";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { synthFixture } from "../fixtures/synth";
import { bodies, only, resources, type Block, type TfJson } from "../helpers/tf";

const { stacks } = synthFixture();

/** The producer output a `${data.terraform_remote_state.X.outputs.Y}` reference reads. */
function remoteOutput(reference: unknown): string {
  const m = /^\$\{data\.terraform_remote_state\.([^.]+)\.outputs\.([^}]+)\}$/.exec(
    String(reference),
  );
  if (!m) throw new Error(`${String(reference)} is not a remote-state read`);
  return m[2];
}

describe.each(Object.keys(loadConfig(fixtureInput()).environments))("fixture-%s-data", (env) => {
  const json = stacks[`fixture-${env}-data`];
  const network = stacks[`fixture-${env}-network`];
  const db = [...bodies(json, "aws_rds_cluster"), ...bodies(json, "aws_db_instance")][0];

  it("reads the subnet group and VPC from the network stack's state", () => {
    const sources = Object.values(json.data?.terraform_remote_state ?? {});
    // The network's state for placement, the ops stack's for the alarm topics.
    expect(sources.map((src) => (src.config as { key: string }).key).sort()).toEqual([
      `fixture/${env}/network.tfstate`,
      `fixture/${env}/ops.tfstate`,
    ]);
    const subnetGroupOutput = remoteOutput(db.db_subnet_group_name);
    const vpcOutput = remoteOutput(only(json, "aws_security_group").vpc_id);
    const producerOutputs = network.output ?? {};
    expect(String(producerOutputs[subnetGroupOutput].value)).toMatch(
      /^\$\{aws_db_subnet_group\.[^.]+\.name\}$/,
    );
    expect(String(producerOutputs[vpcOutput].value)).toMatch(/^\$\{aws_vpc\.[^.]+\.id\}$/);
  });

  it("exports what services need: endpoints, port, database name, secret, security group, key", () => {
    const declared = Object.keys(json.output ?? {}).filter(
      (o) => !o.startsWith("cross-stack-output-"),
    );
    expect(declared.sort()).toEqual([
      "database_name",
      "kms_key_arn",
      "master_secret_arn",
      "port",
      "reader_endpoint",
      "security_group_id",
      "writer_endpoint",
    ]);
    const secret = String(json.output?.master_secret_arn.value);
    expect(secret).toMatch(/\.master_user_secret\[0\]\.secret_arn\}$/);
  });

  it("grants nobody access yet: the services layer adds its own rule", () => {
    expect(bodies(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });
});

describe("database shapes", () => {
  const dev: TfJson = stacks["fixture-sandbox-data"];
  const prod: TfJson = stacks["fixture-live-data"];

  it("dev: one small RDS PostgreSQL 16 instance on gp3, destroyable, still with a final snapshot", () => {
    expect(bodies(dev, "aws_rds_cluster")).toEqual([]);
    expect(only(dev, "aws_db_instance")).toMatchObject({
      engine: "postgres",
      engine_version: "16",
      instance_class: "db.t4g.micro",
      storage_type: "gp3",
      allocated_storage: 20,
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: false,
      backup_retention_period: 7,
      lifecycle: { prevent_destroy: false, ignore_changes: ["final_snapshot_identifier"] },
      engine_lifecycle_support: "open-source-rds-extended-support-disabled",
    });
    // dev may destroy its database, never the key its final snapshot needs.
    expect(only(dev, "aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("prod: Aurora db.r6g.large, writer and a reader in another AZ, deletion-protected, 30-day backups", () => {
    const cluster = only(prod, "aws_rds_cluster");
    expect(cluster).toMatchObject({
      engine: "aurora-postgresql",
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: expect.stringMatching(
        /^fixture-live-db-final-\$\{formatdate\("YYYYMMDDhhmmss", timestamp\(\)\)\}$/,
      ) as unknown,
      backup_retention_period: 30,
      lifecycle: { prevent_destroy: true },
    });
    const instances = bodies(prod, "aws_rds_cluster_instance");
    expect(instances).toHaveLength(2);
    expect(new Set(instances.map((i) => i.availability_zone)).size).toBe(2);
    for (const i of instances)
      expect(i).toMatchObject({
        instance_class: "db.r6g.large",
        lifecycle: { prevent_destroy: true },
      });
    expect(only(prod, "aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
    expect(only(prod, "aws_appautoscaling_target")).toMatchObject({
      min_capacity: 1,
      max_capacity: 3,
    });
  });
});

describe("invariants: data that cannot be lost, databases that can be upgraded", () => {
  const all = Object.entries(synthFixture().stacks);
  const production = (id: string) =>
    loadConfig(fixtureInput()).environments[id.split("-")[1]].production;
  const of = (type: string) =>
    all.flatMap(([id, json]) => resources(json, type).map(([name, body]) => ({ id, name, body })));
  const lifecycle = (body: Block) =>
    (body.lifecycle ?? {}) as { prevent_destroy?: boolean; ignore_changes?: string[] };

  it("covers both environments' databases", () => {
    expect(of("aws_rds_cluster").length + of("aws_db_instance").length).toBeGreaterThanOrEqual(2);
  });

  it.each(["aws_vpc", "aws_subnet", "aws_db_subnet_group", "aws_rds_cluster", "aws_db_instance"])(
    "production %s resources all have prevent_destroy",
    (type) => {
      const prod = of(type).filter((r) => production(r.id));
      // prod runs Aurora: no single instance there to check.
      if (type !== "aws_db_instance") expect(prod.length).toBeGreaterThan(0);
      for (const r of prod)
        expect(lifecycle(r.body).prevent_destroy, `${r.id} ${r.name}`).toBe(true);
    },
  );

  it("every database's KMS key has prevent_destroy, in every environment", () => {
    const keys = of("aws_kms_key").filter((k) => k.id.endsWith("-data"));
    const config = loadConfig(fixtureInput());
    expect(keys.map((k) => k.id).sort()).toEqual(
      Object.keys(config.environments)
        .map((name) => `${config.project}-${name}-data`)
        .sort(),
    );
    for (const k of keys) expect(lifecycle(k.body).prevent_destroy, k.id).toBe(true);
  });

  it("no Aurora instance pins engine_version; each takes the cluster's", () => {
    const instances = of("aws_rds_cluster_instance");
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances)
      expect(i.body, `${i.id} ${i.name}`).not.toHaveProperty("engine_version");
  });

  it("Aurora instances keep the cluster's maintenance window, clear of its backup window", () => {
    for (const c of of("aws_rds_cluster")) {
      const instances = of("aws_rds_cluster_instance").filter((i) => i.id === c.id);
      for (const i of instances)
        expect(i.body.preferred_maintenance_window).toBe(c.body.preferred_maintenance_window);
    }
  });

  it("every database states its Extended Support choice and gets a final snapshot name of its own", () => {
    for (const db of [...of("aws_rds_cluster"), ...of("aws_db_instance")]) {
      expect(db.body.engine_lifecycle_support, db.id).toMatch(/^open-source-rds-extended-support/);
      expect(db.body.skip_final_snapshot, db.id).toBe(false);
      expect(String(db.body.final_snapshot_identifier), db.id).toContain("timestamp()");
      expect(lifecycle(db.body).ignore_changes, db.id).toContain("final_snapshot_identifier");
    }
  });
});
