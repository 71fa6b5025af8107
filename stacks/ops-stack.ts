import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { singletonMode } from "../config/account-singletons";
import { adoptIfAsked, ownsSingleton } from "../lib/account-singleton";
import { partitionOf } from "../lib/arn";
import { AccountSecurity } from "../modules/account-security";
import { cdnLogBucketStatements, OriginSecret, ORIGIN_HEADER } from "../modules/cdn";
import { CostBudget } from "../modules/budget";
import { AccountTrail } from "../modules/cloudtrail";
import { LogArchiveCatalog } from "../modules/log-router/archive-catalog";
import { LogBucket, logBucketName } from "../modules/observability/log-bucket";
import type { AlarmTargets, OperationsSettings } from "../modules/observability/settings";
import { AlarmTopics } from "../modules/observability/topics";
import { WebAcl } from "../modules/observability/waf";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface OpsStackProps extends PlatformStackProps {
  /** Topics, thresholds, WAF and log bucket settings (waf.enabled resolved). */
  readonly operations: OperationsSettings;
  /**
   * More log bucket statements (e.g. AWS Config delivery).
   * @default []
   */
  readonly logBucketStatements?: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * CloudFront fronts the ALB (edge stack): create the origin header secret, make the ALB's
   * web ACL require it and let CloudFront's log delivery write to the log bucket.
   * @default false
   */
  readonly behindCdn?: boolean;
}

/**
 * `<project>-<env>-ops`: what the other layers report to: the `critical` and `warning` alarm
 * topics, the central log bucket, the ALB's web ACL and (once per account) GuardDuty and AWS
 * Config with their alerts. Applied right after the network.
 */
export class OpsStack extends PlatformStack {
  readonly topics: AlarmTopics;
  readonly logBucket: LogBucket;
  readonly webAcl?: WebAcl;
  /** CloudFront's origin header value, when the ALB is behind the edge stack. */
  readonly originSecret?: OriginSecret;
  readonly accountSecurity?: AccountSecurity;
  /** The account's CloudTrail, in the environment that owns it. */
  readonly trail?: AccountTrail;
  /** The environment's monthly cost budget. */
  readonly budget?: CostBudget;
  /** Glue table and Athena workgroup over the log routers' archive. */
  readonly logArchive?: LogArchiveCatalog;
  /** Topic ARNs and thresholds for the modules' alarms. */
  readonly alarmTargets: AlarmTargets;

