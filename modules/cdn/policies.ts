import { Construct } from "constructs";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { DataAwsCloudfrontCachePolicy } from "@cdktf/provider-aws/lib/data-aws-cloudfront-cache-policy";
import { DataAwsCloudfrontOriginRequestPolicy } from "@cdktf/provider-aws/lib/data-aws-cloudfront-origin-request-policy";
import type { Names } from "../../lib/names";
import type { EdgeSettings } from "./settings";

export interface EdgePoliciesProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Cache lifetimes and HSTS. */
  readonly settings: EdgeSettings;
}

/**
 * The cache, origin-request and response-headers policies of the distribution: immutable
 * build output cached for a year, everything dynamic passed through uncached with every viewer
 * header but Host (the ALB's certificate names the origin host, not the public one), and
 * security headers on every response.
 */
export class EdgePolicies extends Construct {
  /** Long-lived, cookie- and query-free cache for content-hashed files. */
  readonly staticCache: CloudfrontCachePolicy;
  /** Media objects, cached for the configured lifetime. */
  readonly mediaCache?: CloudfrontCachePolicy;
  /** AWS managed CachingDisabled. */
  readonly noCacheId: string;
  /** AWS managed AllViewerExceptHostHeader: cookies, query, Upgrade and Connection reach the ALB. */
  readonly passThroughId: string;
  readonly headers: CloudfrontResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: EdgePoliciesProps) {
    super(scope, id);
    const { names, settings: s } = props;
    const cacheFor = (cid: string, purpose: string, seconds: number, comment: string) =>
      new CloudfrontCachePolicy(this, cid, {
        name: names.physical(["cdn", purpose], { maxLength: 128 }),
        comment,
        minTtl: 0,
        defaultTtl: seconds,
        maxTtl: Math.max(seconds, 31536000),
        parametersInCacheKeyAndForwardedToOrigin: {
          cookiesConfig: { cookieBehavior: "none" },
          headersConfig: { headerBehavior: "none" },
          queryStringsConfig: { queryStringBehavior: "none" },
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        },
      });
    this.staticCache = cacheFor(
      "static-cache",
      "static",
      s.staticMaxAgeSeconds,
      "Content-hashed build output: cached for its whole lifetime",
    );
    if (s.media !== undefined) {
      this.mediaCache = cacheFor(
        "media-cache",
        "media",
        s.media.maxAgeSeconds,
        "Media objects from the private bucket",
      );
    }
    this.noCacheId = new DataAwsCloudfrontCachePolicy(this, "caching-disabled", {
      name: "Managed-CachingDisabled",
    }).id;
    this.passThroughId = new DataAwsCloudfrontOriginRequestPolicy(this, "all-viewer", {
      name: "Managed-AllViewerExceptHostHeader",
    }).id;
    this.headers = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: names.physical(["cdn", "security-headers"], { maxLength: 128 }),
      comment: "HSTS and the usual browser hardening headers on every response",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: s.hsts.maxAgeSeconds,
          includeSubdomains: s.hsts.includeSubdomains,
          preload: s.hsts.preload,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "SAMEORIGIN", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
      },
    });
  }
}
