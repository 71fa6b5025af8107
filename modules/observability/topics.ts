import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { accountAdministersKey } from "../../lib/iam";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { Names } from "../../lib/names";

export type Severity = "critical" | "warning";

export interface AlarmTopicsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account that owns the topics (key policy, publish conditions). */
  readonly account: string;
  /** ARN partition. */
  readonly partition: string;
  /**
   * E-mail addresses subscribed to each topic (each must confirm the subscription).
   * @default none
   */
  readonly emails?: Readonly<Partial<Record<Severity, readonly string[]>>>;
  /**
   * Terraform refuses to destroy the key (production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * The `critical` and `warning` topics every alarm and finding goes to, encrypted with a key of
 * their own: the AWS-managed SNS key cannot be used by CloudWatch alarms, so the key policy
 * lets CloudWatch, EventBridge and AWS Budgets (of this account only) encrypt messages.
 */
export class AlarmTopics extends Construct {
  readonly key: KmsKey;
  readonly topics: Readonly<Record<Severity, SnsTopic>>;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    const { names } = props;
    const senders = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com"];
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        accountAdministersKey(props.partition, props.account),
        {
          sid: "CloudWatchAlarmsEncrypt",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
          ],
        },
        {
          // SNS documents that EventBridge delivery to encrypted topics fails with aws:Source*
          // conditions on the key; the topic policy still limits who may publish.
          sid: "EventBridgeEncrypt",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        },
        {
          sid: "BudgetsEncrypt",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
          ],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `Alarm topics of ${names.prefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
      tags: names.nameTag("alarms"),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${names.physical("alarms", { maxLength: 200 })}`,
      targetKeyId: this.key.keyId,
    });

    const make = (severity: Severity): SnsTopic => {
      const topic = new SnsTopic(this, severity, {
        name: names.physical(["alarms", severity], { maxLength: 256 }),
        kmsMasterKeyId: this.key.arn,
        tags: names.nameTag(["alarms", severity]),
      });
      const policy = new DataAwsIamPolicyDocument(this, `${severity}-policy-document`, {
        statement: [
          {
            sid: "AccountManages",
            effect: "Allow",
            actions: [
              "sns:Publish",
              "sns:Subscribe",
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:ListSubscriptionsByTopic",
            ],
            resources: [topic.arn],
            principals: [
              { type: "AWS", identifiers: [`arn:${props.partition}:iam::${props.account}:root`] },
            ],
          },
          {
            sid: "AlarmSendersPublish",
            effect: "Allow",
            actions: ["sns:Publish"],
            resources: [topic.arn],
            principals: [{ type: "Service", identifiers: senders }],
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
            ],
          },
        ],
      });
      new SnsTopicPolicy(this, `${severity}-policy`, { arn: topic.arn, policy: policy.json });
      (props.emails?.[severity] ?? []).forEach((email, i) => {
        new SnsTopicSubscription(this, `${severity}-email-${i}`, {
          topicArn: topic.arn,
          protocol: "email",
          endpoint: email,
        });
      });
      return topic;
    };
    this.topics = { critical: make("critical"), warning: make("warning") };
  }
}