  constructor(scope: Construct, props: OpsStackProps) {
    super(scope, "ops", props);
    const env = this.environment;
    const ops = props.operations;
    this.topics = new AlarmTopics(this, "topics", {
      names: this.names,
      account: env.account,
      partition: partitionOf(env.region),
      emails: ops.alarmEmails,
      preventDestroy: env.production,
    });
    const partition = partitionOf(env.region);
    // Config needs statements in the log bucket's policy, so it is made first, by name.
    const bucketName = logBucketName(this.names, env.account, env.region);
    const bucketArn = `arn:${partition}:s3:::${bucketName}`;
    const guardDuty = singletonMode(env, "guardDutyDetector");
    const configRecorder = singletonMode(env, "configRecorder");
    this.accountSecurity =
      ownsSingleton(guardDuty) || ownsSingleton(configRecorder)
        ? new AccountSecurity(this, "account-security", {
            names: this.names,
            account: env.account,
            region: env.region,
            partition,
            logBucketName: bucketName,
            logBucketArn: bucketArn,
            criticalTopicArn: this.topics.topics.critical.arn,
            guardDuty,
            configRecorder,
            configServiceLinkedRole: singletonMode(env, "configServiceLinkedRole"),
            recordGlobalResources: ops.recordGlobalResources,
            configPath: this.configPath("operations"),
          })
        : undefined;
    const trailMode = singletonMode(env, "cloudTrail");
    this.trail =
      ops.trail.enabled && ownsSingleton(trailMode)
        ? new AccountTrail(this, "trail", {
            names: this.names,
            account: env.account,
            region: env.region,
            partition,
            logBucketName: bucketName,
            logBucketArn: bucketArn,
            keyPrefix: ops.trail.keyPrefix,
            cloudWatchLogs: ops.trail.cloudWatchLogs,
            logRetentionDays: ops.logRetentionDays,
            alarmTopicArn: this.topics.topics.critical.arn,
            preventDestroy: env.production,
            configPath: this.configPath("operations", "trail"),
          })
        : undefined;
    this.logBucket = new LogBucket(this, "logs", {
      names: this.names,
      account: env.account,
      region: env.region,
      glacierAfterDays: ops.logBucket.glacierAfterDays,
      expireAfterDays: ops.logBucket.expireAfterDays,
      extraStatements: [
        ...(props.logBucketStatements ?? []),
        ...(props.behindCdn === true
          ? cdnLogBucketStatements(bucketArn, env.account, partition)
          : []),
        ...(this.accountSecurity?.bucketPolicyStatements() ?? []),
        ...(this.trail?.bucketPolicyStatements() ?? []),
      ],
      preventDestroy: env.production,
    });
    const services = env.services;
    const routed = (services?.services ?? []).filter((s) => s.logRouter).map((s) => s.name);
    if (services !== undefined && routed.length > 0 && services.logRouter.archiveTable) {
      this.logArchive = new LogArchiveCatalog(this, "log-archive", {
        names: this.names,
        bucket: this.logBucket.bucket.bucket,
        keyPrefix: services.logRouter.keyPrefix,
        services: routed,
        hourly: services.logRouter.hourlyPartitions,
      });
      new TerraformOutput(this, "log_archive_workgroup", {
        value: this.logArchive.workgroup.name,
        description: "Athena workgroup over the log routers' archive (table <database>.services)",
      });
    }
    this.accountSecurity?.deliverAfter(this.logBucket.policy);
    this.trail?.deliverAfter(this.logBucket.policy);
    if (this.trail !== undefined) adoptIfAsked(this.trail.trail, trailMode);
    this.budget =
      ops.budget === undefined
        ? undefined
        : new CostBudget(this, "budget", {
            names: this.names,
            monthlyLimitUsd: ops.budget.monthlyLimitUsd,
            actualAlertPercents: ops.budget.actualAlertPercents,
            forecastAlertPercent: ops.budget.forecastAlertPercent,
            emails: ops.budget.emails,
            criticalTopicArn: this.topics.topics.critical.arn,
            warningTopicArn: this.topics.topics.warning.arn,
            costTag:
              ops.budget.scope === "environment-tag"
                ? { key: "Environment", value: env.name }
                : undefined,
            configPath: this.configPath("operations", "budget"),
          });
    this.originSecret =
      props.behindCdn === true
        ? new OriginSecret(this, "cdn-origin", { names: this.names })
        : undefined;
    this.webAcl = ops.waf.enabled
      ? new WebAcl(this, "waf", {
          names: this.names,
          rateLimit: ops.waf.rateLimit,
          logRetentionDays: ops.logRetentionDays,
          requiredHeader:
            this.originSecret === undefined
              ? undefined
              : { name: ORIGIN_HEADER, value: this.originSecret.value },
          rateLimitForwardedIp: this.originSecret !== undefined,
        })
      : undefined;
    this.alarmTargets = {
      critical: this.topics.topics.critical.arn,
      warning: this.topics.topics.warning.arn,
      thresholds: ops.thresholds,
    };

    new TerraformOutput(this, "critical_topic_arn", {
      value: this.topics.topics.critical.arn,
      description: "Page-worthy alarms",
    });
    new TerraformOutput(this, "warning_topic_arn", {
      value: this.topics.topics.warning.arn,
      description: "Alarms to look at today",
    });
    new TerraformOutput(this, "log_bucket", {
      value: this.logBucket.bucket.bucket,
      description: "Central log bucket",
    });
    if (this.originSecret !== undefined) {
      new TerraformOutput(this, "cdn_origin_secret_arn", {
        value: this.originSecret.secret.arn,
        description: "Secret holding CloudFront's origin header value",
      });
    }
    if (this.trail !== undefined) {
      new TerraformOutput(this, "trail_arn", {
        value: this.trail.trail.arn,
        description: "The account's multi-region CloudTrail",
      });
    }
    if (this.webAcl !== undefined) {
      new TerraformOutput(this, "web_acl_arn", {
        value: this.webAcl.acl.arn,
        description: "WAF web ACL of the ALB",
      });
    }
  }
}
