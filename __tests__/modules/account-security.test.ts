import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { checkPolicies } from "../../lib/policy";
import { Names } from "../../lib/names";
import { AccountSecurity, type AccountSecurityProps } from "../../modules/account-security";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, only, refTo, type Block, type TfJson } from "../helpers/tf";

const names = new Names({ project: "platform", environment: "dev" });
const ACCOUNT = "123456789012";
const TOPIC = `arn:aws:sns:ap-northeast-1:${ACCOUNT}:platform-dev-alarms-critical`;
const BUCKET = "platform-dev-logs-123456789012-ap-northeast-1";
const base: AccountSecurityProps = {
  names,
  account: ACCOUNT,
  region: "ap-northeast-1",
  partition: "aws",
  logBucketName: BUCKET,
  logBucketArn: `arn:aws:s3:::${BUCKET}`,
  criticalTopicArn: TOPIC,
  recordGlobalResources: true,
};

function synth(
  extra: Partial<AccountSecurityProps> = {},
  after?: (
    security: AccountSecurity,
    stack: Parameters<Parameters<typeof synthConstruct>[0]>[0],
  ) => void,
): TfJson {
  return synthConstruct((stack) => {
    const security = new AccountSecurity(stack, "security", { ...base, ...extra });
    after?.(security, stack);
  });
}

let standard: TfJson | undefined;
/** synth() with the defaults, once: several describe blocks read the same JSON. */
const synthStandard = (): TfJson => (standard ??= synth());
const address = (json: TfJson, type: string, body: Block) =>
  refTo(json, type, body, "id").slice(2, -4);

/** EventBridge's matching for the subset the rules use: value lists and numeric ranges. */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(event) ? (event as unknown[]) : [event];
    return pattern.some((p: unknown) =>
      values.some((v) => {
        if (typeof p !== "object" || p === null) return p === v;
        const [op, bound] = (p as { numeric: [string, number] }).numeric;
        if (typeof v !== "number") return false;
        return (
          { ">=": v >= bound, ">": v > bound, "<": v < bound, "<=": v <= bound, "=": v === bound }[
            op
          ] ?? false
        );
      }),
    );
  }
  if (typeof event !== "object" || event === null) return false;
  return Object.entries(pattern as Record<string, unknown>).every(([key, sub]) =>
    matches(sub, (event as Record<string, unknown>)[key]),
  );
}

/** What an input transformer sends: paths resolved, values inserted, the JSON string parsed. */
function render(transformer: Block, event: unknown): unknown {
  const paths = transformer.input_paths as Record<string, string>;
  const value = (path: string) =>
    path
      .replace(/^\$\./, "")
      .split(".")
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], event);
  const text = (transformer.input_template as string).replace(
    /<([A-Za-z0-9_-]+)>/g,
    (_, name: string) => {
      if (!(name in paths)) throw new Error(`template variable <${name}> has no input path`);
      const v = value(paths[name]);
      return typeof v === "string" ? JSON.stringify(v).slice(1, -1) : String(v);
    },
  );
  return JSON.parse(text);
}

const finding = (severity: number) => ({
  source: "aws.guardduty",
  "detail-type": "GuardDuty Finding",
  account: ACCOUNT,
  region: "ap-northeast-1",
  detail: {
    severity,
    type: "UnauthorizedAccess:EC2/SSHBruteForce",
    title: 'SSH brute force attacks against i-0abc "gateway".',
    accountId: ACCOUNT,
    region: "ap-northeast-1",
    id: "8ec3",
  },
});
const compliance = (complianceType: string) => ({
  source: "aws.config",
  "detail-type": "Config Rules Compliance Change",
  detail: {
    messageType: "ComplianceChangeNotification",
    configRuleName: "s3-bucket-public-read-prohibited",
    resourceType: "AWS::S3::Bucket",
    resourceId: "platform-dev-uploads",
    awsAccountId: ACCOUNT,
    awsRegion: "ap-northeast-1",
    newEvaluationResult: { complianceType },
  },
});

