import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import {
  CloudfrontDistribution,
  type CloudfrontDistributionOrderedCacheBehavior,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { DnsValidatedCertificate } from "../alb/certificate";
import { WebAcl } from "../observability/waf";
import { CdnAccessLogs } from "./access-logs";
import { MediaBucket } from "./media-bucket";
import { ORIGIN_HEADER } from "./origin-secret";
import { EdgePolicies } from "./policies";
import type { EdgeSettings } from "./settings";
import { edgeSettingsIssues } from "./validate";

export type * from "./settings";
export { ORIGIN_HEADER, OriginSecret } from "./origin-secret";
export { cdnLogBucketStatements } from "./access-logs";

/** Every method, so API posts and Socket.IO long-polling pass. */
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const READ_METHODS = ["GET", "HEAD"];
/** Origin ids inside the distribution. */
const ALB_ORIGIN = "alb";
const MEDIA_ORIGIN = "media";

export interface EdgeDistributionProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (media bucket name, log delivery). */
  readonly account: string;
  /** Home region of the environment (media bucket). */
  readonly region: string;
  /** Domain, paths, HSTS, WAF, logs and media settings. */
  readonly settings: EdgeSettings;
  /** Host name CloudFront connects to; the ALB's certificate must cover it. */
  readonly originDomain: string;
  /** Value of the origin header the ALB's web ACL requires. */
  readonly originHeaderValue: string;
  /** Provider in us-east-1: CloudFront's certificate, web ACL and log source live there. */
  readonly globalProvider: TerraformProvider;
  /**
   * ARN of the central log bucket for access logs (its policy holds cdnLogBucketStatements()).
   * @default none (required when settings.accessLogs is on)
   */
  readonly logBucketArn?: string;
  /**
   * Production data safety: the media bucket refuses destroy.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * CloudFront in front of the ALB: HTTPS only with a us-east-1 certificate for the public
 * domain, HTTP/2 and 3, a secret origin header the ALB's web ACL insists on, security
 * headers, year-long caching of build output, nothing else cached (API, Socket.IO including
 * WebSocket, pages), a CLOUDFRONT-scope web ACL, standard logs to the log bucket, and an
 * optional private media bucket behind Origin Access Control.
 */
export class EdgeDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly certificate: DnsValidatedCertificate;
  readonly policies: EdgePolicies;
  readonly webAcl?: WebAcl;
  readonly media?: MediaBucket;
  readonly accessLogs?: CdnAccessLogs;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const { names, settings: s } = props;
    assertNoIssues(
      props.configPath ?? this.node.path,
      edgeSettingsIssues(s, props.production ?? false),
    );
    if (s.accessLogs && props.logBucketArn === undefined) {
      throw new Error(`${this.node.path}: access logs are on but no log bucket was given`);
    }

    this.certificate = new DnsValidatedCertificate(this, "certificate", {
      names,
      domain: s.domain,
      hostedZoneId: s.hostedZoneId,
      provider: props.globalProvider,
    });
    this.policies = new EdgePolicies(this, "policies", { names, settings: s });
    const p = this.policies;
    this.webAcl = s.waf.enabled
      ? new WebAcl(this, "waf", {
          names,
          scope: "CLOUDFRONT",
          purpose: "cdn",
          provider: props.globalProvider,
          rateLimit: s.waf.rateLimit,
          logRetentionDays: s.logRetentionDays,
        })
      : undefined;
    this.media =
      s.media === undefined
        ? undefined
        : new MediaBucket(this, "media", {
            names,
            account: props.account,
            region: props.region,
            preventDestroy: props.production ?? false,
          });

    const dynamic = {
      targetOriginId: ALB_ORIGIN,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ALL_METHODS,
      cachedMethods: READ_METHODS,
      cachePolicyId: p.noCacheId,
      originRequestPolicyId: p.passThroughId,
      responseHeadersPolicyId: p.headers.id,
      compress: true,
    };
    const ordered: CloudfrontDistributionOrderedCacheBehavior[] = [
      ...s.staticPaths.map((pathPattern) => ({
        pathPattern,
        targetOriginId: ALB_ORIGIN,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: READ_METHODS,
        cachedMethods: READ_METHODS,
        cachePolicyId: p.staticCache.id,
        responseHeadersPolicyId: p.headers.id,
        compress: true,
      })),
      ...s.uncachedPaths.map((pathPattern) => ({ ...dynamic, pathPattern })),
      ...(s.media === undefined || p.mediaCache === undefined
        ? []
        : [
            {
              pathPattern: s.media.pathPattern,
              targetOriginId: MEDIA_ORIGIN,
              viewerProtocolPolicy: "redirect-to-https",
              allowedMethods: READ_METHODS,
              cachedMethods: READ_METHODS,
              cachePolicyId: p.mediaCache.id,
              responseHeadersPolicyId: p.headers.id,
              compress: true,
            },
          ]),
    ];

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      comment: `${names.prefix}: ${s.domain}`,
      enabled: true,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: s.priceClass,
      aliases: [s.domain],
      webAclId: this.webAcl?.acl.arn,
      origin: [
        {
          originId: ALB_ORIGIN,
          domainName: props.originDomain,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
            // Long API calls; WebSocket connections are not bound by it once upgraded.
            originReadTimeout: 60,
            originKeepaliveTimeout: 60,
          },
          customHeader: [{ name: ORIGIN_HEADER, value: props.originHeaderValue }],
        },
        ...(this.media === undefined
          ? []
          : [
              {
                originId: MEDIA_ORIGIN,
                domainName: this.media.bucket.bucketRegionalDomainName,
                originAccessControlId: this.media.accessControl.id,
              },
            ]),
      ],
      defaultCacheBehavior: dynamic,
      orderedCacheBehavior: ordered,
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: this.certificate.validatedArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      tags: names.nameTag("cdn"),
    });
    this.media?.allowDistribution(this.distribution.arn);

    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `alias-${type.toLowerCase()}`, {
        zoneId: s.hostedZoneId,
        name: s.domain,
        type,
        alias: {
          name: this.distribution.domainName,
          zoneId: this.distribution.hostedZoneId,
          evaluateTargetHealth: false,
        },
      });
    }

    if (s.accessLogs && props.logBucketArn !== undefined) {
      this.accessLogs = new CdnAccessLogs(this, "access-logs", {
        names,
        distributionArn: this.distribution.arn,
        bucketArn: props.logBucketArn,
        provider: props.globalProvider,
      });
    }
  }
}
