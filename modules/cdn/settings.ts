import type { LogRetentionDays } from "../../lib/log-retention";

/** `environments.<env>.edge`: CloudFront in front of the ALB (config/edge-schema.ts). */
export interface EdgeSettings {
  /** Public host name viewers use, e.g. app.example.com (alias records point at CloudFront). */
  readonly domain: string;
  /** Route 53 public hosted zone of the domain (certificate validation and aliases). */
  readonly hostedZoneId: string;
  /**
   * Host name CloudFront connects to over HTTPS; must match the ALB's certificate.
   * @default the ALB listener's `domain`
   */
  readonly originDomain?: string;
  /** Edge locations used. */
  readonly priceClass: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** Paths of content-hashed, immutable files cached at the edge. */
  readonly staticPaths: readonly string[];
  /** Edge and browser cache lifetime of staticPaths. */
  readonly staticMaxAgeSeconds: number;
  /**
   * Paths never cached, every method and header (cookies, WebSocket upgrade) passed through.
   * Everything else is not cached either, but listed here it is explicit.
   */
  readonly uncachedPaths: readonly string[];
  /** Strict-Transport-Security. */
  readonly hsts: {
    readonly maxAgeSeconds: number;
    readonly includeSubdomains: boolean;
    readonly preload: boolean;
  };
  /** WAF (CLOUDFRONT scope, us-east-1). */
  readonly waf: { readonly enabled: boolean; readonly rateLimit: number };
  /** Standard access logs (v2) to the central log bucket under `cloudfront/`. */
  readonly accessLogs: boolean;
  /** Retention of the WAF log group. */
  readonly logRetentionDays: LogRetentionDays;
  /**
   * A private S3 bucket for static and media assets, read through Origin Access Control.
   * @default none
   */
  readonly media?: {
    /** Path served from the bucket. @default "/media/*" */
    readonly pathPattern: string;
    /** Default cache lifetime of media objects. @default 86400 */
    readonly maxAgeSeconds: number;
  };
}
