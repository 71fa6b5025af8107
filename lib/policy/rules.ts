import { EXTRAS_POLICY_RULES } from "./extras-rules";
import type { Body, PolicyContext, PolicyRule, ResourceView, Violation } from "./types";

const of = (ctx: PolicyContext, ...types: string[]) =>
  ctx.resources.filter((r) => types.includes(r.type));
const ref = (r: ResourceView, attr: string) => `\${${r.address}.${attr}}`;
const list = (v: unknown): Body[] =>
  Array.isArray(v) ? (v as Body[]) : v === undefined || v === null ? [] : [v as Body];
/** A scalar attribute as text (cdk.tf.json holds strings, numbers and booleans). */
const text = (v: unknown): string =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : "";
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(text) : v === undefined ? [] : [text(v)];
const violation = (rule: string, resource: ResourceView, message: string): Violation => ({
  rule,
  resource,
  message,
});

/** TLS policies that still allow TLS 1.0/1.1. */
const OUTDATED_TLS = /^ELBSecurityPolicy-(2015|2016-08|TLS-1-0|TLS-1-1|FS-2018-06|FS-1-1)/;

/** Every check; the README lists them with these ids. */
export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "S3-ENCRYPTION",
    title: "Every S3 bucket has default encryption",
    why: "objects written without encryption headers would be stored in plaintext",
    check: (ctx) => {
      const encrypted = new Set(
        of(ctx, "aws_s3_bucket_server_side_encryption_configuration").map((r) =>
          text(r.body.bucket),
        ),
      );
      return of(ctx, "aws_s3_bucket")
        .filter((b) => !encrypted.has(ref(b, "id")) && !encrypted.has(ref(b, "bucket")))
        .map((b) =>
          violation(
            "S3-ENCRYPTION",
            b,
            "has no aws_s3_bucket_server_side_encryption_configuration",
          ),
        );
    },
  },
  {
    id: "S3-PUBLIC-ACCESS",
    title: "Every S3 bucket blocks all four kinds of public access",
    why: "one missing flag is enough for an ACL or policy to publish the bucket",
    check: (ctx) => {
      const flags = [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
      ];
      const blocked = new Set(
        of(ctx, "aws_s3_bucket_public_access_block")
          .filter((p) => flags.every((f) => p.body[f] === true))
          .map((p) => text(p.body.bucket)),
      );
      return of(ctx, "aws_s3_bucket")
        .filter((b) => !blocked.has(ref(b, "id")) && !blocked.has(ref(b, "bucket")))
        .map((b) =>
          violation(
            "S3-PUBLIC-ACCESS",
            b,
            `lacks a public access block with all of ${flags.join(", ")} true`,
          ),
        );
    },
  },
  {
    id: "RDS-ENCRYPTION",
    title: "Databases encrypt their storage",
    why: "snapshots and replicas inherit it; it cannot be turned on later without a restore",
    check: (ctx) =>
      of(ctx, "aws_rds_cluster", "aws_db_instance")
        .filter((r) => r.body.storage_encrypted !== true)
        .map((r) => violation("RDS-ENCRYPTION", r, "storage_encrypted is not true")),
  },
  {
    id: "EBS-ENCRYPTION",
    title: "EBS volumes are encrypted",
    why: "instance disks hold session data and credentials",
    check: (ctx) => [
      ...of(ctx, "aws_launch_template")
        .filter((r) =>
          list(r.body.block_device_mappings).some((m) =>
            list(m.ebs).some((e) => String(e.encrypted) !== "true"),
          ),
        )
        .map((r) => violation("EBS-ENCRYPTION", r, "a block device mapping is not encrypted")),
      ...of(ctx, "aws_instance")
        .filter((r) => list(r.body.root_block_device).every((d) => d.encrypted !== true))
        .map((r) => violation("EBS-ENCRYPTION", r, "the root volume is not encrypted")),
      ...of(ctx, "aws_ebs_volume")
        .filter((r) => r.body.encrypted !== true)
        .map((r) => violation("EBS-ENCRYPTION", r, "encrypted is not true")),
    ],
  },
  {
    id: "SNS-ENCRYPTION",
    title: "SNS topics are encrypted with KMS",
    why: "alarm and finding messages describe the platform's weak spots",
    check: (ctx) =>
      of(ctx, "aws_sns_topic")
        .filter((r) => r.body.kms_master_key_id === undefined)
        .map((r) => violation("SNS-ENCRYPTION", r, "has no kms_master_key_id")),
  },
  {
    id: "RDS-PUBLIC",
    title: "No database is publicly accessible",
    why: "a public endpoint exposes the database to the internet's password guessing",
    check: (ctx) =>
      of(ctx, "aws_db_instance", "aws_rds_cluster_instance")
        .filter((r) => r.body.publicly_accessible === true)
        .map((r) => violation("RDS-PUBLIC", r, "publicly_accessible is true")),
  },
  {
    id: "SG-OPEN-INGRESS",
    title: "Only the ALB's ports 80/443 accept traffic from anywhere",
    why: "everything else is reached through the ALB, PrivateLink or inside the VPC",
    check: (ctx) => {
      const albGroups = new Set(
        of(ctx, "aws_lb")
          .filter(
            (lb) =>
              (lb.body.load_balancer_type ?? "application") === "application" &&
              lb.body.internal !== true,
          )
          .flatMap((lb) => strings(lb.body.security_groups)),
      );
      const open = (cidr: unknown) => cidr === "0.0.0.0/0" || cidr === "::/0";
      return [
        ...of(ctx, "aws_vpc_security_group_ingress_rule")
          .filter((r) => open(r.body.cidr_ipv4) || open(r.body.cidr_ipv6))
          .filter(
            (r) =>
              !(
                albGroups.has(text(r.body.security_group_id)) &&
                [80, 443].includes(Number(r.body.from_port)) &&
                r.body.from_port === r.body.to_port
              ),
          )
          .map((r) =>
            violation(
              "SG-OPEN-INGRESS",
              r,
              `admits the whole internet on ${text(r.body.from_port)}-${text(r.body.to_port)}`,
            ),
          ),
        ...of(ctx, "aws_security_group")
          .filter((r) => list(r.body.ingress).some((i) => strings(i.cidr_blocks).some(open)))
          .map((r) =>
            violation("SG-OPEN-INGRESS", r, "has an inline ingress rule open to the internet"),
          ),
      ];
    },
  },
  {
    id: "IMDSV2",
    title: "Instances require IMDSv2",
    why: "IMDSv1 lets any SSRF read the instance role's credentials",
    check: (ctx) =>
      of(ctx, "aws_launch_template", "aws_instance")
        .filter((r) => list(r.body.metadata_options).every((m) => m.http_tokens !== "required"))
        .map((r) => violation("IMDSV2", r, 'metadata_options.http_tokens is not "required"')),
  },
  {
    id: "ECR-IMMUTABLE-SCAN",
    title: "ECR repositories have immutable tags and scan on push",
    why: "a re-pushed tag changes what runs without a deployment; unscanned images hide CVEs",
    check: (ctx) =>
      of(ctx, "aws_ecr_repository")
        .filter(
          (r) =>
            r.body.image_tag_mutability !== "IMMUTABLE" ||
            list(r.body.image_scanning_configuration).every((c) => c.scan_on_push !== true),
        )
        .map((r) =>
          violation("ECR-IMMUTABLE-SCAN", r, "tags are mutable or images are not scanned on push"),
        ),
  },
  {
    id: "ALB-INVALID-HEADERS",
    title: "ALBs drop invalid header fields",
    why: "malformed headers are a request-smuggling vector",
    check: (ctx) =>
      of(ctx, "aws_lb")
        .filter(
          (r) =>
            (r.body.load_balancer_type ?? "application") === "application" &&
            r.body.drop_invalid_header_fields !== true,
        )
        .map((r) => violation("ALB-INVALID-HEADERS", r, "drop_invalid_header_fields is not true")),
  },
  {
    id: "ALB-HTTP-REDIRECT",
    title: "Plain-HTTP listeners only redirect to HTTPS",
    why: "credentials and cookies would cross the internet in clear text",
    check: (ctx) =>
      of(ctx, "aws_lb_listener")
        .filter((r) => r.body.protocol === "HTTP")
        .filter(
          (r) =>
            !list(r.body.default_action).every(
              (a) => a.type === "redirect" && list(a.redirect).every((x) => x.protocol === "HTTPS"),
            ),
        )
        .map((r) =>
          violation("ALB-HTTP-REDIRECT", r, "serves plain HTTP instead of redirecting to HTTPS"),
        ),
  },
  {
    id: "TLS-POLICY",
    title: "TLS listeners allow TLS 1.2 or newer only",
    why: "TLS 1.0/1.1 are deprecated and broken",
    check: (ctx) =>
      of(ctx, "aws_lb_listener")
        .filter((r) => ["HTTPS", "TLS"].includes(text(r.body.protocol)))
        .filter(
          (r) => r.body.ssl_policy === undefined || OUTDATED_TLS.test(text(r.body.ssl_policy)),
        )
        .map((r) =>
          violation(
            "TLS-POLICY",
            r,
            `ssl_policy ${text(r.body.ssl_policy) || "(default)"} allows TLS older than 1.2`,
          ),
        ),
  },
  {
    id: "IAM-STAR",
    title: 'No IAM statement allows "*" actions on "*" resources',
    why: "that is administrator access, whatever the role was meant for",
    check: (ctx) => {
      const docs = [...ctx.data.entries()].filter(([address]) =>
        address.startsWith("data.aws_iam_policy_document."),
      );
      const bad = new Set(
        docs
          .filter(([, body]) =>
            list(body.statement).some(
              (st) =>
                (st.effect ?? "Allow") === "Allow" &&
                strings(st.actions).some((a) => a === "*" || a === "*:*") &&
                strings(st.resources).includes("*"),
            ),
          )
          .map(([address]) => `\${${address}.json}`),
      );
      return of(ctx, "aws_iam_role_policy", "aws_iam_policy")
        .filter((r) => bad.has(text(r.body.policy)))
        .map((r) => violation("IAM-STAR", r, 'grants "*" on "*"'));
    },
  },
  {
    id: "LOG-RETENTION",
    title: "Every log group has a retention",
    why: "without one, logs are kept (and billed) forever",
    check: (ctx) =>
      of(ctx, "aws_cloudwatch_log_group")
        .filter((r) => !(Number(r.body.retention_in_days) > 0))
        .map((r) => violation("LOG-RETENTION", r, "has no retention_in_days")),
  },
  {
    id: "PROD-DB-SAFETY",
    title:
      "Production databases: deletion protection, final snapshot, >= 7 days of backups, prevent_destroy",
    why: "a production database must never be lost to one mistaken command",
    check: (ctx) =>
      !ctx.production
        ? []
        : of(ctx, "aws_rds_cluster", "aws_db_instance")
            .filter(
              (r) =>
                r.body.deletion_protection !== true ||
                r.body.skip_final_snapshot === true ||
                !(Number(r.body.backup_retention_period) >= 7) ||
                (r.body.lifecycle as Body | undefined)?.prevent_destroy !== true,
            )
            .map((r) =>
              violation(
                "PROD-DB-SAFETY",
                r,
                "lacks deletion protection, a final snapshot, 7 days of backups or prevent_destroy",
              ),
            ),
  },
  ...EXTRAS_POLICY_RULES,
];
