import { allow, arns, inRegion, svc, type DeployScope, type Statement } from "./scope";
import { catalogName } from "../../lib/names";

/** Log groups, alarms, dashboards, topics, EventBridge rules and the WAF web ACL. */
export function observabilityStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  const logGroup = (name: string) => arn.regional("logs", `log-group:${name}`);
  return [
    allow(
      "LogGroups",
      svc("logs", [
        "CreateLogGroup",
        "DeleteLogGroup",
        "PutRetentionPolicy",
        "DeleteRetentionPolicy",
        "AssociateKmsKey",
        "DisassociateKmsKey",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
        "TagLogGroup",
        "UntagLogGroup",
        "ListTagsLogGroup",
        "PutMetricFilter",
        "DeleteMetricFilter",
      ]),
      [
        logGroup(`/${s.project}/${s.environment}/*`),
        logGroup(`/aws/rds/*/${s.prefix}-*`),
        // WAF accepts only groups named aws-waf-logs-*.
        logGroup(`aws-waf-logs-${s.prefix}*`),
      ],
    ),
    allow(
      "Alarms",
      svc("cloudwatch", [
        "PutMetricAlarm",
        "DeleteAlarms",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [
        arn.regional("cloudwatch", `alarm:${s.prefix}-*`),
        // Target tracking policies create and delete their alarms with the caller's rights.
        arn.regional("cloudwatch", "alarm:TargetTracking-*"),
      ],
    ),
    allow(
      // The Glue table over the log routers' archive and its Athena workgroup.
      "LogArchiveCatalog",
      [
        ...svc("glue", [
          "CreateDatabase",
          "DeleteDatabase",
          "GetDatabase",
          "UpdateDatabase",
          "CreateTable",
          "DeleteTable",
          "GetTable",
          "UpdateTable",
          "GetTags",
          "TagResource",
          "UntagResource",
        ]),
        ...svc("athena", [
          "CreateWorkGroup",
          "DeleteWorkGroup",
          "GetWorkGroup",
          "UpdateWorkGroup",
          "TagResource",
          "UntagResource",
          "ListTagsForResource",
        ]),
      ],
      [
        arn.regional("glue", "catalog"),
        arn.regional("glue", `database/${catalogName(s.prefix, "*")}`),
        arn.regional("glue", `table/${catalogName(s.prefix, "*")}/*`),
        arn.regional("athena", `workgroup/${s.prefix}-*`),
      ],
    ),
    allow("Dashboards", svc("cloudwatch", ["PutDashboard", "GetDashboard", "DeleteDashboards"]), [
      arn.global("cloudwatch", `dashboard/${s.prefix}-*`),
    ]),
    allow(
      "Topics",
      svc("sns", [
        "CreateTopic",
        "DeleteTopic",
        "GetTopicAttributes",
        "SetTopicAttributes",
        "Subscribe",
        "Unsubscribe",
        "GetSubscriptionAttributes",
        "SetSubscriptionAttributes",
        "ListSubscriptionsByTopic",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [arn.regional("sns", `${s.prefix}-*`)],
    ),
    allow(
      "EventRules",
      svc("events", [
        "PutRule",
        "DeleteRule",
        "DescribeRule",
        "EnableRule",
        "DisableRule",
        "PutTargets",
        "RemoveTargets",
        "ListTargetsByRule",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [arn.regional("events", `rule/${s.prefix}-*`)],
    ),
    allow(
      "WebAcl",
      svc("wafv2", [
        "CreateWebACL",
        "UpdateWebACL",
        "DeleteWebACL",
        "GetWebACL",
        "AssociateWebACL",
        "DisassociateWebACL",
        "GetWebACLForResource",
        "PutLoggingConfiguration",
        "GetLoggingConfiguration",
        "DeleteLoggingConfiguration",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [
        arn.regional("wafv2", `regional/webacl/${s.prefix}-*/*`),
        arn.regional("wafv2", "regional/managedruleset/*"),
        arn.regional("elasticloadbalancing", `loadbalancer/app/${s.prefix}-*/*`),
      ],
    ),
    allow(
      "ObservabilityRegionWide",
      [
        "cloudwatch:DescribeAlarms",
        "logs:DescribeLogGroups",
        "logs:DescribeMetricFilters",
        // WAF log delivery to CloudWatch Logs: a delivery and the log groups' resource policy.
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
      ],
      ["*"],
      [inRegion(s)],
    ),
  ];
}
