import { describe, expect, it } from "vitest";
import { fixtureWith, rejection } from "../helpers/config";
import { fixtureInput } from "../fixtures/config";
import { synthPlatform } from "../helpers/synth";
import { synthFixture } from "../fixtures/synth";
import { bodies, byPath, only, refTo, type Block, type TfJson } from "../helpers/tf";

const { stacks } = synthFixture();
const devOps = stacks["fixture-sandbox-ops"];
const prodOps = stacks["fixture-live-ops"];

const statements = (json: TfJson, pathSuffix: string): Block[] => {
  const doc = Object.values(json.data?.aws_iam_policy_document ?? {}).find((b) =>
    (b["//"] as { metadata: { path: string } }).metadata.path.endsWith(pathSuffix),
  );
  return (doc?.statement ?? []) as Block[];
};
/** Alarms of a stack by the end of their name. */
const alarm = (json: TfJson, nameSuffix: string): Block => {
  const found = bodies(json, "aws_cloudwatch_metric_alarm").filter((a) =>
    String(a.alarm_name).endsWith(nameSuffix),
  );
  expect(found, nameSuffix).toHaveLength(1);
  return found[0];
};
const opsOutput = (env: string, output: string) =>
  new RegExp(
    `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-fixture-${env}-ops\\.outputs\\.cross-stack-output-aws_sns_topictopics_${output}_[0-9A-F]+arn\\}$`,
  );

describe("alarm topics", () => {
  it("creates critical and warning topics encrypted with a rotating key CloudWatch and EventBridge may use", () => {
    const topics = bodies(prodOps, "aws_sns_topic");
    expect(topics.map((t) => t.name).sort()).toEqual([
      "fixture-live-alarms-critical",
      "fixture-live-alarms-warning",
    ]);
    const key = byPath(prodOps, "aws_kms_key", "topics/key");
    expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    for (const t of topics)
      expect(t.kms_master_key_id).toBe(refTo(prodOps, "aws_kms_key", key, "arn"));
    const [, alarms, events, budgets] = statements(prodOps, "topics/key-policy");
    expect(alarms).toMatchObject({
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["555555555555"] },
      ],
    });
    // EventBridge delivery to encrypted topics fails with aws:Source* conditions on the key.
    expect(events).toMatchObject({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
    });
    expect(events).not.toHaveProperty("condition");
    expect(budgets).toMatchObject({
      principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["555555555555"] },
      ],
    });
    expect(statements(prodOps, "topics/critical-policy-document")[1]).toMatchObject({
      actions: ["sns:Publish"],
      principals: [
        {
          type: "Service",
          identifiers: [
            "cloudwatch.amazonaws.com",
            "events.amazonaws.com",
            "budgets.amazonaws.com",
          ],
        },
      ],
    });
  });

  it("subscribes the configured e-mail addresses", () => {
    const input = fixtureWith(
      "sandbox",
      (e) =>
        (e.operations = {
          alarmEmails: { critical: ["oncall@example.com"], warning: ["team@example.com"] },
        }),
    );
    const subs = bodies(
      synthPlatform(input, { environments: ["sandbox"] }).stacks["fixture-sandbox-ops"],
      "aws_sns_topic_subscription",
    );
    expect(subs.map((s) => [s.protocol, s.endpoint]).sort()).toEqual([
      ["email", "oncall@example.com"],
      ["email", "team@example.com"],
    ]);
  });
});

