import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../config/resolve";
import { EdgeDistribution, type EdgeSettings } from "../modules/cdn";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** The host CloudFront connects to: the configured origin, else the ALB listener's domain. */
export function originDomainOf(env: EnvironmentConfig): string | undefined {
  const listener = env.services?.alb.listener;
  if (env.edge?.originDomain !== undefined) return env.edge.originDomain;
  return listener !== undefined && listener.protocol === "https" && "domain" in listener
    ? listener.domain
    : undefined;
}

export interface EdgeStackProps extends PlatformStackProps {
  /** Distribution settings (waf.enabled and logRetentionDays resolved). */
  readonly edge: EdgeSettings;
  /** Host name of the ALB's HTTPS listener. */
  readonly originDomain: string;
  /** Secrets Manager ARN of the origin header value (operations stack). */
  readonly originSecretArn: string;
  /**
   * ARN of the central log bucket (operations stack), for access logs.
   * @default none
   */
  readonly logBucketArn?: string;
}

/**
 * `<project>-<env>-edge`: CloudFront in front of the services' ALB. Apply it after the
 * services stack (an ordering-only dependency): until the origin name resolves the
 * distribution answers 502. Certificate, web ACL and log source are in us-east-1 through the
 * `global` provider alias.
 */
export class EdgeStack extends PlatformStack {
  /** AWS provider in us-east-1, where CloudFront's certificate and web ACL must be. */
  readonly globalProvider: AwsProvider;
  readonly cdn: EdgeDistribution;

  constructor(scope: Construct, props: EdgeStackProps) {
    super(scope, "edge", props);
    const env = this.environment;
    this.globalProvider = new AwsProvider(this, "aws-global", {
      alias: "global",
      region: "us-east-1",
      allowedAccountIds: [env.account],
      defaultTags: [{ tags: this.names.defaultTags("edge", env.tags) }],
    });
    const secret = new DataAwsSecretsmanagerSecretVersion(this, "origin-secret", {
      secretId: props.originSecretArn,
    });
    this.cdn = new EdgeDistribution(this, "cdn", {
      names: this.names,
      account: env.account,
      region: env.region,
      settings: props.edge,
      originDomain: props.originDomain,
      originHeaderValue: secret.secretString,
      globalProvider: this.globalProvider,
      logBucketArn: props.logBucketArn,
      production: env.production,
      configPath: this.configPath("edge"),
    });
    const d = this.cdn.distribution;
    new TerraformOutput(this, "distribution_id", {
      value: d.id,
      description: "CloudFront distribution (invalidations)",
    });
    new TerraformOutput(this, "distribution_domain_name", {
      value: d.domainName,
      description: "CloudFront host name the public alias records point at",
    });
    if (this.cdn.media !== undefined) {
      new TerraformOutput(this, "media_bucket", {
        value: this.cdn.media.bucket.bucket,
        description: "Private media bucket served under the media path",
      });
    }
  }
}