describe("AccountSecurity: GuardDuty", () => {
  const json = synthStandard();
  const detector = only(json, "aws_guardduty_detector");
  const features = new Map(bodies(json, "aws_guardduty_detector_feature").map((f) => [f.name, f]));

  it("enables a detector publishing updated findings every 15 minutes, without the deprecated datasources", () => {
    expect(detector).toMatchObject({
      enable: true,
      finding_publishing_frequency: "FIFTEEN_MINUTES",
    });
    expect(detector).not.toHaveProperty("datasources");
  });

  it("manages every protection plan as a detector feature, all on but runtime monitoring", () => {
    const detectorId = refTo(json, "aws_guardduty_detector", detector, "id");
    expect(Object.fromEntries([...features].map(([name, f]) => [name, f.status]))).toEqual({
      S3_DATA_EVENTS: "ENABLED",
      EBS_MALWARE_PROTECTION: "ENABLED",
      RDS_LOGIN_EVENTS: "ENABLED",
      EKS_AUDIT_LOGS: "ENABLED",
      LAMBDA_NETWORK_LOGS: "ENABLED",
      RUNTIME_MONITORING: "DISABLED",
    });
    for (const f of features.values()) expect(f.detector_id).toBe(detectorId);
  });

  it("turns on Fargate runtime monitoring with GuardDuty-managed agents, and plans off, on request", () => {
    const other = synth({
      guardDutyFeatures: { RUNTIME_MONITORING: true, LAMBDA_NETWORK_LOGS: false },
    });
    const byName = new Map(bodies(other, "aws_guardduty_detector_feature").map((f) => [f.name, f]));
    expect(byName.get("RUNTIME_MONITORING")).toMatchObject({
      status: "ENABLED",
      additional_configuration: [{ name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "ENABLED" }],
    });
    expect(byName.get("LAMBDA_NETWORK_LOGS")?.status).toBe("DISABLED");
    expect(byName.get("S3_DATA_EVENTS")?.status).toBe("ENABLED");
  });
});

describe("AccountSecurity: AWS Config", () => {
  const json = synthStandard();
  const recorder = only(json, "aws_config_configuration_recorder");
  const channel = only(json, "aws_config_delivery_channel");
  const status = only(json, "aws_config_configuration_recorder_status");

  it("records every supported resource type, global ones included by default, as Config's service-linked role", () => {
    const role = only(json, "aws_iam_service_linked_role");
    expect(role.aws_service_name).toBe("config.amazonaws.com");
    expect(recorder).toMatchObject({
      name: "platform-dev-config",
      role_arn: refTo(json, "aws_iam_service_linked_role", role, "arn"),
      recording_group: { all_supported: true, include_global_resource_types: true },
    });
  });

  it("leaves global resources to another region and the role to whoever made it, when told", () => {
    const other = synth({ recordGlobalResources: false, configServiceLinkedRole: "reference" });
    expect(other.resource?.aws_iam_service_linked_role).toBeUndefined();
    expect(only(other, "aws_config_configuration_recorder")).toMatchObject({
      role_arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      recording_group: { all_supported: true, include_global_resource_types: false },
    });
  });

  it("delivers to the log bucket under the prefix, after the recorder exists", () => {
    expect(channel).toMatchObject({
      s3_bucket_name: BUCKET,
      s3_key_prefix: "config",
      snapshot_delivery_properties: { delivery_frequency: "TwentyFour_Hours" },
      depends_on: [address(json, "aws_config_configuration_recorder", recorder)],
    });
  });

  it("starts recording only once the delivery channel exists", () => {
    expect(status).toMatchObject({
      is_enabled: true,
      name: refTo(json, "aws_config_configuration_recorder", recorder, "name"),
      depends_on: [address(json, "aws_config_delivery_channel", channel)],
    });
  });
});

