import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import {
  CloudwatchEventTarget,
  type CloudwatchEventTargetInputTransformer,
} from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { Names } from "../../lib/names";

/** GuardDuty's "High" and "Critical" bands start at 7.0 (severity runs from 1.0 to 10.0). */
export const HIGH_SEVERITY = 7;

/** GuardDuty findings of high or critical severity. */
export const GUARDDUTY_FINDING_PATTERN = {
  source: ["aws.guardduty"],
  "detail-type": ["GuardDuty Finding"],
  detail: { severity: [{ numeric: [">=", HIGH_SEVERITY] }] },
};

/** A resource turning NON_COMPLIANT with an AWS Config rule (not the return to COMPLIANT). */
export const CONFIG_NON_COMPLIANT_PATTERN = {
  source: ["aws.config"],
  "detail-type": ["Config Rules Compliance Change"],
  detail: {
    messageType: ["ComplianceChangeNotification"],
    newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
  },
};

/*
 * The messages: one line each, what happened and where, enough to act on from a phone. The
 * template is a JSON string literal, so SNS delivers plain text (EventBridge escapes the values
 * it inserts between quotes).
 */
export const GUARDDUTY_FINDING_MESSAGE: CloudwatchEventTargetInputTransformer = {
  inputPaths: {
    severity: "$.detail.severity",
    type: "$.detail.type",
    title: "$.detail.title",
    account: "$.detail.accountId",
    region: "$.detail.region",
    id: "$.detail.id",
  },
  inputTemplate:
    '"GuardDuty severity <severity> in <account>/<region>: <type>: <title> (finding <id>)"',
};

export const CONFIG_NON_COMPLIANT_MESSAGE: CloudwatchEventTargetInputTransformer = {
  inputPaths: {
    rule: "$.detail.configRuleName",
    resourceType: "$.detail.resourceType",
    resourceId: "$.detail.resourceId",
    account: "$.detail.awsAccountId",
    region: "$.detail.awsRegion",
  },
  inputTemplate:
    '"AWS Config: <resourceType> <resourceId> in <account>/<region> is NON_COMPLIANT with rule <rule>"',
};

export interface AlertRuleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Purpose, the rule's name after the `<project>-<env>-` prefix. */
  readonly purpose: string;
  /** What the rule catches, in words (the rule's description). */
  readonly description: string;
  /** EventBridge event pattern. */
  readonly pattern: object;
  /** How the matched event becomes the topic's message. */
  readonly message: CloudwatchEventTargetInputTransformer;
  /** SNS topic the message goes to. */
  readonly topicArn: string;
}

/** An EventBridge rule on the default bus sending a one-line message to a topic. */
export class AlertRule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: AlertRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.names.physical(props.purpose, { maxLength: 64 }),
      description: props.description,
      eventPattern: JSON.stringify(props.pattern),
      tags: props.names.nameTag(props.purpose),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "topic",
      arn: props.topicArn,
      inputTransformer: props.message,
    });
  }
}
