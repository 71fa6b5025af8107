import { formatPath, show, type Issue } from "../../lib/validation";
import type { ListenerSettings } from "../alb/settings";

/** CloudFront's default quota of cache behaviors per distribution. */
export const MAX_CACHE_BEHAVIORS = 25;
/** Production HSTS must last at least a year (what preload lists and scanners expect). */
export const MIN_PRODUCTION_HSTS_SECONDS = 31536000;

export interface EdgeInput {
  readonly domain: string;
  readonly originDomain?: string;
  readonly staticPaths: readonly string[];
  readonly uncachedPaths: readonly string[];
  readonly hsts: {
    readonly maxAgeSeconds: number;
    readonly preload: boolean;
    readonly includeSubdomains: boolean;
  };
  readonly waf: { readonly enabled?: boolean };
  readonly media?: { readonly pathPattern: string };
}

export interface EdgeContext {
  readonly production: boolean;
  /** The ALB's listener, when the environment has services. */
  readonly listener?: ListenerSettings;
  /** `operations.waf.enabled` as configured (undefined: the default). */
  readonly albWaf?: boolean;
}

/**
 * Where `edge` fits in its environment (paths relative to the environment): the production
 * rule that a production ALB is reached only through CloudFront, an HTTPS origin with a name
 * of its own, and the ALB's web ACL that enforces the origin header.
 */
export function edgePlacementIssues(edge: EdgeInput | undefined, ctx: EdgeContext): Issue[] {
  const issues: Issue[] = [];
  if (edge === undefined) {
    if (ctx.production && ctx.listener !== undefined) {
      issues.push({
        path: ["edge"],
        message:
          "is missing: a production ALB is served through CloudFront (TLS at the edge, WAF, caching); add edge with domain and hostedZoneId",
      });
    }
    return issues;
  }
  const listener = ctx.listener;
  if (listener === undefined) {
    issues.push({
      path: ["edge"],
      message: "needs services: CloudFront's origin is the services' ALB",
    });
    return issues;
  }
  if (listener.protocol !== "https") {
    issues.push({
      path: ["services", "alb", "listener", "protocol"],
      message: `${show(listener.protocol)}: CloudFront talks HTTPS to its origin; give the ALB an https listener`,
    });
  } else if (edge.originDomain === undefined && !("domain" in listener)) {
    issues.push({
      path: ["edge", "originDomain"],
      message:
        "is required when the ALB listener uses certificateArn: name the host its certificate covers",
    });
  }
  const origin =
    edge.originDomain ??
    (listener.protocol === "https" && "domain" in listener ? listener.domain : undefined);
  if (origin !== undefined && origin === edge.domain) {
    issues.push({
      path: ["edge", "domain"],
      message: `${show(edge.domain)} is also the ALB's origin name, whose alias record points at the ALB; give the ALB its own name (e.g. ${show(`origin.${edge.domain}`)})`,
    });
  }
  if (ctx.albWaf === false) {
    issues.push({
      path: ["operations", "waf", "enabled"],
      message:
        "false, but edge is configured: the ALB's web ACL is what refuses requests without CloudFront's origin header; leave it on",
    });
  }
  return issues;
}

/** Problems within the `edge` settings themselves (paths relative to `edge`). */
export function edgeSettingsIssues(edge: EdgeInput, production: boolean): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  const check = (where: (i: number) => (string | number)[], patterns: readonly string[]) => {
    patterns.forEach((p, i) => {
      const path = where(i);
      const other = seen.get(p);
      if (other !== undefined) {
        issues.push({
          path,
          message: `${show(p)} is already listed in ${other}; each path has one cache behavior`,
        });
      } else seen.set(p, formatPath("", path));
      if (p === "/*" || p === "*") {
        issues.push({
          path,
          message: `${show(p)} is the default behavior (everything else, not cached); list only narrower paths`,
        });
      }
    });
  };
  check((i) => ["staticPaths", i], edge.staticPaths);
  check((i) => ["uncachedPaths", i], edge.uncachedPaths);
  if (edge.media !== undefined) check(() => ["media", "pathPattern"], [edge.media.pathPattern]);
  const behaviors =
    edge.staticPaths.length + edge.uncachedPaths.length + (edge.media === undefined ? 0 : 1);
  if (behaviors > MAX_CACHE_BEHAVIORS) {
    issues.push({
      path: ["uncachedPaths"],
      message: `with staticPaths and media make ${behaviors} cache behaviors; CloudFront allows ${MAX_CACHE_BEHAVIORS}`,
    });
  }
  if (production && edge.hsts.maxAgeSeconds < MIN_PRODUCTION_HSTS_SECONDS) {
    issues.push({
      path: ["hsts", "maxAgeSeconds"],
      message: `${show(edge.hsts.maxAgeSeconds)} is below a year (${MIN_PRODUCTION_HSTS_SECONDS}); production browsers must keep HTTPS-only that long`,
    });
  }
  if (
    edge.hsts.preload &&
    (edge.hsts.maxAgeSeconds < MIN_PRODUCTION_HSTS_SECONDS || !edge.hsts.includeSubdomains)
  ) {
    issues.push({
      path: ["hsts", "preload"],
      message: `true needs maxAgeSeconds >= ${MIN_PRODUCTION_HSTS_SECONDS} and includeSubdomains (the preload list's requirements)`,
    });
  }
  return issues;
}
