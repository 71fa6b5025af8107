/*
 * Availability zones per region, as AZ name suffixes an account can create subnets in.
 *
 * Source: AWS Global Infrastructure "AWS Availability Zones"
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html),
 * which lists AZ IDs per region, not the letters an account sees. Checked 2026-12-03:
 * - ap-northeast-1 is a/c/d (apne1-az4/az1/az2; the legacy 1b is closed to new accounts), as
 *   `aws ec2 describe-availability-zones` shows;
 * - us-east-1 has six AZ IDs (use1-az1..az6, az3 constrained), us-west-1 gives an account two
 *   of a/b/c, and every region has at least three AZs;
 * - before November 2025 the oldest regions mapped letters to AZ IDs per account, so the letters
 *   an old account sees can differ.
 * Not verified in that check: the exact letters of every other region (a region whose letters
 * are not consecutive from "a", such as ca-central-1 a/b/d or cn-north-1 a/b/d, is listed as
 * remembered), and zones opened since. Confirm with
 * `aws ec2 describe-availability-zones --region <r> --query "AvailabilityZones[].ZoneName"`.
 *
 * To add a region: append a line; to correct one: change its letters. `maxAzs` is set where an
 * account can use fewer zones than letters exist.
 */
export interface RegionZones {
  /** AZ suffixes, e.g. ["a", "c", "d"] for ap-northeast-1a/c/d. */
  readonly letters: readonly string[];
  /**
   * Zones one account can use at most.
   * @default letters.length
   */
  readonly maxAzs?: number;
}

export const REGION_ZONES: Readonly<Record<string, RegionZones>> = {
  "af-south-1": { letters: ["a", "b", "c"] },
  "ap-east-1": { letters: ["a", "b", "c"] },
  "ap-east-2": { letters: ["a", "b", "c"] },
  "ap-northeast-1": { letters: ["a", "c", "d"] },
  "ap-northeast-2": { letters: ["a", "b", "c", "d"] },
  "ap-northeast-3": { letters: ["a", "b", "c"] },
  "ap-south-1": { letters: ["a", "b", "c"] },
  "ap-south-2": { letters: ["a", "b", "c"] },
  "ap-southeast-1": { letters: ["a", "b", "c"] },
  "ap-southeast-2": { letters: ["a", "b", "c"] },
  "ap-southeast-3": { letters: ["a", "b", "c"] },
  "ap-southeast-4": { letters: ["a", "b", "c"] },
  "ap-southeast-5": { letters: ["a", "b", "c"] },
  "ap-southeast-7": { letters: ["a", "b", "c"] },
  "ca-central-1": { letters: ["a", "b", "d"] },
  "ca-west-1": { letters: ["a", "b", "c"] },
  "eu-central-1": { letters: ["a", "b", "c"] },
  "eu-central-2": { letters: ["a", "b", "c"] },
  "eu-north-1": { letters: ["a", "b", "c"] },
  "eu-south-1": { letters: ["a", "b", "c"] },
  "eu-south-2": { letters: ["a", "b", "c"] },
  "eu-west-1": { letters: ["a", "b", "c"] },
  "eu-west-2": { letters: ["a", "b", "c"] },
  "eu-west-3": { letters: ["a", "b", "c"] },
  "il-central-1": { letters: ["a", "b", "c"] },
  "me-central-1": { letters: ["a", "b", "c"] },
  "me-south-1": { letters: ["a", "b", "c"] },
  "mx-central-1": { letters: ["a", "b", "c"] },
  "sa-east-1": { letters: ["a", "b", "c"] },
  "us-east-1": { letters: ["a", "b", "c", "d", "e", "f"] },
  "us-east-2": { letters: ["a", "b", "c"] },
  "us-west-1": { letters: ["a", "b", "c"], maxAzs: 2 },
  "us-west-2": { letters: ["a", "b", "c", "d"] },
  "us-gov-east-1": { letters: ["a", "b", "c"] },
  "us-gov-west-1": { letters: ["a", "b", "c"] },
  "cn-north-1": { letters: ["a", "b", "d"] },
  "cn-northwest-1": { letters: ["a", "b", "c"] },
};

export const KNOWN_REGIONS: readonly string[] = Object.keys(REGION_ZONES).sort();

/** The zones of a region, or undefined for a region not in the table. */
export function zonesOf(region: string): { names: string[]; max: number } | undefined {
  const entry = REGION_ZONES[region] as RegionZones | undefined;
  if (entry === undefined) return undefined;
  return {
    names: entry.letters.map((l) => `${region}${l}`),
    max: entry.maxAzs ?? entry.letters.length,
  };
}

/** The known region closest in spelling, for "did you mean" hints. */
export function closestRegion(region: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of KNOWN_REGIONS) {
    const d = editDistance(region, name);
    if (best === undefined || d < best.distance) best = { name, distance: d };
  }
  return best !== undefined && best.distance <= 3 ? best.name : undefined;
}

/** Levenshtein distance; the catalogs use it for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
