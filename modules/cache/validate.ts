import { show, type Issue } from "../../lib/validation";
import type { CacheSettings } from "./settings";

/** Parameter group families by engine and major version. */
export function cacheFamily(engine: CacheSettings["engine"], version: string): string {
  const major = version.split(".")[0];
  return `${engine}${major}`;
}
/** Engine majors ElastiCache offers with RBAC users and in-transit encryption. */
const SUPPORTED: Record<CacheSettings["engine"], readonly string[]> = {
  valkey: ["7", "8"],
  redis: ["7"],
};
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
  const major = cache.engineVersion.split(".")[0];
  if (!SUPPORTED[cache.engine].includes(major)) {
    issues.push({
      path: ["engineVersion"],
      message: `${show(cache.engineVersion)} is not a ${cache.engine} version with RBAC users and TLS; use major ${SUPPORTED[cache.engine].join(" or ")}`,
    });
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
  const [mStart] = cache.maintenanceWindow.split("-");
  const maintenanceStart = minutes(mStart.slice(4));
  if ((maintenanceStart - snapStart + 1440) % 1440 < snapshotLength) {
    issues.push({
      path: ["maintenanceWindow"],
      message: `${show(cache.maintenanceWindow)} starts inside the snapshot window ${show(cache.snapshotWindow)}; ElastiCache refuses overlapping windows`,
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
