import { dependable, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ownsSingleton, type SingletonMode } from "../../lib/account-singleton";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { ConfigRecording } from "./config-recorder";
import {
  AlertRule,
  CONFIG_NON_COMPLIANT_MESSAGE,
  CONFIG_NON_COMPLIANT_PATTERN,
  GUARDDUTY_FINDING_MESSAGE,
  GUARDDUTY_FINDING_PATTERN,
} from "./events";
import { ThreatDetection, type GuardDutyFeature } from "./guardduty";
import { accountSecurityIssues } from "./validate";

export { DEFAULT_GUARDDUTY_FEATURES, type GuardDutyFeature } from "./guardduty";
export {
  CONFIG_NON_COMPLIANT_MESSAGE,
  CONFIG_NON_COMPLIANT_PATTERN,
  GUARDDUTY_FINDING_MESSAGE,
  GUARDDUTY_FINDING_PATTERN,
  HIGH_SEVERITY,
} from "./events";

export interface AccountSecurityProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account being protected (delivery paths, confused-deputy conditions). */
  readonly account: string;
  /** Region of the detector, recorder and rules. */
  readonly region: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** Bucket AWS Config delivers to; its policy must include bucketPolicyStatements(). */
  readonly logBucketName: string;
  /** ARN of that bucket. */
  readonly logBucketArn: string;
  /**
   * Key prefix Config delivers under: `<prefix>/AWSLogs/<account>/Config/...`; "" for none.
   * @default "config"
   */
  readonly configKeyPrefix?: string;
  /**
   * Record global resource types (IAM users, roles, policies). Do it in exactly one region of
   * the account, or every IAM change is recorded (and billed) once per region.
   */
  readonly recordGlobalResources: boolean;
  /**
   * The region's GuardDuty detector (one per account and region): create it, adopt an
   * existing one by detector id, or reference it (then no detector and no findings rule here:
   * its owner alerts).
   * @default "create"
   */
  readonly guardDuty?: SingletonMode;
  /**
   * The region's AWS Config recorder and delivery channel (one each per account and region):
   * create them, adopt existing ones by name, or reference them (then no recording, rules or
   * compliance alert here).
   * @default "create"
   */
  readonly configRecorder?: SingletonMode;
  /**
   * AWS Config's service-linked role (one per account): create, adopt by ARN, or reference
   * where it already exists (console, Security Hub, Control Tower, another region).
   * @default "create"
   */
  readonly configServiceLinkedRole?: SingletonMode;
  /**
   * GuardDuty protection plans to switch on (true) or off (false).
   * @default every plan on except RUNTIME_MONITORING (see DEFAULT_GUARDDUTY_FEATURES)
   */
  readonly guardDutyFeatures?: Readonly<Partial<Record<GuardDutyFeature, boolean>>>;
  /**
   * SNS topic for high-severity findings and compliance changes; its policy must include
   * topicPolicyStatements().
   */
  readonly criticalTopicArn: string;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * What every account and region gets once: GuardDuty threat detection, AWS Config recording,
 * and EventBridge rules sending GuardDuty findings of severity >= 7 and resources turning
 * NON_COMPLIANT to the critical topic as one-line messages. The log bucket's and the topic's
 * policies belong to their owners, who add bucketPolicyStatements() and
 * topicPolicyStatements().
 */
