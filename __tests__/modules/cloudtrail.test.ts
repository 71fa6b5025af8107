import { describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { checkPolicies } from "../../lib/policy";
import { AccountTrail, TRAIL_ALARMS, type AccountTrailProps } from "../../modules/cloudtrail";
import { trailIssues } from "../../modules/cloudtrail/validate";
import { synthConstruct } from "../helpers/synth";
import { bodies, only, refTo, type Block, type TfJson } from "../helpers/tf";

const names = new Names({ project: "platform", environment: "dev" });
const ACCOUNT = "123456789012";
const BUCKET = "platform-dev-logs-123456789012-ap-northeast-1";
const TOPIC = `arn:aws:sns:ap-northeast-1:${ACCOUNT}:platform-dev-alarms-critical`;
const TRAIL_ARN = `arn:aws:cloudtrail:ap-northeast-1:${ACCOUNT}:trail/platform-dev-trail`;
const base: AccountTrailProps = {
  names,
  account: ACCOUNT,
  region: "ap-northeast-1",
  partition: "aws",
  logBucketName: BUCKET,
  logBucketArn: `arn:aws:s3:::${BUCKET}`,
  alarmTopicArn: TOPIC,
  logRetentionDays: 30,
  keyPrefix: "cloudtrail",
  cloudWatchLogs: true,
};

function build(extra: Partial<AccountTrailProps> = {}): { json: TfJson; trail: AccountTrail } {
  let trail: AccountTrail | undefined;
  const json = synthConstruct((stack) => {
    trail = new AccountTrail(stack, "trail", { ...base, ...extra });
  });
  if (trail === undefined) throw new Error("not built");
  return { json, trail };
}
const statements = (json: TfJson, name: string): Block[] =>
  (json.data?.aws_iam_policy_document[name].statement as Block[] | undefined) ?? [];
const docNamed = (json: TfJson, prefix: string): string => {
  const name = Object.keys(json.data?.aws_iam_policy_document ?? {}).find((n) =>
    n.startsWith(prefix),
  );
  if (name === undefined) throw new Error(`no policy document ${prefix}*`);
  return name;
};

describe("AccountTrail", () => {
  const { json, trail } = build();
  const body = only(json, "aws_cloudtrail");
  const key = only(json, "aws_kms_key");
  const group = only(json, "aws_cloudwatch_log_group");

  it("records every region and global services, validates log files and encrypts with its own key", () => {
    expect(body).toMatchObject({
      name: "platform-dev-trail",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      s3_bucket_name: BUCKET,
      s3_key_prefix: "cloudtrail",
      kms_key_id: refTo(json, "aws_kms_key", key, "arn"),
    });
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(trail.trailArn).toBe(TRAIL_ARN);
  });

  it("lets only this trail use the key, and CloudWatch Logs only for the trail's group", () => {
    const stmts = statements(json, docNamed(json, "trail_key-policy"));
    const encrypt = stmts.find((s) => s.sid === "CloudTrailEncrypts");
    expect(encrypt?.condition).toContainEqual({
      test: "StringEquals",
      variable: "aws:SourceArn",
      values: [TRAIL_ARN],
    });
    const logs = stmts.find((s) => s.sid === "CloudWatchLogsEncrypts");
    expect(logs?.condition).toEqual([
      {
        test: "ArnEquals",
        variable: "kms:EncryptionContext:aws:logs:arn",
        values: [`arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/platform/dev/cloudtrail`],
      },
    ]);
  });

  it("delivers to an encrypted, retention-managed log group through a role limited to it", () => {
    expect(group).toMatchObject({
      name: "/platform/dev/cloudtrail",
      retention_in_days: 30,
      kms_key_id: refTo(json, "aws_kms_key", key, "arn"),
    });
    expect(body.cloud_watch_logs_group_arn).toBe(
      `${refTo(json, "aws_cloudwatch_log_group", group, "arn")}:*`,
    );
    const write = statements(json, docNamed(json, "trail_logs-policy-document"));
    expect(write).toEqual([
      expect.objectContaining({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${refTo(json, "aws_cloudwatch_log_group", group, "arn")}:log-stream:*`],
      }),
    ]);
  });

  it("alarms on root use, refused calls and trail changes, each from a metric filter", () => {
    const filters = bodies(json, "aws_cloudwatch_log_metric_filter");
    const alarms = bodies(json, "aws_cloudwatch_metric_alarm");
    expect(filters.map((f) => f.pattern).sort()).toEqual(
      Object.values(TRAIL_ALARMS)
        .map((a) => a.pattern)
        .sort(),
    );
    expect(alarms).toHaveLength(Object.keys(TRAIL_ALARMS).length);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        alarm_actions: [TOPIC],
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        namespace: "Platform/CloudTrail",
      });
    }
  });

  it("can go without the CloudWatch Logs copy (and then without alarms)", () => {
    const { json: plain } = build({ cloudWatchLogs: false });
    expect(plain.resource?.aws_cloudwatch_log_group).toBeUndefined();
    expect(plain.resource?.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(only(plain, "aws_cloudtrail")).not.toHaveProperty("cloud_watch_logs_group_arn");
  });

  it("asks the bucket for writes under its prefix only, for this trail only", () => {
    const [acl, write] = trail.bucketPolicyStatements();
    expect(acl).toMatchObject({
      actions: ["s3:GetBucketAcl"],
      resources: [`arn:aws:s3:::${BUCKET}`],
    });
    expect(write.resources).toEqual([`arn:aws:s3:::${BUCKET}/cloudtrail/AWSLogs/${ACCOUNT}/*`]);
    for (const s of [acl, write]) {
      expect(s.condition).toContainEqual({
        test: "StringEquals",
        variable: "aws:SourceArn",
        values: [TRAIL_ARN],
      });
    }
  });

  it("passes the policy checks in production", () => {
    const { json: prod } = build({ preventDestroy: true });
    expect(checkPolicies(prod, true, []).violations).toEqual([]);
    expect(only(prod, "aws_kms_key").lifecycle).toMatchObject({ prevent_destroy: true });
  });
});

describe("AccountTrail validation", () => {
  const cases: [string, Partial<AccountTrailProps>, RegExp][] = [
    ["account", { account: "12345" }, /trail\.account: "12345" is not an AWS account id/],
    [
      "bucket ARN",
      { logBucketArn: "arn:aws:s3:::bucket/key" },
      /logBucketArn: "arn:aws:s3:::bucket\/key" is not an S3 bucket ARN/,
    ],
    [
      "key prefix",
      { keyPrefix: "/trail/" },
      /keyPrefix: "\/trail\/" is not a key prefix CloudTrail can deliver under/,
    ],
    [
      "retention",
      { logRetentionDays: 10 as 7 },
      /logRetentionDays: 10 must be one of the values CloudWatch Logs accepts/,
    ],
    ["topic ARN", { alarmTopicArn: "topic" }, /alarmTopicArn: "topic" is not an SNS topic ARN/],
    [
      "topic region",
      { alarmTopicArn: TOPIC.replace("ap-northeast-1", "us-east-1") },
      /is in us-east-1; CloudWatch alarms notify only topics in their own region \(ap-northeast-1\)/,
    ],
  ];
  it.each(cases)("rejects a bad %s", (_, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });

  it("accepts the defaults", () => {
    expect(trailIssues(base)).toEqual([]);
  });
});