describe("AccountSecurity: account-wide singletons", () => {
  const importsOf = (json: TfJson) => (json.import ?? []) as { id: string; to: string }[];

  it("adopts an existing detector, recorder, channel and role with import blocks", () => {
    const json = synth({
      guardDuty: { adopt: "0123456789abcdef0123456789abcdef" },
      configRecorder: { adopt: "default" },
      configServiceLinkedRole: {
        adopt: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      },
    });
    const imports = importsOf(json);
    const to = (type: string) => imports.find((i) => i.to.startsWith(`${type}.`))?.id;
    expect(to("aws_guardduty_detector")).toBe("0123456789abcdef0123456789abcdef");
    expect(to("aws_config_configuration_recorder")).toBe("default");
    expect(to("aws_config_delivery_channel")).toBe("default");
    expect(to("aws_iam_service_linked_role")).toMatch(/AWSServiceRoleForConfig$/);
    // The adopted recorder keeps its name: there is only one per region.
    expect(only(json, "aws_config_configuration_recorder").name).toBe("default");
    expect(only(json, "aws_config_delivery_channel").name).toBe("default");
  });

  it("creates without import blocks by default", () => {
    expect(importsOf(synthStandard())).toEqual([]);
  });

  it("leaves a referenced detector and its findings alert to the owner", () => {
    const json = synth({ guardDuty: "reference" });
    expect(json.resource?.aws_guardduty_detector).toBeUndefined();
    expect(bodies(json, "aws_cloudwatch_event_rule")).toHaveLength(1);
    expect(only(json, "aws_config_configuration_recorder").name).toBe("platform-dev-config");
  });

  it("leaves a referenced recorder, its rules, alert and bucket statements to the owner", () => {
    let statements: unknown[] = [];
    const json = synth({ configRecorder: "reference" }, (security) => {
      statements = security.bucketPolicyStatements();
    });
    expect(json.resource?.aws_config_configuration_recorder).toBeUndefined();
    expect(json.resource?.aws_config_config_rule).toBeUndefined();
    expect(json.resource?.aws_iam_service_linked_role).toBeUndefined();
    expect(bodies(json, "aws_cloudwatch_event_rule")).toHaveLength(1);
    expect(statements).toEqual([]);
    expect(bodies(json, "aws_guardduty_detector")).toHaveLength(1);
  });
});

describe("AccountSecurity: bucket policy statements for Config delivery", () => {
  const statementsFor = (extra: Partial<AccountSecurityProps>) => {
    let security: AccountSecurity | undefined;
    const json = synth(extra, (s) => (security = s));
    if (security === undefined) throw new Error("not built");
    return { json, statements: security.bucketPolicyStatements() };
  };

  it("lets only this account's Config check the bucket and write under its own path, owner-controlled", () => {
    const { json, statements } = statementsFor({});
    const channel = only(json, "aws_config_delivery_channel");
    const bySid = new Map(statements.map((s) => [s.sid, s]));
    const guard = { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] };
    for (const s of statements) {
      expect(s.principals).toEqual([{ type: "Service", identifiers: ["config.amazonaws.com"] }]);
      expect(s.condition).toContainEqual(guard);
    }
    expect(bySid.get("AWSConfigBucketPermissionsCheck")).toMatchObject({
      actions: ["s3:GetBucketAcl"],
      resources: [base.logBucketArn],
    });
    expect(bySid.get("AWSConfigBucketExistenceCheck")).toMatchObject({
      actions: ["s3:ListBucket"],
      resources: [base.logBucketArn],
    });
    expect(bySid.get("AWSConfigBucketDelivery")).toMatchObject({
      actions: ["s3:PutObject"],
      resources: [
        `${base.logBucketArn}/${String(channel.s3_key_prefix)}/AWSLogs/${ACCOUNT}/Config/*`,
      ],
    });
    expect(bySid.get("AWSConfigBucketDelivery")?.condition).toContainEqual({
      test: "StringEquals",
      variable: "s3:x-amz-acl",
      values: ["bucket-owner-full-control"],
    });
  });

  it("can make delivery wait for the caller's bucket policy", () => {
    const json = synth({}, (security, stack) => {
      const document = new DataAwsIamPolicyDocument(stack, "bucket-policy-document", {
        statement: security.bucketPolicyStatements(),
      });
      const policy = new S3BucketPolicy(stack, "bucket-policy", {
        bucket: BUCKET,
        policy: document.json,
      });
      security.deliverAfter(policy);
    });
    const channel = only(json, "aws_config_delivery_channel");
    expect(channel.depends_on).toEqual([
      address(
        json,
        "aws_config_configuration_recorder",
        only(json, "aws_config_configuration_recorder"),
      ),
      address(json, "aws_s3_bucket_policy", only(json, "aws_s3_bucket_policy")),
    ]);
  });

  it("delivers to the bucket root when the prefix is empty", () => {
    const { json, statements } = statementsFor({ configKeyPrefix: "" });
    expect(only(json, "aws_config_delivery_channel")).not.toHaveProperty("s3_key_prefix");
    expect(statements.find((s) => s.sid === "AWSConfigBucketDelivery")?.resources).toEqual([
      `${base.logBucketArn}/AWSLogs/${ACCOUNT}/Config/*`,
    ]);
  });
});

