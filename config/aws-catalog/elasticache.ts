import { editDistance } from "./regions";

/*
 * What ElastiCache offers for the Valkey and Redis OSS replication groups of the cache layer.
 *
 * Node types. Source: Amazon ElastiCache API Reference, "CacheNode" (node types list),
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html, and the
 * ElastiCache User Guide "Supported node types",
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html.
 * Checked 2026-12-03. Current-generation types only: T2 and older can no longer create clusters.
 * Not verified in that check: the r6gd sizes (data tiering) were taken from the MemoryDB and
 * EC2 families, and per-region availability (some regions, e.g. ap-southeast-7 and
 * mx-central-1, offer only m7g/r7g/t3/t4g) is not modelled.
 *
 * Engine versions. Source: ElastiCache User Guide "Engine versions and upgrading" and
 * "Supported engines and versions",
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html. Checked
 * 2026-12-03. AWS also offers Valkey 9.0/9.1 and Redis OSS 6.x and older; the platform supports
 * the majors whose parameter group families (valkey7, valkey8, redis7) the cache module has been
 * reviewed for and that have RBAC users with in-transit encryption.
 *
 * To update: add a line to NODE_FAMILIES (sizes in ascending order) or a minor to its major.
 */
const NODE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  m4: ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"],
  m5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  m6g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  m7g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  r4: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
  r5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  r6g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  r6gd: ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  r7g: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  t3: ["micro", "small", "medium"],
  t4g: ["micro", "small", "medium"],
};

export const CACHE_NODE_TYPES: readonly string[] = Object.entries(NODE_FAMILIES).flatMap(
  ([family, sizes]) => sizes.map((size) => `cache.${family}.${size}`),
);

export type CacheEngine = "valkey" | "redis";

/** major.minor versions per engine the platform builds (see the header for what is left out). */
export const CACHE_ENGINE_VERSIONS: Readonly<Record<CacheEngine, readonly string[]>> = {
  redis: ["7.0", "7.1"],
  valkey: ["7.2", "8.0", "8.1", "8.2"],
};

/** The listed sizes of the same family, or the closest spellings, for a refusal message. */
export function cacheNodeTypeHint(nodeType: string): string {
  const family = nodeType.split(".")[1] as string | undefined;
  const sizes =
    family === undefined ? undefined : (NODE_FAMILIES[family] as readonly string[] | undefined);
  if (sizes !== undefined) return `cache.${family} comes in ${sizes.join(", ")}`;
  const close = CACHE_NODE_TYPES.filter((t) => editDistance(t, nodeType) <= 2);
  return (
    (close.length > 0 ? `did you mean ${close.join(" or ")}? ` : "") +
    `families: ${Object.keys(NODE_FAMILIES).join(", ")}`
  );
}
