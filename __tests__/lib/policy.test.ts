import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { POLICY_RULES, checkPolicies, type Body, type StackJson } from "../../lib/policy";
import { fixtureWith, rejection } from "../helpers/config";
import { fixtureInput } from "../fixtures/config";
import { synthPlatform, synthShipped } from "../helpers/synth";
import { synthFixture } from "../fixtures/synth";

/** A one-resource-type stack in cdk.tf.json shape, with construct paths in the metadata. */
function stack(
  resources: Record<string, Record<string, Body>>,
  data: Record<string, Record<string, Body>> = {},
): StackJson {
  const withMeta = (type: string, byName: Record<string, Body>) =>
    Object.fromEntries(
      Object.entries(byName).map(([name, body]) => [
        name,
        { "//": { metadata: { path: `test/${type}/${name}` } }, ...body },
      ]),
    );
  return {
    resource: Object.fromEntries(
      Object.entries(resources).map(([type, byName]) => [type, withMeta(type, byName)]),
    ),
    data,
  };
}

const goodBucket = {
  aws_s3_bucket: { b: { bucket: "x" } },
  aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: "${aws_s3_bucket.b.id}" } },
  aws_s3_bucket_public_access_block: {
    p: {
      bucket: "${aws_s3_bucket.b.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
  },
};
const dbOk = {
  storage_encrypted: true,
  deletion_protection: true,
  skip_final_snapshot: false,
  backup_retention_period: 7,
  lifecycle: { prevent_destroy: true },
};

const trailOk = {
  is_multi_region_trail: true,
  enable_log_file_validation: true,
  kms_key_id: "${aws_kms_key.k.arn}",
};
const cacheOk = { at_rest_encryption_enabled: true, transit_encryption_enabled: true };
const cdnOk = {
  default_cache_behavior: [{ viewer_protocol_policy: "redirect-to-https" }],
  ordered_cache_behavior: [{ viewer_protocol_policy: "https-only" }],
  viewer_certificate: [{ minimum_protocol_version: "TLSv1.2_2021" }],
  origin: [{ custom_origin_config: [{ origin_protocol_policy: "https-only" }] }],
};

