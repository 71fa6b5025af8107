import type { Body, PolicyContext, PolicyRule, Violation } from "./types";

const of = (ctx: PolicyContext, ...types: string[]) =>
  ctx.resources.filter((r) => types.includes(r.type));
const list = (v: unknown): Body[] =>
  Array.isArray(v) ? (v as Body[]) : v === undefined || v === null ? [] : [v as Body];

/** Rules for the trail, the cache and the CDN (modules/cloudtrail, cache, cdn). */
export const EXTRAS_POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "CLOUDTRAIL-INTEGRITY",
    title: "Trails record every region, validate log files and encrypt with KMS",
    why: "a single-region or unvalidated trail misses or cannot prove what happened",
    check: (ctx) =>
      of(ctx, "aws_cloudtrail")
        .filter(
          (r) =>
            r.body.is_multi_region_trail !== true ||
            r.body.enable_log_file_validation !== true ||
            r.body.kms_key_id === undefined,
        )
        .map((r): Violation => ({
          rule: "CLOUDTRAIL-INTEGRITY",
          resource: r,
          message: "is not multi-region, lacks log file validation or has no kms_key_id",
        })),
  },
  {
    id: "CACHE-ENCRYPTION",
    title: "ElastiCache encrypts at rest and in transit",
    why: "session data and Socket.IO messages cross the cache",
    check: (ctx) => [
      ...of(ctx, "aws_elasticache_replication_group")
        .filter(
          (r) =>
            // The provider takes at_rest_encryption_enabled as a string.
            String(r.body.at_rest_encryption_enabled) !== "true" ||
            r.body.transit_encryption_enabled !== true,
        )
        .map((r): Violation => ({
          rule: "CACHE-ENCRYPTION",
          resource: r,
          message: "at_rest_encryption_enabled or transit_encryption_enabled is not true",
        })),
    ],
  },
  {
    id: "CDN-HTTPS",
    title: "CloudFront serves HTTPS only (TLS 1.2+) and talks HTTPS to custom origins",
    why: "viewers and the origin hop would otherwise carry cookies in clear text",
    check: (ctx) =>
      of(ctx, "aws_cloudfront_distribution")
        .filter((r) => {
          const behaviors = [
            ...list(r.body.default_cache_behavior),
            ...list(r.body.ordered_cache_behavior),
          ];
          const cert = list(r.body.viewer_certificate)[0] ?? {};
          const origins = list(r.body.origin).flatMap((o) => list(o.custom_origin_config));
          return (
            behaviors.some((b) => b.viewer_protocol_policy === "allow-all") ||
            (cert.cloudfront_default_certificate !== true &&
              !String(cert.minimum_protocol_version).startsWith("TLSv1.2")) ||
            origins.some((o) => o.origin_protocol_policy !== "https-only")
          );
        })
        .map((r): Violation => ({
          rule: "CDN-HTTPS",
          resource: r,
          message:
            "allows plain HTTP to viewers, a TLS version below 1.2, or a non-HTTPS custom origin",
        })),
  },
];