describe("AccountSecurity: alerts to the critical topic", () => {
  const json = synthStandard();
  const rule = (purpose: string) =>
    byPath(json, "aws_cloudwatch_event_rule", `security/${purpose}/rule`);
  const target = (purpose: string) =>
    byPath(json, "aws_cloudwatch_event_target", `security/${purpose}/target`);
  const pattern = (purpose: string): unknown => JSON.parse(String(rule(purpose).event_pattern));

  it("routes GuardDuty findings of severity 7 and above, nothing milder, nothing else", () => {
    const p = pattern("guardduty-findings");
    expect(matches(p, finding(7))).toBe(true);
    expect(matches(p, finding(8.5))).toBe(true);
    expect(matches(p, finding(6.9))).toBe(false);
    expect(matches(p, { ...finding(9), source: "aws.securityhub" })).toBe(false);
    expect(matches(p, compliance("NON_COMPLIANT"))).toBe(false);
  });

  it("routes resources turning NON_COMPLIANT, not those returning to COMPLIANT", () => {
    const p = pattern("config-non-compliant");
    expect(matches(p, compliance("NON_COMPLIANT"))).toBe(true);
    expect(matches(p, compliance("COMPLIANT"))).toBe(false);
    expect(matches(p, finding(9))).toBe(false);
  });

  it.each([
    [
      "guardduty-findings",
      finding(8),
      'GuardDuty severity 8 in 123456789012/ap-northeast-1: UnauthorizedAccess:EC2/SSHBruteForce: SSH brute force attacks against i-0abc "gateway". (finding 8ec3)',
    ],
    [
      "config-non-compliant",
      compliance("NON_COMPLIANT"),
      "AWS Config: AWS::S3::Bucket platform-dev-uploads in 123456789012/ap-northeast-1 is NON_COMPLIANT with rule s3-bucket-public-read-prohibited",
    ],
  ])("%s: sends a readable one-line message to the topic", (purpose, event, message) => {
    const t = target(purpose);
    expect(t.arn).toBe(TOPIC);
    expect(t.rule).toBe(refTo(json, "aws_cloudwatch_event_rule", rule(purpose), "name"));
    const sent = render(t.input_transformer as Block, event);
    expect(sent).toBe(message);
    expect(String(sent)).not.toContain("\n");
    const used = [
      ...String((t.input_transformer as Block).input_template).matchAll(/<([^>]+)>/g),
    ].map((m) => m[1]);
    expect(Object.keys((t.input_transformer as Block).input_paths as object).sort()).toEqual(
      [...new Set(used)].sort(),
    );
  });

  it("gives the topic owner a publish statement limited to these two rules of this account", () => {
    const other = synth({}, (security, stack) => {
      new DataAwsIamPolicyDocument(stack, "topic-policy", {
        statement: security.topicPolicyStatements(TOPIC),
      });
    });
    const doc = Object.values(other.data?.aws_iam_policy_document ?? {})[0];
    const [statement] = doc.statement as Block[];
    expect(statement).toMatchObject({
      effect: "Allow",
      actions: ["sns:Publish"],
      resources: [TOPIC],
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
    });
    const conditions = statement.condition as Block[];
    expect(conditions).toContainEqual({
      test: "StringEquals",
      variable: "aws:SourceAccount",
      values: [ACCOUNT],
    });
    const ruleArn = (purpose: string) =>
      refTo(
        other,
        "aws_cloudwatch_event_rule",
        byPath(other, "aws_cloudwatch_event_rule", `security/${purpose}/rule`),
        "arn",
      );
    expect(conditions).toContainEqual({
      test: "ArnEquals",
      variable: "aws:SourceArn",
      values: [ruleArn("guardduty-findings"), ruleArn("config-non-compliant")],
    });
  });

  it("passes the platform's policy checks, with the caller's statements in real documents", () => {
    const stackJson = synth({}, (security, stack) => {
      new DataAwsIamPolicyDocument(stack, "bucket-policy", {
        statement: security.bucketPolicyStatements(),
      });
      new DataAwsIamPolicyDocument(stack, "topic-policy", {
        statement: security.topicPolicyStatements(TOPIC),
      });
    });
    expect(checkPolicies(stackJson, true, []).violations).toEqual([]);
  });
});