export class AccountSecurity extends Construct {
  /** The detector, when this environment owns it. */
  readonly guardDuty?: ThreatDetection;
  /** The recorder, when this environment owns it. */
  readonly config?: ConfigRecording;
  readonly findingRule?: AlertRule;
  readonly complianceRule?: AlertRule;
  private readonly props: AccountSecurityProps;
  private readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: AccountSecurityProps) {
    super(scope, id);
    assertNoIssues(props.configPath ?? this.node.path, accountSecurityIssues(props));
    this.props = props;
    this.keyPrefix = props.configKeyPrefix ?? "config";
    const { names } = props;

    const guardDuty = props.guardDuty ?? "create";
    if (ownsSingleton(guardDuty)) {
      this.guardDuty = new ThreatDetection(this, "guardduty", {
        names,
        features: props.guardDutyFeatures ?? {},
        mode: guardDuty,
      });
      this.findingRule = new AlertRule(this, "guardduty-findings", {
        names,
        purpose: "guardduty-findings",
        description: "GuardDuty findings of high or critical severity (>= 7)",
        pattern: GUARDDUTY_FINDING_PATTERN,
        message: GUARDDUTY_FINDING_MESSAGE,
        topicArn: props.criticalTopicArn,
      });
    }
    const recorder = props.configRecorder ?? "create";
    if (ownsSingleton(recorder)) {
      this.config = new ConfigRecording(this, "config", {
        names,
        account: props.account,
        partition: props.partition,
        recordGlobalResources: props.recordGlobalResources,
        serviceLinkedRole: props.configServiceLinkedRole ?? "create",
        mode: recorder,
        bucketName: props.logBucketName,
        keyPrefix: this.keyPrefix,
      });
      this.complianceRule = new AlertRule(this, "config-non-compliant", {
        names,
        purpose: "config-non-compliant",
        description: "Resources turning NON_COMPLIANT with an AWS Config rule",
        pattern: CONFIG_NON_COMPLIANT_PATTERN,
        message: CONFIG_NON_COMPLIANT_MESSAGE,
        topicArn: props.criticalTopicArn,
      });
    }
  }

  /**
   * Makes the delivery channel wait for `dependencies`, typically the log bucket's policy
   * holding bucketPolicyStatements(): Config checks that it may write to the bucket when the
   * channel is created, and the policy can only be built once this construct exists.
   */
  deliverAfter(...dependencies: ITerraformDependable[]): void {
    if (this.config === undefined) return;
    const channel = this.config.deliveryChannel;
    channel.dependsOn = [...(channel.dependsOn ?? []), ...dependencies.map(dependable)];
  }

  /**
   * What the log bucket's policy must allow for Config delivery, after AWS's documented
   * policy: Config checks the bucket's ACL and existence, then writes only under its own
   * prefix for this account, handing the objects to the bucket owner. Each statement is
   * limited to this account's Config (confused-deputy guard).
   */
  bucketPolicyStatements(): DataAwsIamPolicyDocumentStatement[] {
    if (this.config === undefined) return [];
    const { account, logBucketArn } = this.props;
    const path = this.keyPrefix === "" ? "AWSLogs" : `${this.keyPrefix}/AWSLogs`;
    const config = [{ type: "Service", identifiers: ["config.amazonaws.com"] }];
    const sourceAccount = {
      test: "StringEquals",
      variable: "aws:SourceAccount",
      values: [account],
    };
    return [
      {
        sid: "AWSConfigBucketPermissionsCheck",
        effect: "Allow",
        principals: config,
        actions: ["s3:GetBucketAcl"],
        resources: [logBucketArn],
        condition: [sourceAccount],
      },
      {
        sid: "AWSConfigBucketExistenceCheck",
        effect: "Allow",
        principals: config,
        actions: ["s3:ListBucket"],
        resources: [logBucketArn],
        condition: [sourceAccount],
      },
      {
        sid: "AWSConfigBucketDelivery",
        effect: "Allow",
        principals: config,
        actions: ["s3:PutObject"],
        resources: [`${logBucketArn}/${path}/${account}/Config/*`],
        condition: [
          { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
          sourceAccount,
        ],
      },
    ];
  }

  /**
   * What the critical topic's policy must allow: EventBridge publishing for these two rules
   * of this account only.
   */
  topicPolicyStatements(topicArn: string): DataAwsIamPolicyDocumentStatement[] {
    const rules = [this.findingRule, this.complianceRule].flatMap((r) =>
      r === undefined ? [] : [r.rule.arn],
    );
    if (rules.length === 0) return [];
    return [
      {
        sid: "SecurityAlertRulesPublish",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: ["sns:Publish"],
        resources: [topicArn],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [this.props.account] },
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: rules,
          },
        ],
      },
    ];
  }
}
