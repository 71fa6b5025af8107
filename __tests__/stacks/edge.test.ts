import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../lib/policy";
import { fixtureWith, rejection } from "../helpers/config";
import { synthFixture } from "../fixtures/synth";
import { bodies, byPath, only, refTo, type Block } from "../helpers/tf";

const { stacks } = synthFixture();
const edge = stacks["fixture-live-edge"];
const ops = stacks["fixture-live-ops"];
const distribution = only(edge, "aws_cloudfront_distribution");
const behaviors = distribution.ordered_cache_behavior as Block[];
const behavior = (path: string) => {
  const found = behaviors.find((b) => b.path_pattern === path);
  if (found === undefined) throw new Error(`no behavior for ${path}`);
  return found;
};
const origins = distribution.origin as Block[];

describe("edge stack: CloudFront in front of the prod ALB", () => {
  it("exists for prod only (optional in dev), after the services stack", () => {
    expect(Object.keys(stacks).filter((s) => s.endsWith("-edge"))).toEqual(["fixture-live-edge"]);
  });

  it("serves the public domain over HTTPS only, with a us-east-1 certificate and TLS 1.2+", () => {
    const cert = only(edge, "aws_acm_certificate");
    expect(cert).toMatchObject({ domain_name: "app.example.com", provider: "aws.global" });
    expect(only(edge, "aws_acm_certificate_validation").provider).toBe("aws.global");
    expect(distribution).toMatchObject({
      aliases: ["app.example.com"],
      http_version: "http2and3",
      viewer_certificate: {
        ssl_support_method: "sni-only",
        minimum_protocol_version: "TLSv1.2_2021",
      },
    });
    expect(String((distribution.viewer_certificate as Block).acm_certificate_arn)).toMatch(
      /aws_acm_certificate_validation\..*\.certificate_arn/,
    );
    for (const b of [distribution.default_cache_behavior as Block, ...behaviors])
      expect(b.viewer_protocol_policy).toBe("redirect-to-https");
    const global = (edge.provider?.aws ?? []).find((p) => p.alias === "global");
    expect(global).toMatchObject({ region: "us-east-1", allowed_account_ids: ["555555555555"] });
  });

  it("connects to the ALB's own name over HTTPS with the secret origin header", () => {
    const alb = origins.find((o) => o.origin_id === "alb");
    expect(alb).toMatchObject({
      domain_name: "origin.app.example.com",
      custom_origin_config: {
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: ["TLSv1.2"],
      },
    });
    const [header] = alb?.custom_header as Block[];
    expect(header.name).toBe("X-Origin-Verify");
    expect(String(header.value)).toMatch(
      /^\$\{data\.aws_secretsmanager_secret_version\..*\.secret_string\}$/,
    );
    const read = Object.values(edge.data?.aws_secretsmanager_secret_version ?? {});
    expect(read).toHaveLength(1);
    expect(String(read[0].secret_id)).toMatch(/fixture-live-ops\.outputs\./);
  });

  it("caches build output for a year and nothing dynamic", () => {
    const staticPolicy = byPath(edge, "aws_cloudfront_cache_policy", "policies/static-cache");
    expect(staticPolicy).toMatchObject({ default_ttl: 31536000, max_ttl: 31536000, min_ttl: 0 });
    expect(behavior("/_next/static/*").cache_policy_id).toBe(
      refTo(edge, "aws_cloudfront_cache_policy", staticPolicy, "id"),
    );
    const disabled = edge.data?.aws_cloudfront_cache_policy ?? {};
    const [[disabledName, disabledBody]] = Object.entries(disabled);
    expect(disabledBody.name).toBe("Managed-CachingDisabled");
    for (const path of ["/api/*", "/socket.io/*"]) {
      expect(behavior(path)).toMatchObject({
        cache_policy_id: `\${data.aws_cloudfront_cache_policy.${disabledName}.id}`,
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      });
    }
    expect((distribution.default_cache_behavior as Block).cache_policy_id).toBe(
      `\${data.aws_cloudfront_cache_policy.${disabledName}.id}`,
    );
  });

  it("passes cookies, query strings and the WebSocket upgrade headers but not Host to the ALB", () => {
    const request = Object.values(edge.data?.aws_cloudfront_origin_request_policy ?? {});
    expect(request.map((r) => r.name)).toEqual(["Managed-AllViewerExceptHostHeader"]);
    expect(behavior("/socket.io/*").origin_request_policy_id).toMatch(
      /data\.aws_cloudfront_origin_request_policy\./,
    );
  });

  it("adds HSTS (two years, subdomains) and hardening headers to every response", () => {
    const headers = only(edge, "aws_cloudfront_response_headers_policy");
    expect(headers.security_headers_config).toMatchObject({
      strict_transport_security: {
        access_control_max_age_sec: 63072000,
        include_subdomains: true,
        override: true,
      },
      content_type_options: { override: true },
      frame_options: { frame_option: "SAMEORIGIN" },
    });
    const id = refTo(edge, "aws_cloudfront_response_headers_policy", headers, "id");
    for (const b of [distribution.default_cache_behavior as Block, ...behaviors])
      expect(b.response_headers_policy_id).toBe(id);
  });

  it("has a CLOUDFRONT-scope web ACL in us-east-1 in production, with its logs there too", () => {
    const acl = only(edge, "aws_wafv2_web_acl");
    expect(acl).toMatchObject({ scope: "CLOUDFRONT", provider: "aws.global" });
    expect(distribution.web_acl_id).toBe(refTo(edge, "aws_wafv2_web_acl", acl, "arn"));
    expect(only(edge, "aws_cloudwatch_log_group")).toMatchObject({
      name: "aws-waf-logs-fixture-live-cdn",
      provider: "aws.global",
      retention_in_days: 30,
    });
  });

  it("logs access to the central bucket under cloudfront/, which lets only this account's deliveries write", () => {
    const destination = only(edge, "aws_cloudwatch_log_delivery_destination");
    expect(
      (destination.delivery_destination_configuration as Block[])[0].destination_resource_arn,
    ).toMatch(/\/cloudfront$/);
    expect(only(edge, "aws_cloudwatch_log_delivery_source")).toMatchObject({
      log_type: "ACCESS_LOGS",
      provider: "aws.global",
    });
    const bucketDoc = Object.entries(ops.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith("logs_policy-document"),
    )?.[1];
    const statement = (bucketDoc?.statement as Block[]).find(
      (s) => s.sid === "CloudFrontLogDelivery",
    );
    expect(statement).toMatchObject({
      principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
    });
  });

  it("serves media from a private bucket through Origin Access Control, readable only by this distribution", () => {
    const media = origins.find((o) => o.origin_id === "media");
    const oac = only(edge, "aws_cloudfront_origin_access_control");
    expect(oac).toMatchObject({ signing_behavior: "always", signing_protocol: "sigv4" });
    expect(media?.origin_access_control_id).toBe(
      refTo(edge, "aws_cloudfront_origin_access_control", oac, "id"),
    );
    expect(behavior("/media/*").target_origin_id).toBe("media");
    const bucket = only(edge, "aws_s3_bucket");
    expect(bucket.lifecycle).toMatchObject({ prevent_destroy: true });
    const doc = Object.entries(edge.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith("cdn_media_policy-document"),
    )?.[1];
    expect((doc?.statement as Block[])[0]).toMatchObject({
      actions: ["s3:GetObject"],
      condition: [
        {
          variable: "AWS:SourceArn",
          values: [refTo(edge, "aws_cloudfront_distribution", distribution, "arn")],
        },
      ],
    });
  });

  it("points A and AAAA alias records for the public domain at the distribution", () => {
    const records = bodies(edge, "aws_route53_record").filter((r) => r.alias !== undefined);
    expect(records.map((r) => r.type).sort()).toEqual(["A", "AAAA"]);
    for (const r of records) expect(r.name).toBe("app.example.com");
  });

  it("makes the ALB's web ACL refuse requests without the origin header, and rate-limit the forwarded client", () => {
    const acl = only(ops, "aws_wafv2_web_acl");
    const rules = acl.rule as Block[];
    const header = rules.find((r) => r.name === "origin-header-required");
    const secretVersion = only(ops, "aws_secretsmanager_secret_version");
    expect(header).toMatchObject({
      priority: 0,
      action: { block: {} },
      statement: {
        not_statement: {
          statement: {
            byte_match_statement: {
              positional_constraint: "EXACTLY",
              field_to_match: { single_header: { name: "x-origin-verify" } },
              search_string: refTo(
                ops,
                "aws_secretsmanager_secret_version",
                secretVersion,
                "secret_string",
              ),
            },
          },
        },
      },
    });
    expect(secretVersion.lifecycle).toMatchObject({ ignore_changes: ["secret_string"] });
    const rate = rules.find((r) => r.name === "rate-limit-per-ip");
    expect(rate?.statement).toMatchObject({
      rate_based_statement: { aggregate_key_type: "FORWARDED_IP" },
    });
  });

  it("passes every policy check", () => {
    expect(checkPolicies(edge, true, []).violations).toEqual([]);
  });
});

