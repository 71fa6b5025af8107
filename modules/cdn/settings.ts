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
  /** Edge locations used. @default "PriceClass_200" (includes Japan and the rest of Asia) */
  readonly priceClass: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** Paths of content-hashed, immutable files cached at the edge. @default ["/_next/static/*"] */
  readonly staticPaths: readonly string[];
  /** Edge and browser cache lifetime of staticPaths. @default 31536000 (a year) */
  readonly staticMaxAgeSeconds: number;
  /**
   * Paths never cached, every method and header (cookies, WebSocket upgrade) passed through.
   * Everything else is not cached either, but listed here it is explicit.
   * @default ["/api/*", "/socket.io/*"]
   */
  readonly uncachedPaths: readonly string[];
  /** Strict-Transport-Security. @default two years, subdomains included, no preload */
  readonly hsts: {
    readonly maxAgeSeconds: number;
    readonly includeSubdomains: boolean;
    readonly preload: boolean;
  };
  /** WAF (CLOUDFRONT scope, us-east-1). @default on in production, 2000 requests / 5 min per IP */
  readonly waf: { readonly enabled: boolean; readonly rateLimit: number };
  /** Standard access logs (v2) to the central log bucket under `cloudfront/`. @default true */
  readonly accessLogs: boolean;
  /** Retention of the WAF log group. @default operations.logRetentionDays */
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