/** [rule, a stack that breaks it (address of the offender), the same stack fixed, production] */
const cases: [string, StackJson, string, StackJson, boolean][] = [
  [
    "S3-ENCRYPTION",
    stack({ ...goodBucket, aws_s3_bucket_server_side_encryption_configuration: {} }),
    "aws_s3_bucket.b",
    stack(goodBucket),
    false,
  ],
  [
    "S3-PUBLIC-ACCESS",
    stack({
      ...goodBucket,
      aws_s3_bucket_public_access_block: {
        p: { ...goodBucket.aws_s3_bucket_public_access_block.p, restrict_public_buckets: false },
      },
    }),
    "aws_s3_bucket.b",
    stack(goodBucket),
    false,
  ],
  [
    "RDS-ENCRYPTION",
    stack({ aws_db_instance: { d: { storage_encrypted: false } } }),
    "aws_db_instance.d",
    stack({ aws_db_instance: { d: { storage_encrypted: true } } }),
    false,
  ],
  [
    "EBS-ENCRYPTION",
    stack({
      aws_launch_template: {
        lt: {
          metadata_options: { http_tokens: "required" },
          block_device_mappings: [{ ebs: { encrypted: "false" } }],
        },
      },
    }),
    "aws_launch_template.lt",
    stack({
      aws_launch_template: {
        lt: {
          metadata_options: { http_tokens: "required" },
          block_device_mappings: [{ ebs: { encrypted: "true" } }],
        },
      },
    }),
    false,
  ],
  [
    "SNS-ENCRYPTION",
    stack({ aws_sns_topic: { t: { name: "alerts" } } }),
    "aws_sns_topic.t",
    stack({ aws_sns_topic: { t: { kms_master_key_id: "alias/aws/sns" } } }),
    false,
  ],
  [
    "RDS-PUBLIC",
    stack({ aws_rds_cluster_instance: { i: { publicly_accessible: true } } }),
    "aws_rds_cluster_instance.i",
    stack({ aws_rds_cluster_instance: { i: { publicly_accessible: false } } }),
    false,
  ],
  [
    "SG-OPEN-INGRESS",
    stack({
      aws_vpc_security_group_ingress_rule: {
        ssh: {
          security_group_id: "${aws_security_group.s.id}",
          cidr_ipv4: "0.0.0.0/0",
          from_port: 22,
          to_port: 22,
        },
      },
    }),
    "aws_vpc_security_group_ingress_rule.ssh",
    stack({
      aws_lb: {
        alb: {
          load_balancer_type: "application",
          security_groups: ["${aws_security_group.s.id}"],
          drop_invalid_header_fields: true,
        },
      },
      aws_vpc_security_group_ingress_rule: {
        https: {
          security_group_id: "${aws_security_group.s.id}",
          cidr_ipv4: "0.0.0.0/0",
          from_port: 443,
          to_port: 443,
        },
      },
    }),
    false,
  ],
  [
    "IMDSV2",
    stack({
      aws_instance: {
        i: {
          metadata_options: { http_tokens: "optional" },
          root_block_device: { encrypted: true },
        },
      },
    }),
    "aws_instance.i",
    stack({
      aws_instance: {
        i: {
          metadata_options: { http_tokens: "required" },
          root_block_device: { encrypted: true },
        },
      },
    }),
    false,
  ],
  [
    "ECR-IMMUTABLE-SCAN",
    stack({
      aws_ecr_repository: {
        r: {
          image_tag_mutability: "MUTABLE",
          image_scanning_configuration: { scan_on_push: true },
        },
      },
    }),
    "aws_ecr_repository.r",
    stack({
      aws_ecr_repository: {
        r: {
          image_tag_mutability: "IMMUTABLE",
          image_scanning_configuration: { scan_on_push: true },
        },
      },
    }),
    false,
  ],
  [
    "ALB-INVALID-HEADERS",
    stack({ aws_lb: { a: { load_balancer_type: "application" } } }),
    "aws_lb.a",
    stack({
      aws_lb: { a: { load_balancer_type: "application", drop_invalid_header_fields: true } },
    }),
    false,
  ],
  [
    "ALB-HTTP-REDIRECT",
    stack({
      aws_lb_listener: {
        l: { protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: "x" }] },
      },
    }),
    "aws_lb_listener.l",
    stack({
      aws_lb_listener: {
        l: {
          protocol: "HTTP",
          default_action: [
            {
              type: "redirect",
              redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" },
            },
          ],
        },
      },
    }),
    false,
  ],
  [
    "TLS-POLICY",
    stack({
      aws_lb_listener: { l: { protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-2016-08" } },
    }),
    "aws_lb_listener.l",
    stack({
      aws_lb_listener: {
        l: { protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
      },
    }),
    false,
  ],
  [
    "IAM-STAR",
    stack(
      { aws_iam_role_policy: { p: { policy: "${data.aws_iam_policy_document.d.json}" } } },
      {
        aws_iam_policy_document: {
          d: { statement: [{ effect: "Allow", actions: ["*"], resources: ["*"] }] },
        },
      },
    ),
    "aws_iam_role_policy.p",
    stack(
      { aws_iam_role_policy: { p: { policy: "${data.aws_iam_policy_document.d.json}" } } },
      {
        aws_iam_policy_document: {
          d: { statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }] },
        },
      },
    ),
    false,
  ],
  [
    "LOG-RETENTION",
    stack({ aws_cloudwatch_log_group: { g: { name: "/x" } } }),
    "aws_cloudwatch_log_group.g",
    stack({ aws_cloudwatch_log_group: { g: { name: "/x", retention_in_days: 30 } } }),
    false,
  ],
  [
    "PROD-DB-SAFETY",
    stack({ aws_rds_cluster: { c: { ...dbOk, backup_retention_period: 3 } } }),
    "aws_rds_cluster.c",
    stack({ aws_rds_cluster: { c: dbOk } }),
    true,
  ],
  [
    "CLOUDTRAIL-INTEGRITY",
    stack({ aws_cloudtrail: { t: { ...trailOk, enable_log_file_validation: false } } }),
    "aws_cloudtrail.t",
    stack({ aws_cloudtrail: { t: trailOk } }),
    false,
  ],
  [
    "CACHE-ENCRYPTION",
    stack({
      aws_elasticache_replication_group: { r: { ...cacheOk, transit_encryption_enabled: false } },
    }),
    "aws_elasticache_replication_group.r",
    stack({ aws_elasticache_replication_group: { r: cacheOk } }),
    false,
  ],
  [
    "CDN-HTTPS",
    stack({
      aws_cloudfront_distribution: {
        d: { ...cdnOk, default_cache_behavior: [{ viewer_protocol_policy: "allow-all" }] },
      },
    }),
    "aws_cloudfront_distribution.d",
    stack({ aws_cloudfront_distribution: { d: cdnOk } }),
    false,
  ],
];

