import type { TerraformProvider } from "cdktf";
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
  /** Days the WAF log group keeps logs. */
  readonly logRetentionDays: LogRetentionDays;
  /**
   * REGIONAL for an ALB; CLOUDFRONT for a distribution (then `provider` must be us-east-1).
   * @default "REGIONAL"
   */
  readonly scope?: "REGIONAL" | "CLOUDFRONT";
  /**
   * What the ACL protects, part of its name, metric and log group names.
   * @default "alb"
   */
  readonly purpose?: string;
  /**
   * Provider of the ACL and its log group (CLOUDFRONT scope lives in us-east-1).
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Block every request without this header and value (CloudFront's origin secret), so the
   * ALB cannot be reached around the distribution.
   * @default none
   */
  readonly requiredHeader?: { readonly name: string; readonly value: string };
  /**
   * Rate-limit by the client address in X-Forwarded-For (behind CloudFront every request
   * comes from an edge address; the edge ACL limits by the real one).
   * @default false
   */
  readonly rateLimitForwardedIp?: boolean;
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
    const purpose = props.purpose ?? "alb";
    // The ALB's ACL keeps the names it always had.
    const scoped = (name: string) => (purpose === "alb" ? name : `${purpose}-${name}`);
    const metric = (name: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: names.physical(["waf", scoped(name)], { maxLength: 128 }),
    });
    const header = props.requiredHeader;
    this.acl = new Wafv2WebAcl(this, "acl", {
      provider: props.provider,
      name: names.physical(purpose, { maxLength: 128 }),
      description: `${purpose.toUpperCase()} protection: AWS managed rules and a per-IP rate limit`,
      scope: props.scope ?? "REGIONAL",
      defaultAction: { allow: {} },
      rule: [
        ...(header === undefined
          ? []
          : [
              {
                name: "origin-header-required",
                priority: 0,
                action: { block: {} },
                statement: {
                  not_statement: {
                    statement: {
                      byte_match_statement: {
                        search_string: header.value,
                        positional_constraint: "EXACTLY",
                        field_to_match: { single_header: { name: header.name.toLowerCase() } },
                        text_transformation: [{ priority: 0, type: "NONE" }],
                      },
                    },
                  },
                },
                visibilityConfig: metric("origin-header"),
              },
            ]),
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
          statement: {
            rate_based_statement: props.rateLimitForwardedIp
              ? {
                  limit: props.rateLimit,
                  aggregate_key_type: "FORWARDED_IP",
                  forwarded_ip_config: {
                    header_name: "X-Forwarded-For",
                    fallback_behavior: "MATCH",
                  },
                }
              : { limit: props.rateLimit, aggregate_key_type: "IP" },
          },
          visibilityConfig: metric("rate-limit"),
        },
      ],
      visibilityConfig: metric("acl"),
      tags: names.nameTag(scoped("waf")),
    });
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      provider: props.provider,
      name:
        purpose === "alb"
          ? `aws-waf-logs-${names.prefix}`
          : `aws-waf-logs-${names.prefix}-${purpose}`,
      retentionInDays: props.logRetentionDays,
      tags: names.nameTag(scoped("waf-logs")),
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider: props.provider,
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
    });
  }
}
