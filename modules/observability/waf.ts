import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import type { LogRetentionDays } from "../../lib/log-retention";
import type { Names } from "../../lib/names";

/** AWS managed rule groups every ALB gets, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;

export interface WebAclProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Requests per 5 minutes one IP may send before it is blocked. */
  readonly rateLimit: number;
  /**
   * Days the WAF log group keeps logs.
   * @default 30
   */
  readonly logRetentionDays?: LogRetentionDays;
}

/**
 * A regional WAFv2 web ACL for the ALB: AWS's common, known-bad-inputs and SQL-injection rule
 * groups, a per-IP rate limit, CloudWatch metrics on every rule, and full logs to a
 * `aws-waf-logs-` log group (WAF accepts no other name).
 */
export class WebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const { names } = props;
    const metric = (name: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: names.physical(["waf", name], { maxLength: 128 }),
    });
    this.acl = new Wafv2WebAcl(this, "acl", {
      name: names.physical("alb", { maxLength: 128 }),
      description: "ALB protection: AWS managed rules and a per-IP rate limit",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: [
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group,
          priority: i + 1,
          overrideAction: { none: {} },
          // The statement block is untyped in the provider bindings: Terraform JSON keys.
          statement: {
            managed_rule_group_statement: {
              name: group,
              vendor_name: "AWS",
              // The common set blocks bodies over 8 KB, which API posts and uploads exceed:
              // counted (and visible in metrics) instead of blocked.
              ...(group === "AWSManagedRulesCommonRuleSet"
                ? {
                    rule_action_override: [
                      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
                    ],
                  }
                : {}),
            },
          },
          visibilityConfig: metric(group),
        })),
        {
          name: "rate-limit-per-ip",
          priority: MANAGED_RULE_GROUPS.length + 1,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP" } },
          visibilityConfig: metric("rate-limit"),
        },
      ],
      visibilityConfig: metric("acl"),
      tags: names.nameTag("waf"),
    });
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `aws-waf-logs-${names.prefix}`,
      retentionInDays: props.logRetentionDays ?? 30,
      tags: names.nameTag("waf-logs"),
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
    });
  }
}