describe("central log bucket", () => {
  const bucket = only(prodOps, "aws_s3_bucket");
  const ref = refTo(prodOps, "aws_s3_bucket", bucket, "id");

  it("is private, SSE-S3, versioned, and archives to Glacier after 90 days, deleting after 365", () => {
    expect(bucket).toMatchObject({
      bucket: "fixture-live-logs-555555555555-ap-northeast-1",
      lifecycle: { prevent_destroy: true },
    });
    expect(only(prodOps, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      bucket: ref,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(only(prodOps, "aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: ref,
      restrict_public_buckets: true,
      block_public_policy: true,
    });
    expect(only(prodOps, "aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      expect.objectContaining({
        transition: [{ days: 90, storage_class: "GLACIER" }],
        expiration: [{ days: 365 }],
      }),
    ]);
    expect(only(devOps, "aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: false });
  });

  it("lets only the region's ELB account write ALB logs under alb/, over TLS", () => {
    const all = statements(prodOps, "logs/policy-document");
    const elb = all.find((st) => st.sid === "ElbLogDelivery");
    const tls = all.find((st) => st.sid === "DenyInsecureTransport");
    const elbAccount = Object.keys(prodOps.data?.aws_elb_service_account ?? {})[0];
    expect(elb).toMatchObject({
      actions: ["s3:PutObject"],
      resources: [`${refTo(prodOps, "aws_s3_bucket", bucket, "arn")}/alb/AWSLogs/555555555555/*`],
      principals: [
        { type: "AWS", identifiers: [`\${data.aws_elb_service_account.${elbAccount}.arn}`] },
      ],
    });
    expect(tls).toMatchObject({
      effect: "Deny",
      condition: [{ variable: "aws:SecureTransport", values: ["false"] }],
    });
  });
});

describe("WAF", () => {
  it("prod: managed common, known-bad-inputs and SQLi rules plus a per-IP rate limit, with metrics and logs", () => {
    const acl = only(prodOps, "aws_wafv2_web_acl");
    expect(acl).toMatchObject({
      scope: "REGIONAL",
      default_action: { allow: {} },
      visibility_config: { cloudwatch_metrics_enabled: true },
    });
    // prod's ALB is behind CloudFront: the origin-header rule comes first (edge.test.ts).
    const rules = (acl.rule as Block[]).filter((r) => r.name !== "origin-header-required");
    expect(rules.map((r) => r.name)).toEqual([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "rate-limit-per-ip",
    ]);
    expect(rules[0]).toMatchObject({
      statement: {
        managed_rule_group_statement: {
          rule_action_override: [{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }],
        },
      },
    });
    expect(rules[0]).toMatchObject({
      override_action: { none: {} },
      statement: {
        managed_rule_group_statement: { name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" },
      },
    });
    expect(rules[3]).toMatchObject({
      action: { block: {} },
      statement: { rate_based_statement: { limit: 2000, aggregate_key_type: "FORWARDED_IP" } },
    });
    for (const r of rules)
      expect(r.visibility_config).toMatchObject({
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
      });
    const logs = byPath(prodOps, "aws_cloudwatch_log_group", "waf/logs");
    expect(logs).toMatchObject({ name: "aws-waf-logs-fixture-live", retention_in_days: 30 });
    expect(
      only(prodOps, "aws_wafv2_web_acl_logging_configuration").log_destination_configs,
    ).toEqual([refTo(prodOps, "aws_cloudwatch_log_group", logs, "arn")]);
  });

  it("is associated with the prod ALB, and off in dev unless enabled", () => {
    const association = only(stacks["fixture-live-services"], "aws_wafv2_web_acl_association");
    expect(String(association.web_acl_arn)).toMatch(
      /fixture-live-ops\.outputs\..*aws_wafv2_web_acl.*arn\}$/,
    );
    expect(bodies(devOps, "aws_wafv2_web_acl")).toEqual([]);
    expect(bodies(stacks["fixture-sandbox-services"], "aws_wafv2_web_acl_association")).toEqual([]);
    const on = synthPlatform(
      fixtureWith("sandbox", (e) => (e.operations = { waf: { enabled: true, rateLimit: 500 } })),
      { environments: ["sandbox"] },
    );
    expect(
      (only(on.stacks["fixture-sandbox-ops"], "aws_wafv2_web_acl").rule as Block[])[3],
    ).toMatchObject({
      statement: { rate_based_statement: { limit: 500 } },
    });
    expect(
      bodies(on.stacks["fixture-sandbox-services"], "aws_wafv2_web_acl_association"),
    ).toHaveLength(1);
  });
});

describe("alarms wired into the modules that own the resources", () => {
  const services = stacks["fixture-live-services"];

  it("ALB: 5xx rate of ELB and targets over requests (critical), p90 response time (warning)", () => {
    const rate = alarm(services, "alb-5xx-rate");
    expect(rate).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: 5,
      evaluation_periods: 5,
    });
    expect((rate.alarm_actions as string[])[0]).toMatch(opsOutput("live", "critical"));
    const queries = rate.metric_query as Block[];
    expect(queries.map((q) => q.id)).toEqual(["elb", "target", "requests", "rate"]);
    // ELB 5xx count in the denominator too: with no healthy target RequestCount stays empty.
    expect(queries[3]).toMatchObject({
      expression:
        "IF(FILL(requests, 0) + FILL(elb, 0) > 0, 100 * (FILL(elb, 0) + FILL(target, 0)) / (FILL(requests, 0) + FILL(elb, 0)), 0)",
      return_data: true,
    });
    const latency = alarm(services, "alb-target-response-time");
    expect(latency).toMatchObject({
      metric_name: "TargetResponseTime",
      extended_statistic: "p90",
      threshold: 2,
    });
    expect((latency.alarm_actions as string[])[0]).toMatch(opsOutput("live", "warning"));
  });

  it("ECS: CPU and memory (warning), running fewer tasks than desired (critical), per service", () => {
    for (const service of ["web", "api"]) {
      expect(alarm(services, `${service}-cpu`)).toMatchObject({
        namespace: "AWS/ECS",
        metric_name: "CPUUtilization",
        threshold: 90,
      });
      expect(alarm(services, `${service}-memory`)).toMatchObject({
        metric_name: "MemoryUtilization",
        threshold: 90,
      });
      const missing = alarm(services, `${service}-missing-tasks`);
      expect((missing.metric_query as Block[])[2]).toMatchObject({
        expression: "desired - running",
      });
      expect((missing.alarm_actions as string[])[0]).toMatch(opsOutput("live", "critical"));
    }
  });

  it("database: CPU, freeable memory, connections (warning) and storage (critical); Aurora watches local storage", () => {
    const prod = stacks["fixture-live-data"];
    expect(alarm(prod, "db-cpu")).toMatchObject({
      dimensions: { DBClusterIdentifier: "fixture-live-db" },
      threshold: 80,
    });
    expect(alarm(prod, "db-freeable-memory")).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 256 * 1024 ** 2,
    });
    expect(alarm(prod, "db-connections")).toMatchObject({ threshold: 400 });
    expect(alarm(prod, "db-free-storage")).toMatchObject({
      metric_name: "FreeLocalStorage",
      threshold: 5 * 1024 ** 3,
    });
    const dev = stacks["fixture-sandbox-data"];
    expect(alarm(dev, "db-free-storage")).toMatchObject({
      metric_name: "FreeStorageSpace",
      dimensions: { DBInstanceIdentifier: "fixture-sandbox-db" },
    });
  });

  it("DCV: the gateway alarms notify the critical topic", () => {
    for (const a of bodies(stacks["fixture-live-dcv"], "aws_cloudwatch_metric_alarm")) {
      expect((a.alarm_actions as string[])[0]).toMatch(opsOutput("live", "critical"));
    }
  });

  it("takes thresholds from the config", () => {
    const input = fixtureWith(
      "live",
      (e) =>
        (e.operations = { ...e.operations, thresholds: { alb5xxPercent: 1, dbConnections: 900 } }),
    );
    const { stacks: custom } = synthPlatform(input, { environments: ["live"] });
    expect(alarm(custom["fixture-live-services"], "alb-5xx-rate").threshold).toBe(1);
    expect(alarm(custom["fixture-live-data"], "db-connections").threshold).toBe(900);
  });
});

