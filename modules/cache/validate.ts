import {
  CACHE_ENGINE_VERSIONS,
  CACHE_NODE_TYPES,
  cacheNodeTypeHint,
} from "../../config/aws-catalog/elasticache";
import { show, type Issue } from "../../lib/validation";
import { windowsOverlap } from "../database/validate";
import type { CacheSettings } from "./settings";

/**
 * Variables a service in allowFrom receives from the cache (stacks/cache-stack.ts
 * attachmentFor); the same name set by the service itself would be silently replaced.
 */
export const CACHE_VARIABLES = [
  "REDIS_HOST",
  "REDIS_PORT",
  "REDIS_USERNAME",
  "REDIS_TLS",
  "REDIS_PASSWORD",
] as const;

/** Values of maxmemory-policy, the one parameter the platform sets by default. */
const MAXMEMORY_POLICIES = [
  "allkeys-lfu",
  "allkeys-lru",
  "allkeys-random",
  "noeviction",
  "volatile-lfu",
  "volatile-lru",
  "volatile-random",
  "volatile-ttl",
] as const;

/** Parameter group families by engine and major version. */
export function cacheFamily(engine: CacheSettings["engine"], version: string): string {
  const major = version.split(".")[0];
  return `${engine}${major}`;
}
const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/**
 * Every problem with the cache settings (paths relative to `cache`), the production rules
 * (a replica in another AZ, snapshots) and services in allowFrom that do not exist.
 */
export function cacheIssues(
  cache: CacheSettings,
  ctx: { readonly production: boolean; readonly services: readonly string[] },
): Issue[] {
  const issues: Issue[] = [];
  const versions = CACHE_ENGINE_VERSIONS[cache.engine];
  if (!versions.includes(cache.engineVersion)) {
    issues.push({
      path: ["engineVersion"],
      message: `${show(cache.engineVersion)} is not a ${cache.engine} version with RBAC users and TLS that this platform builds; use one of ${versions.join(", ")} (maintained in config/aws-catalog/elasticache.ts)`,
    });
  }
  if (
    /^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(cache.nodeType) &&
    !CACHE_NODE_TYPES.includes(cache.nodeType)
  ) {
    issues.push({
      path: ["nodeType"],
      message: `${show(cache.nodeType)} is not an ElastiCache node type; ${cacheNodeTypeHint(cache.nodeType)} (maintained in config/aws-catalog/elasticache.ts)`,
    });
  }
  const policy = cache.parameters["maxmemory-policy"] as string | undefined;
  if (policy !== undefined && !(MAXMEMORY_POLICIES as readonly string[]).includes(policy)) {
    issues.push({
      path: ["parameters", "maxmemory-policy"],
      message: `${show(policy)} is not an eviction policy; allowed: ${MAXMEMORY_POLICIES.join(", ")}`,
    });
  }
  for (const name of Object.keys(cache.parameters)) {
    if (!/^[a-z][a-z0-9-]{0,254}$/.test(name)) {
      issues.push({
        path: ["parameters", name],
        message: `${show(name)} is not a Valkey/Redis parameter name such as "maxmemory-policy" (lower-case letters, digits and hyphens)`,
      });
    }
  }
  if (ctx.production && cache.replicas < 1) {
    issues.push({
      path: ["replicas"],
      message: `${show(cache.replicas)}: production needs at least one replica in another AZ for automatic failover`,
    });
  }
  if (ctx.production && cache.snapshotRetentionDays < 1) {
    issues.push({
      path: ["snapshotRetentionDays"],
      message: `${show(cache.snapshotRetentionDays)}: production keeps at least one daily snapshot`,
    });
  }
  if (/^cache\.t[234]/.test(cache.nodeType) && cache.replicas > 0 && ctx.production) {
    issues.push({
      path: ["nodeType"],
      message: `${show(cache.nodeType)} is a burstable type; production failover needs steady capacity (e.g. cache.r7g.large)`,
    });
  }
  const [snapStart, snapEnd] = cache.snapshotWindow.split("-").map(minutes);
  const snapshotLength = (snapEnd - snapStart + 1440) % 1440;
  if (snapshotLength < 60) {
    issues.push({
      path: ["snapshotWindow"],
      message: `${show(cache.snapshotWindow)} is shorter than the 60 minutes ElastiCache requires`,
    });
  }
  const overlap = windowsOverlap(cache.snapshotWindow, cache.maintenanceWindow);
  if (overlap !== undefined) {
    issues.push({
      path: ["maintenanceWindow"],
      message: `${show(cache.maintenanceWindow)} overlaps the daily snapshot window ${show(cache.snapshotWindow)} (${overlap}); ElastiCache refuses overlapping windows, so move one of them`,
    });
  }
  cache.allowFrom.forEach((service, i) => {
    if (!ctx.services.includes(service)) {
      issues.push({
        path: ["allowFrom", i],
        message: `${show(service)} is not a service of this environment; services: ${ctx.services.join(", ") || "(none)"}`,
      });
    }
  });
  return issues;
}
