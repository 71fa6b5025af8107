import { editDistance } from "./regions";

/*
 * What RDS offers for the two PostgreSQL engines this platform builds.
 *
 * Instance classes. Source: Amazon RDS User Guide "Supported DB engines for DB instance classes"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.SupportAurora.html
 * for Aurora, .../Concepts.DBInstanceClass.Support.html for RDS). Checked 2026-12-03.
 * Regional availability still varies; this list refuses what no region offers.
 *
 * Engine versions. Source: `aws rds describe-db-engine-versions --engine <engine>` as mirrored
 * by aws-cdk's PostgresEngineVersion / AuroraPostgresEngineVersion (versions not marked "no
 * longer supported"), and the Aurora PostgreSQL release calendar. Checked 2026-12-03.
 * To update: add the new minor to its major's list (and a new major to both lists only once
 * the parameter groups in modules/database/parameter-groups.ts have been reviewed for it).
 */
export type RdsEngine = "postgres" | "aurora-postgresql";

const G16 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const I24 = [...G16, "24xlarge"];
const I32 = [...I24, "32xlarge"];
const X48 = [...I24, "48xlarge"];
const BURST = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];

const classes = (families: Record<string, readonly string[]>): readonly string[] =>
  Object.entries(families).flatMap(([family, sizes]) => sizes.map((s) => `db.${family}.${s}`));

/** Provisioned classes per engine (Aurora's db.serverless is listed separately). */
export const RDS_INSTANCE_CLASSES: Readonly<Record<RdsEngine, readonly string[]>> = {
  "aurora-postgresql": [
    "db.serverless",
    ...classes({
      t3: ["medium", "large"],
      t4g: ["medium", "large"],
      r5: I24,
      r6g: G16,
      r6gd: G16.slice(1),
      r6i: I32,
      r6id: I32.slice(1),
      r7g: G16,
      r7i: X48,
      r8g: X48,
      x2g: G16,
    }),
  ],
  postgres: classes({
    t3: BURST,
    t4g: BURST,
    m5: I24,
    m5d: I24,
    m6g: G16,
    m6gd: G16,
    m6i: I32,
    m6id: I32,
    m7g: G16,
    m7i: X48,
    m8g: X48,
    r5: I24,
    r5b: I24,
    r5d: I24,
    r6g: G16,
    r6gd: G16,
    r6i: I32,
    r6id: I32,
    r7g: G16,
    r7i: X48,
    r8g: X48,
    x2g: G16,
    x2iedn: I32.slice(1),
  }),
};

/** Engine versions RDS still creates, per engine and major. */
export const RDS_ENGINE_VERSIONS: Readonly<
  Record<RdsEngine, Readonly<Record<number, readonly string[]>>>
> = {
  postgres: {
    13: ["13.15", "13.16", "13.18", "13.20", "13.21", "13.22", "13.23"],
    14: ["14.12", "14.13", "14.15", "14.17", "14.18", "14.19", "14.20", "14.21", "14.22"],
    15: ["15.7", "15.8", "15.10", "15.12", "15.13", "15.14", "15.15", "15.16", "15.17"],
    16: ["16.3", "16.4", "16.6", "16.8", "16.9", "16.10", "16.11", "16.12", "16.13"],
    17: ["17.2", "17.4", "17.5", "17.6", "17.7", "17.8", "17.9"],
  },
  "aurora-postgresql": {
    13: ["13.15", "13.16", "13.18", "13.20", "13.21", "13.22", "13.23"],
    14: ["14.12", "14.13", "14.15", "14.17", "14.18", "14.19", "14.20"],
    15: ["15.7", "15.8", "15.10", "15.12", "15.13", "15.14", "15.15"],
    16: ["16.3", "16.4", "16.6", "16.8", "16.9", "16.10", "16.11"],
    17: ["17.4", "17.5", "17.6", "17.7", "17.9", "17.10"],
  },
};

/** Majors with versions in the catalog, ascending. */
export function majorsOf(engine: RdsEngine): number[] {
  return Object.keys(RDS_ENGINE_VERSIONS[engine])
    .map(Number)
    .sort((a, b) => a - b);
}

/** The listed classes of the same family, or the closest spellings, for a refusal message. */
export function instanceClassHint(engine: RdsEngine, instanceClass: string): string {
  const all = RDS_INSTANCE_CLASSES[engine];
  const family = instanceClass.split(".").slice(0, 2).join(".");
  const sameFamily = all.filter((c) => c.startsWith(`${family}.`));
  if (sameFamily.length > 0) return `${family} offers ${sameFamily.join(", ")}`;
  const close = all.filter((c) => editDistance(c, instanceClass) <= 2);
  const families = [...new Set(all.map((c) => c.split(".").slice(0, 2).join(".")))];
  return (
    (close.length > 0 ? `did you mean ${close.join(" or ")}? ` : "") +
    `families: ${families.join(", ")}`
  );
}