describe("policy rules: each fires on a bad resource with its id and address, and is quiet when fixed", () => {
  it("covers every rule", () => {
    expect(cases.map(([id]) => id).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });

  it.each(cases)("%s", (id, bad, address, good, production) => {
    const found = checkPolicies(bad, production, []).violations;
    expect(found.map((v) => [v.rule, v.resource.address])).toEqual([[id, address]]);
    expect(found[0].resource.path).toBe(`test/${address.replace(".", "/")}`);
    expect(checkPolicies(good, production, []).violations).toEqual([]);
  });

  it("PROD-DB-SAFETY only applies to production", () => {
    expect(
      checkPolicies(
        stack({ aws_rds_cluster: { c: { ...dbOk, deletion_protection: false } } }),
        false,
        [],
      ).violations,
    ).toEqual([]);
  });

  it("an exception with a reason moves a violation to the excepted list", () => {
    const bad = cases[0][1];
    const result = checkPolicies(bad, false, [
      { rule: "S3-ENCRYPTION", resource: "test/aws_s3_bucket/b", reason: "a test fixture" },
    ]);
    expect(result.violations).toEqual([]);
    expect(result.excepted.map((x) => [x.rule, x.reason])).toEqual([
      ["S3-ENCRYPTION", "a test fixture"],
    ]);
  });
});

describe.each([
  ["shipped", undefined, () => synthShipped()],
  ["fixture", fixtureInput(), () => synthFixture()],
] as const)("policy checks on the %s platform", (_name, input, synth) => {
  const config = loadConfig(input);

  it("finds zero violations in every stack of every environment, and uses every exception", () => {
    const { stacks } = synth();
    const used = new Map<string, string[]>();
    for (const [name, json] of Object.entries(stacks)) {
      const env = config.environments[name.slice(config.project.length + 1).split("-")[0]];
      const result = checkPolicies(json, env.production, env.policyExceptions);
      expect(result.violations, name).toEqual([]);
      used.set(env.name, [
        ...(used.get(env.name) ?? []),
        ...result.excepted.map((x) => `${x.rule} ${x.resource.path}`),
      ]);
    }
    for (const env of Object.values(config.environments))
      expect((used.get(env.name) ?? []).sort(), env.name).toEqual(
        env.policyExceptions.map((x) => `${x.rule} ${x.resource}`).sort(),
      );
  });
});

describe("policy exceptions", () => {
  const { stacks } = synthFixture();
  const config = loadConfig(fixtureInput());

  it("uses exactly one exception in the fixture: sandbox's plain-HTTP listener, with its reason", () => {
    const excepted = checkPolicies(
      stacks["fixture-sandbox-services"],
      false,
      config.environments.sandbox.policyExceptions,
    ).excepted;
    expect(excepted.map((x) => `${x.rule} ${x.resource.path}`)).toEqual([
      "ALB-HTTP-REDIRECT fixture-sandbox-services/alb/http",
    ]);
  });

  it("fails the synth, naming rule and resource, when the exception is removed", () => {
    const input = fixtureWith("sandbox", (e) => (e.policyExceptions = []));
    expect(() => synthPlatform(input, { environments: ["sandbox"] })).toThrow(
      /\[fixture-sandbox-services\] POLICY ALB-HTTP-REDIRECT fixture-sandbox-services\/alb\/http \(aws_lb_listener\.alb_http_[0-9A-F]+\): serves plain HTTP instead of redirecting to HTTPS/,
    );
  });

  it("fails the synth on an exception that matches nothing", () => {
    const input = fixtureWith(
      "live",
      (e) =>
        (e.policyExceptions = [
          {
            rule: "LOG-RETENTION",
            resource: "fixture-live-network/nothing",
            reason: "left over from an old change",
          },
        ]),
    );
    expect(() => synthPlatform(input, { environments: ["live"] })).toThrow(
      /POLICY exception LOG-RETENTION for fixture-live-network\/nothing matches no violation; remove it/,
    );
  });

  it("rejects an exception for a rule that does not exist", () => {
    const input = fixtureInput();
    input.environments.live.policyExceptions = [
      {
        rule: "NO-SUCH-RULE",
        resource: "fixture-live-network/x",
        reason: "a typo in the rule id",
      },
    ];
    expect(rejection(input)).toMatch(
      /environments\.live\.policyExceptions\[0\]\.rule: "NO-SUCH-RULE" is not a policy rule; rules: S3-ENCRYPTION, /,
    );
  });
});