describe("dashboard", () => {
  it("shows ALB, ECS, log-router error lines, database and DCV gateway metrics of the environment", () => {
    const dashboard = only(stacks["fixture-live-monitoring"], "aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe("fixture-live-platform");
    const body = JSON.parse(String(dashboard.dashboard_body)) as {
      widgets: { properties: { title: string; metrics: string[][] } }[];
    };
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual([
      "ALB requests and 5xx",
      "ALB target response time (p90)",
      "ECS CPU %",
      "ECS memory %",
      "ECS running tasks",
      "Error lines per minute (log routers)",
      "Database CPU %",
      "Database connections",
      "Database freeable memory",
      "DCV gateways healthy / unhealthy",
      "DCV active connections",
      "DCV gateways in service",
    ]);
    const ecs = body.widgets[2].properties.metrics;
    expect(ecs.map((m) => m[5])).toEqual(["web", "api"]);
    // The same metrics the services' error-line alarms watch.
    expect(body.widgets[5].properties.metrics).toEqual(
      ["web", "api"].map((svc) => ["fixture-live/logs", `${svc}-error-lines`]),
    );
    expect(body.widgets[6].properties.metrics[0]).toEqual([
      "AWS/RDS",
      "CPUUtilization",
      "DBClusterIdentifier",
      "fixture-live-db",
    ]);
    expect(body.widgets[0].properties.metrics[0][3]).toMatch(/fixture-live-services\.outputs\./);
  });
});

describe("account security (GuardDuty, AWS Config) in the ops stack", () => {
  it("delivers Config to the log bucket, whose policy admits it, only after that policy exists", () => {
    const channel = only(prodOps, "aws_config_delivery_channel");
    expect(channel.s3_bucket_name).toBe("fixture-live-logs-555555555555-ap-northeast-1");
    const policy = Object.keys(prodOps.resource?.aws_s3_bucket_policy ?? {})[0];
    expect(channel.depends_on).toContain(`aws_s3_bucket_policy.${policy}`);
    const sids = statements(prodOps, "logs/policy-document").map((st) => st.sid);
    expect(sids[0]).toBe("ElbLogDelivery");
    expect(sids[sids.length - 1]).toBe("DenyInsecureTransport");
    expect(sids.length).toBeGreaterThan(2);
    expect(bodies(prodOps, "aws_guardduty_detector")).toHaveLength(1);
    expect(
      bodies(prodOps, "aws_cloudwatch_event_target").every((t) => /critical/.test(String(t.arn))),
    ).toBe(true);
  });

  it("is off where the config says another environment owns it", () => {
    const input = fixtureWith(
      "sandbox",
      (e) =>
        (e.accountSingletons = { guardDutyDetector: "reference", configRecorder: "reference" }),
    );
    // The owner is outside this configuration (no other environment shares sandbox's
    // account), so sandbox alone is all there is to build.
    expect(input.environments.live.account).not.toBe(input.environments.sandbox.account);
    const { stacks: referencing } = synthPlatform(input, { environments: ["sandbox"] });
    expect(bodies(referencing["fixture-sandbox-ops"], "aws_guardduty_detector")).toEqual([]);
  });

  it("refuses two environments running it in the same account and region", () => {
    const input = fixtureInput();
    input.environments.live.account = input.environments.sandbox.account;
    if (input.environments.live.state.backend === "s3")
      input.environments.live.state.bucket = "fixture-tfstate-shared-live";
    expect(rejection(input)).toMatch(
      /environments\.live\.accountSingletons\.guardDutyDetector: "create", but environments\.sandbox already manages the GuardDuty detector of account 444444444444 in ap-northeast-1/,
    );
  });
});

describe("CI roles (manual ci stack)", () => {
  it("trusts the repository's deploy job in the environment's GitHub environment", () => {
    const ci = stacks["fixture-live-ci"];
    const trust = Object.values(ci.data?.aws_iam_policy_document ?? {})
      .flatMap((d) => (d.statement ?? []) as Block[])
      .flatMap((st) => (st.condition ?? []) as Block[])
      .filter((c) => String(c.variable).endsWith(":sub"))
      .flatMap((c) => c.values as string[]);
    expect(trust).toContain("repo:example-org/platform-infra:environment:live");
    expect(trust).toContain("repo:example-org/platform-infra:environment:live-plan");
    expect(ci.terraform?.backend?.s3).toMatchObject({ key: "fixture/live/ci.tfstate" });
  });
});

describe("ci validation", () => {
  it("refuses CI roles without S3 state", () => {
    const input = fixtureWith(
      "live",
      (e) => (e.state = { backend: "cloud", organization: "acme" }),
    );
    expect(rejection(input)).toMatch(
      /environments\.live\.ci: needs S3 state: the roles are granted the state bucket/,
    );
  });
});

describe("operations validation", () => {
  it("requires someone to receive critical alarms in production", () => {
    const input = fixtureWith(
      "live",
      (e) => (e.operations = { alarmEmails: { warning: ["team@example.com"] } }),
    );
    expect(rejection(input)).toMatch(
      /environments\.live\.operations\.alarmEmails\.critical: is empty: in production someone must receive critical alarms/,
    );
  });

  it("rejects an alarm address that is not an e-mail", () => {
    const input = fixtureWith(
      "live",
      (e) => (e.operations = { alarmEmails: { critical: ["oncall"] } }),
    );
    expect(rejection(input)).toMatch(
      /environments\.live\.operations\.alarmEmails\.critical\[0\]: got "oncall": must be an e-mail address/,
    );
  });

  it("rejects logs that would expire before they reach Glacier", () => {
    const input = fixtureWith(
      "live",
      (e) => (e.operations = { logBucket: { glacierAfterDays: 400, expireAfterDays: 365 } }),
    );
    expect(rejection(input)).toMatch(
      /environments\.live\.operations\.logBucket\.expireAfterDays: 365 must be later than glacierAfterDays \(400\)/,
    );
  });

  it("rejects a WAF rate limit below what WAF accepts", () => {
    const input = fixtureInput();
    input.environments.live.operations = { waf: { rateLimit: 5 } };
    expect(rejection(input)).toMatch(
      /environments\.live\.operations\.waf\.rateLimit: got 5: Too small: expected number to be >=10/,
    );
  });
});