describe("AccountSecurity: validation", () => {
  const build = (extra: Partial<AccountSecurityProps>) => () =>
    synth({ configPath: "environments.dev.security", ...extra });

  it.each<[Partial<AccountSecurityProps>, string]>([
    [
      { account: "12345" },
      'environments.dev.security.account: "12345" is not an AWS account id (12 digits)',
    ],
    [
      { logBucketName: "Logs_Bucket", logBucketArn: "arn:aws:s3:::Logs_Bucket" },
      'environments.dev.security.logBucketName: "Logs_Bucket" is not an S3 bucket name',
    ],
    [
      { logBucketArn: "platform-dev-logs" },
      'environments.dev.security.logBucketArn: "platform-dev-logs" is not an S3 bucket ARN',
    ],
    [
      { logBucketArn: "arn:aws:s3:::other-bucket" },
      `environments.dev.security.logBucketArn: "arn:aws:s3:::other-bucket" is not the ARN of logBucketName; expected "arn:aws:s3:::${BUCKET}"`,
    ],
    [
      { configKeyPrefix: "/config/" },
      'environments.dev.security.configKeyPrefix: "/config/" is not a key prefix AWS Config can deliver under',
    ],
    [
      { configKeyPrefix: "config/*" },
      'environments.dev.security.configKeyPrefix: "config/*" is not a key prefix',
    ],
    [
      { criticalTopicArn: "platform-dev-alarms-critical" },
      'environments.dev.security.criticalTopicArn: "platform-dev-alarms-critical" is not an SNS topic ARN',
    ],
    [
      { criticalTopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms` },
      "is in us-east-1; EventBridge rules deliver only to topics in their own region (ap-northeast-1)",
    ],
  ])("rejects %j", (extra, message) => {
    expect(build(extra)).toThrow(message);
  });

  it("accepts values known only at plan time", () => {
    const json = synthConstruct((stack) => {
      const arn = new TerraformVariable(stack, "bucket_arn", { type: "string" });
      const topic = new TerraformVariable(stack, "topic_arn", { type: "string" });
      new AccountSecurity(stack, "security", {
        ...base,
        logBucketArn: arn.stringValue,
        criticalTopicArn: topic.stringValue,
      });
    });
    expect(bodies(json, "aws_cloudwatch_event_target").map((t) => t.arn)).toEqual([
      "${var.topic_arn}",
      "${var.topic_arn}",
    ]);
  });
});
