/*
 * Which changes replace a resource, for the resource types this project creates whose loss
 * loses data. An argument is listed when the AWS provider's schema marks it ForceNew
 * (Terraform plans `-/+ ... forces replacement`); the `docs` link is the argument reference of
 * the pinned provider (6.25.0), the `source` the schema in hashicorp/terraform-provider-aws.
 * A change to anything not listed here is planned in place.
 *
 * Keep the list honest: add a type when the project starts creating it, and an argument only
 * with the provider's word for it. Arguments the project never sets can stay out.
 */

export interface ForceNewEntry {
  /** Arguments whose change forces a new resource. */
  readonly arguments: readonly string[];
  /** Arguments that are sets: their order is not a change. */
  readonly sets?: readonly string[];
  /** Why losing this resource loses something. */
  readonly holds: string;
  /** Provider documentation of the resource. */
  readonly docs: string;
  /** Schema source in hashicorp/terraform-provider-aws (ForceNew: true). */
  readonly source: string;
}

const docs = (resource: string) =>
  `https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/${resource}`;
const source = (path: string) =>
  `https://github.com/hashicorp/terraform-provider-aws/blob/v6.25.0/internal/service/${path}`;

/** Stateful resource types and the arguments whose change replaces them. */
export const FORCE_NEW: Readonly<Record<string, ForceNewEntry>> = {
  aws_vpc: {
    arguments: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
    holds: "every subnet, ENI, endpoint and instance of the network",
    docs: docs("vpc"),
    source: source("ec2/vpc_.go"),
  },
  aws_subnet: {
    arguments: [
      "cidr_block",
      "availability_zone",
      "availability_zone_id",
      "vpc_id",
      "outpost_arn",
      "ipv6_native",
    ],
    holds: "the network interfaces of databases, load balancers and tasks placed in it",
    docs: docs("subnet"),
    source: source("ec2/vpc_subnet.go"),
  },
  aws_db_subnet_group: {
    arguments: ["name", "name_prefix"],
    holds: "the placement of every database that uses it",
    docs: docs("db_subnet_group"),
    source: source("rds/subnet_group.go"),
  },
  aws_rds_cluster: {
    arguments: [
      "cluster_identifier",
      "cluster_identifier_prefix",
      "database_name",
      "master_username",
      "kms_key_id",
      "storage_encrypted",
      "engine",
      "engine_mode",
      "availability_zones",
      "db_subnet_group_name",
      "snapshot_identifier",
      "source_region",
      "restore_to_point_in_time",
      "s3_import",
    ],
    sets: ["availability_zones"],
    holds: "the database's data",
    docs: docs("rds_cluster"),
    source: source("rds/cluster.go"),
  },
  aws_db_instance: {
    arguments: [
      "identifier",
      "identifier_prefix",
      "db_name",
      "username",
      "kms_key_id",
      "storage_encrypted",
      "availability_zone",
      "character_set_name",
      "nchar_character_set_name",
      "timezone",
      "snapshot_identifier",
      "restore_to_point_in_time",
      "s3_import",
      "custom_iam_instance_profile",
    ],
    holds: "the database's data",
    docs: docs("db_instance"),
    source: source("rds/instance.go"),
  },
  aws_kms_key: {
    arguments: ["customer_master_key_spec", "key_usage", "multi_region", "xks_key_id"],
    holds: "the only way to read what it encrypted: snapshots, retained backups, secrets and logs",
    docs: docs("kms_key"),
    source: source("kms/key.go"),
  },
  aws_s3_bucket: {
    arguments: ["bucket", "bucket_prefix", "object_lock_enabled"],
    holds: "its objects (state, logs, artifacts)",
    docs: docs("s3_bucket"),
    source: source("s3/bucket.go"),
  },
  aws_secretsmanager_secret: {
    arguments: ["name", "name_prefix"],
    holds: "the secret's value and its version history",
    docs: docs("secretsmanager_secret"),
    source: source("secretsmanager/secret.go"),
  },
  aws_cloudwatch_log_group: {
    arguments: ["name", "name_prefix"],
    holds: "the log events it retains",
    docs: docs("cloudwatch_log_group"),
    source: source("logs/group.go"),
  },
  aws_efs_file_system: {
    arguments: [
      "creation_token",
      "encrypted",
      "kms_key_id",
      "performance_mode",
      "availability_zone_name",
    ],
    holds: "the files on it",
    docs: docs("efs_file_system"),
    source: source("efs/file_system.go"),
  },
  aws_elasticache_replication_group: {
    arguments: [
      "replication_group_id",
      "at_rest_encryption_enabled",
      "kms_key_id",
      "subnet_group_name",
      "snapshot_arns",
      "snapshot_name",
    ],
    holds: "the cache's data (and its snapshots' source)",
    docs: docs("elasticache_replication_group"),
    source: source("elasticache/replication_group.go"),
  },
  aws_ecr_repository: {
    arguments: ["name", "encryption_configuration"],
    holds: "every image pushed to it",
    docs: docs("ecr_repository"),
    source: source("ecr/repository.go"),
  },
};

/** Whether losing a resource of this type loses data. */
export function isStateful(type: string): boolean {
  return type in FORCE_NEW;
}