describe("edge validation rules", () => {
  const cases: [
    string,
    Parameters<typeof fixtureWith>[0],
    Parameters<typeof fixtureWith>[1],
    RegExp,
  ][] = [
    [
      "production without CloudFront",
      "live",
      (e) => delete e.edge,
      /environments\.live\.edge: is missing: a production ALB is served through CloudFront/,
    ],
    [
      "edge without services",
      "sandbox",
      (e) => {
        delete e.services;
        e.edge = { domain: "dev.example.com", hostedZoneId: "Z0123" };
      },
      /environments\.sandbox\.edge: needs services: CloudFront's origin is the services' ALB/,
    ],
    [
      "an HTTP-only origin",
      "sandbox",
      (e) => (e.edge = { domain: "dev.example.com", hostedZoneId: "Z0123" }),
      /environments\.sandbox\.services\.alb\.listener\.protocol: "http": CloudFront talks HTTPS to its origin/,
    ],
    [
      "a certificate ARN without an origin name",
      "live",
      (e) => {
        if (e.services === undefined) throw new Error("no services");
        e.services.alb = {
          ...e.services.alb,
          listener: {
            protocol: "https",
            certificateArn: "arn:aws:acm:ap-northeast-1:555555555555:certificate/x",
          },
        };
      },
      /environments\.live\.edge\.originDomain: is required when the ALB listener uses certificateArn/,
    ],
    [
      "the same name for viewers and origin",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.originDomain = "app.example.com";
      },
      /environments\.live\.edge\.domain: "app\.example\.com" is also the ALB's origin name/,
    ],
    [
      "the ALB's WAF turned off",
      "live",
      (e) => (e.operations = { ...e.operations, waf: { enabled: false } }),
      /environments\.live\.operations\.waf\.enabled: false, but edge is configured/,
    ],
    [
      "a path listed twice",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.uncachedPaths = ["/api/*", "/_next/static/*"];
      },
      /environments\.live\.edge\.uncachedPaths\[1\]: "\/_next\/static\/\*" is already listed in staticPaths\[0\]/,
    ],
    [
      "the catch-all as a behavior",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.staticPaths = ["/*"];
      },
      /environments\.live\.edge\.staticPaths\[0\]: "\/\*" is the default behavior/,
    ],
    [
      "too many behaviors",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.uncachedPaths = Array.from({ length: 25 }, (_, i) => `/p${i}/*`);
      },
      /environments\.live\.edge\.uncachedPaths: with staticPaths and media make 27 cache behaviors; CloudFront allows 25/,
    ],
    [
      "short HSTS in production",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.hsts = { maxAgeSeconds: 3600 };
      },
      /environments\.live\.edge\.hsts\.maxAgeSeconds: 3600 is below a year/,
    ],
    [
      "preload without subdomains",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.hsts = { preload: true, includeSubdomains: false };
      },
      /environments\.live\.edge\.hsts\.preload: true needs maxAgeSeconds >= 31536000 and includeSubdomains/,
    ],
    [
      "a path that is not a pattern",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.staticPaths = ["assets/*"];
      },
      /environments\.live\.edge\.staticPaths\[0\]: got "assets\/\*": must be a CloudFront path pattern starting with "\/"/,
    ],
    [
      "a domain that is not a DNS name",
      "live",
      (e) => {
        if (e.edge === undefined) throw new Error("no edge");
        e.edge.domain = "App.Example.com";
      },
      /environments\.live\.edge\.domain: got "App\.Example\.com": must be a lower-case DNS name/,
    ],
  ];
  it.each(cases)("rejects %s", (_, env, edit, message) => {
    expect(rejection(fixtureWith(env, edit))).toMatch(message);
  });
});
