import { dependable, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { accountAdministersKey, serviceRole } from "../../lib/iam";
import type { LogRetentionDays } from "../../lib/log-retention";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { metricAlarm } from "../observability/alarm";
import { trailIssues } from "./validate";

/** Namespace of the metrics the trail's metric filters publish. */
export const TRAIL_METRIC_NAMESPACE = "Platform/CloudTrail";

/**
 * CloudWatch Logs filters on the trail's events, after the CIS AWS Foundations benchmark:
 * each becomes a metric and an alarm.
 */
export const TRAIL_ALARMS = {
  "root-usage": {
    description: "The root user was used (anything but AWS's own service events)",
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  "unauthorized-calls": {
    description: "API calls refused for missing permissions (probing or a broken deploy role)",
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  "trail-changes": {
    description: "The trail itself was stopped, deleted or changed",
    pattern:
      "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
  },
} as const;

export interface AccountTrailProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account whose API activity is recorded (key policy, delivery path). */
  readonly account: string;
  /** Home region of the trail (it records every region). */
  readonly region: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** ARN of the bucket the trail delivers to; its policy must hold bucketPolicyStatements(). */
  readonly logBucketArn: string;
  /** Name of that bucket. */
  readonly logBucketName: string;
  /** Key prefix of the log files: `<prefix>/AWSLogs/<account>/CloudTrail/...`. */
  readonly keyPrefix: string;
  /** Also deliver events to a CloudWatch Logs group (searchable, and the source of the alarms). */
  readonly cloudWatchLogs: boolean;
  /** Days the CloudWatch Logs copy is kept (S3 keeps the archive). */
  readonly logRetentionDays: LogRetentionDays;
  /**
   * Topic of the root-usage, unauthorized-call and trail-change alarms (needs cloudWatchLogs).
   * @default no alarms
   */
  readonly alarmTopicArn?: string;
  /**
   * Terraform refuses to destroy the key (production: log files stay readable).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * The account's CloudTrail: one multi-region trail with global service events and log file
 * validation, encrypted with a key of its own, delivered to the central log bucket and to a
 * CloudWatch Logs group with alarms on root use, refused calls and trail changes. One per
 * account: a second trail doubles the bill and says nothing new.
 */
export class AccountTrail extends Construct {
  readonly key: KmsKey;
  readonly trail: Cloudtrail;
  readonly logGroup?: CloudwatchLogGroup;
  readonly role?: IamRole;
  /** The trail's ARN, known before it exists (bucket and key policies name it). */
  readonly trailArn: string;
  private readonly props: AccountTrailProps;
  private readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: AccountTrailProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, trailIssues(props));
    this.props = props;
    this.keyPrefix = props.keyPrefix;
    const { names, partition, account, region } = props;
    const trailName = names.physical("trail", { maxLength: 128 });
    this.trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${trailName}`;
    const logGroupName = names.logGroup("cloudtrail");
    const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
    const withLogs = props.cloudWatchLogs;

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        accountAdministersKey(partition, account),
        {
          sid: "CloudTrailEncrypts",
          effect: "Allow",
          actions: ["kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceArn", values: [this.trailArn] },
            {
              test: "StringLike",
              variable: "kms:EncryptionContext:aws:cloudtrail:arn",
              values: [`arn:${partition}:cloudtrail:*:${account}:trail/*`],
            },
          ],
        },
        {
          sid: "CloudTrailDescribesKey",
          effect: "Allow",
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [this.trailArn] }],
        },
        ...(withLogs
          ? [
              {
                sid: "CloudWatchLogsEncrypts",
                effect: "Allow",
                actions: [
                  "kms:Encrypt*",
                  "kms:Decrypt*",
                  "kms:ReEncrypt*",
                  "kms:GenerateDataKey*",
                  "kms:Describe*",
                ],
                resources: ["*"],
                principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
                condition: [
                  {
                    test: "ArnEquals",
                    variable: "kms:EncryptionContext:aws:logs:arn",
                    values: [logGroupArn],
                  },
                ],
              },
            ]
          : []),
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `CloudTrail of account ${account} (${names.prefix})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
      tags: names.nameTag("trail"),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${names.physical("trail", { maxLength: 200 })}`,
      targetKeyId: this.key.keyId,
    });

    let cloudWatch: { cloudWatchLogsGroupArn: string; cloudWatchLogsRoleArn: string } | undefined;
    if (withLogs) {
      this.logGroup = new CloudwatchLogGroup(this, "logs", {
        name: logGroupName,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: this.key.arn,
        tags: names.nameTag("trail"),
      });
      this.role = serviceRole(this, "role", {
        names,
        purpose: "trail-logs",
        servicePrincipal: "cloudtrail.amazonaws.com",
        sourceAccount: account,
      });
      const write = new DataAwsIamPolicyDocument(this, "logs-policy-document", {
        statement: [
          {
            effect: "Allow",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [`${this.logGroup.arn}:log-stream:*`],
          },
        ],
      });
      new IamRolePolicy(this, "logs-policy", {
        role: this.role.name,
        name: "deliver-to-log-group",
        policy: write.json,
      });
      // The delivery ARN must end in ":*" (log streams of the group).
      cloudWatch = {
        cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
        cloudWatchLogsRoleArn: this.role.arn,
      };
    }

    this.trail = new Cloudtrail(this, "trail", {
      name: trailName,
      s3BucketName: props.logBucketName,
      s3KeyPrefix: this.keyPrefix,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.arn,
      ...cloudWatch,
      tags: names.nameTag("trail"),
    });

    if (this.logGroup !== undefined && props.alarmTopicArn !== undefined) {
      for (const [purpose, spec] of Object.entries(TRAIL_ALARMS)) {
        const metricName = purpose;
        new CloudwatchLogMetricFilter(this, `${purpose}-filter`, {
          name: names.physical(["trail", purpose], { maxLength: 512 }),
          logGroupName: this.logGroup.name,
          pattern: spec.pattern,
          metricTransformation: {
            namespace: TRAIL_METRIC_NAMESPACE,
            name: metricName,
            value: "1",
            defaultValue: "0",
          },
        });
        metricAlarm(this, `${purpose}-alarm`, {
          names,
          name: `trail-${purpose}`,
          description: spec.description,
          topicArn: props.alarmTopicArn,
          threshold: 0,
          comparison: "GreaterThanThreshold",
          periods: 1,
          metric: {
            namespace: TRAIL_METRIC_NAMESPACE,
            name: metricName,
            dimensions: {},
            statistic: "Sum",
          },
        });
      }
    }
  }

  /** Makes the trail wait for `dependencies`, typically the bucket policy that lets it write. */
  deliverAfter(...dependencies: ITerraformDependable[]): void {
    this.trail.dependsOn = [...(this.trail.dependsOn ?? []), ...dependencies.map(dependable)];
  }

  /**
   * What the log bucket's policy must allow, after AWS's documented policy: CloudTrail reads
   * the bucket ACL and writes only under its prefix for this account, and only for this trail
   * (aws:SourceArn, the confused-deputy guard).
   */
  bucketPolicyStatements(): DataAwsIamPolicyDocumentStatement[] {
    const { account, logBucketArn } = this.props;
    const trail = [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }];
    const source = { test: "StringEquals", variable: "aws:SourceArn", values: [this.trailArn] };
    return [
      {
        sid: "CloudTrailAclCheck",
        effect: "Allow",
        principals: trail,
        actions: ["s3:GetBucketAcl"],
        resources: [logBucketArn],
        condition: [source],
      },
      {
        sid: "CloudTrailWrite",
        effect: "Allow",
        principals: trail,
        actions: ["s3:PutObject"],
        resources: [`${logBucketArn}/${this.keyPrefix}/AWSLogs/${account}/*`],
        condition: [
          { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
          source,
        ],
      },
    ];
  }
}
