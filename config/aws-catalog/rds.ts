import { editDistance } from "./regions";

/*
 * What RDS offers for the two PostgreSQL engines this platform builds.
 *
 * Instance classes. Sources: Amazon Aurora User Guide "Supported DB engines for DB instance
 * classes" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html)
 * and Amazon RDS User Guide "Supported DB engines for DB instance classes"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html).
 * Checked 2026-12-03: the Aurora family list (db.serverless, x2g, r6gd, r6id, r8g and the r5/r6g/
 * r6i/r7g/r7i/t3/t4g classes). Not verified in that check: the size lists of each family (taken
 * from the matching EC2 families), db.r8gd and db.r7gd (Aurora offers them; left out until their
 * sizes are checked), and per-region availability (`aws rds describe-orderable-db-instance-options`).
 *
 * Engine versions: the minors RDS still creates on 2026-12-03. Sources: the Amazon RDS notice of
 * May 2026 that RDS for PostgreSQL 14.14-14.17, 15.9-15.12, 16.5-16.8 and 17.1-17.4 reached end of
 * standard support on 2026-05-31 (creation blocked from 2026-05-01; upgrade target 14.20, 15.15,
 * 16.11, 17.7 or higher), the "Release calendars for Amazon RDS for PostgreSQL"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html)
 * and "Extension versions for Amazon Aurora PostgreSQL", which lists Aurora 17.4-17.7
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Extensions.html).
 * Not verified in that check: RDS minors released after August 2025 (14.21+, 15.16+, 16.12+,
 * 17.8+, listed as the community released them) and which older Aurora minors have reached end of
 * standard support (the Aurora lists keep the minors an earlier check found; an Aurora version
 * refused at apply belongs removed here). Major 13 is past end of standard support (RDS Extended
 * Support, charged); majors 18 and later are left out until modules/database/parameter-groups.ts
 * is reviewed for them.
 *
 * To update: add or remove one line in a major's list (ascending), after
 * `aws rds describe-db-engine-versions --engine <engine> --query "DBEngineVersions[].EngineVersion"`.
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

/** One version per line, so an update is a one-line diff. */
const versions = (text: string): readonly string[] => text.trim().split(/\s+/);

/** Engine versions RDS still creates, per engine and major. */
export const RDS_ENGINE_VERSIONS: Readonly<
  Record<RdsEngine, Readonly<Record<number, readonly string[]>>>
> = {
  postgres: {
    13: versions(`
      13.21
      13.22
      13.23
    `),
    14: versions(`
      14.18
      14.19
      14.20
      14.21
      14.22
    `),
    15: versions(`
      15.13
      15.14
      15.15
      15.16
      15.17
    `),
    16: versions(`
      16.9
      16.10
      16.11
      16.12
      16.13
    `),
    17: versions(`
      17.5
      17.6
      17.7
      17.8
      17.9
    `),
  },
  "aurora-postgresql": {
    13: versions(`
      13.15
      13.16
      13.18
      13.20
      13.21
      13.22
      13.23
    `),
    14: versions(`
      14.12
      14.13
      14.15
      14.17
      14.18
      14.19
      14.20
    `),
    15: versions(`
      15.7
      15.8
      15.10
      15.12
      15.13
      15.14
      15.15
    `),
    16: versions(`
      16.3
      16.4
      16.6
      16.8
      16.9
      16.10
      16.11
    `),
    17: versions(`
      17.4
      17.5
      17.6
      17.7
    `),
  },
};

/**
 * Majors past the end of RDS standard support, with that date: creating one needs RDS Extended
 * Support. Source: the release calendars named above (dates not re-verified on 2026-12-03).
 */
export const END_OF_STANDARD_SUPPORT: Readonly<
  Record<RdsEngine, Readonly<Record<number, string>>>
> = {
  postgres: { 13: "2026-02-28" },
  "aurora-postgresql": { 13: "2026-02-28" },
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
