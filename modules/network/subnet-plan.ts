import {
  alignUp,
  blockSize,
  cidrProblem,
  contains,
  formatCidr,
  overlaps,
  parseCidr,
  type Ipv4Block,
} from "../../lib/cidr";
import { show, type Issue } from "../../lib/validation";

export type SubnetTier = "public" | "private" | "isolated";

/**
 * Carving order: the largest tier first keeps every block naturally aligned. The order is part
 * of the layout contract; changing it would move every subnet.
 */
export const SUBNET_TIERS: readonly SubnetTier[] = ["private", "public", "isolated"];

/** AWS accepts subnet and VPC prefixes from /16 to /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;
export const MAX_AZS = 6;

export interface TierLayout {
  /**
   * Prefix length of each subnet in the tier.
   * @default private: VPC prefix + 4; public and isolated: VPC prefix + 8 (capped at /28)
   */
  readonly mask?: number;
  /**
   * Explicit CIDRs, one per AZ in AZ order. Replaces the carved ones for this tier only; the
   * other tiers keep their positions.
   * @default carved from the VPC CIDR
   */
  readonly cidrs?: readonly string[];
}

export interface SubnetPlanInput {
  /** VPC CIDR, /16 to /28. */
  readonly vpcCidr: string;
  /** Number of AZs that get a subnet in every tier. */
  readonly azCount: number;
  /**
   * Slots reserved per tier, so that adding an AZ later never moves an existing subnet
   * (moving one would replace it and everything in it).
   * @default max(azCount, 4)
   */
  readonly azSlots?: number;
  /**
   * Per-tier overrides.
   * @default carved automatically
   */
  readonly tiers?: Partial<Record<SubnetTier, TierLayout>>;
}

export type SubnetPlan = Readonly<Record<SubnetTier, readonly string[]>>;

export type PlanResult =
  | { readonly ok: true; readonly plan: SubnetPlan }
  | { readonly ok: false; readonly issues: readonly Issue[] };

export function defaultMask(tier: SubnetTier, vpcPrefix: number): number {
  return Math.min(vpcPrefix + (tier === "private" ? 4 : 8), MAX_PREFIX);
}

/**
 * Lays out every tier's subnets inside the VPC CIDR. Paths in the returned issues are relative
 * to the network configuration (`cidr`, `subnets.private.mask`, ...).
 */
export function planSubnets(input: SubnetPlanInput): PlanResult {
  const problem = cidrProblem(input.vpcCidr);
  if (problem !== undefined) {
    return fail(["cidr"], `${show(input.vpcCidr)} is not a valid IPv4 CIDR (${problem})`);
  }
  const vpc = parseCidr(input.vpcCidr);
  if (vpc.prefix < MIN_PREFIX || vpc.prefix > MAX_PREFIX) {
    return fail(
      ["cidr"],
      `${show(input.vpcCidr)} has prefix /${vpc.prefix}; AWS allows /16 to /28`,
    );
  }
  const slots = input.azSlots ?? Math.max(input.azCount, 4);
  if (!Number.isInteger(slots) || slots < input.azCount || slots > 16) {
    return fail(
      ["azSlots"],
      `${show(slots)} must be a whole number from azCount (${input.azCount}) to 16`,
    );
  }

  const issues: Issue[] = [];
  const masks = {} as Record<SubnetTier, number>;
  for (const tier of SUBNET_TIERS) {
    const mask = input.tiers?.[tier]?.mask ?? defaultMask(tier, vpc.prefix);
    masks[tier] = mask;
    if (!Number.isInteger(mask) || mask < Math.max(vpc.prefix, MIN_PREFIX) || mask > MAX_PREFIX) {
      issues.push({
        path: ["subnets", tier, "mask"],
        message: `${show(mask)} is not allowed; a subnet mask must be a whole number from /${Math.max(vpc.prefix, MIN_PREFIX)} (the VPC prefix) to /${MAX_PREFIX}`,
      });
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  // Carve every tier, even overridden ones, so an override never shifts the other tiers.
  const carved = {} as Record<SubnetTier, Ipv4Block[]>;
  let offset = 0;
  for (const tier of SUBNET_TIERS) {
    offset = alignUp(offset, masks[tier]);
    carved[tier] = Array.from({ length: input.azCount }, (_, az) => ({
      network: vpc.network + offset + az * blockSize(masks[tier]),
      prefix: masks[tier],
    }));
    offset += slots * blockSize(masks[tier]);
  }
  const overridden = SUBNET_TIERS.filter((t) => input.tiers?.[t]?.cidrs !== undefined);
  if (offset > blockSize(vpc.prefix) && overridden.length < SUBNET_TIERS.length) {
    const layout = SUBNET_TIERS.map((t) => `${t} /${masks[t]}`).join(", ");
    return fail(
      ["cidr"],
      `${show(input.vpcCidr)} holds ${blockSize(vpc.prefix)} addresses but ${slots} AZ slots of ` +
        `${layout} need ${offset}; use a larger VPC CIDR, smaller subnets (a higher subnets.<tier>.mask), ` +
        `fewer azSlots, or explicit subnets.<tier>.cidrs`,
    );
  }

  const final = {} as Record<SubnetTier, Ipv4Block[]>;
  for (const tier of SUBNET_TIERS) {
    const explicit = input.tiers?.[tier]?.cidrs;
    if (explicit === undefined) {
      final[tier] = carved[tier];
      continue;
    }
    if (explicit.length !== input.azCount) {
      issues.push({
        path: ["subnets", tier, "cidrs"],
        message: `has ${explicit.length} entries; give exactly one CIDR per AZ (${input.azCount})`,
      });
      continue;
    }
    final[tier] = [];
    explicit.forEach((text, i) => {
      const path = ["subnets", tier, "cidrs", i];
      const bad = cidrProblem(text);
      if (bad !== undefined) {
        issues.push({ path, message: `${show(text)} is not a valid IPv4 CIDR (${bad})` });
        return;
      }
      const block = parseCidr(text);
      if (!contains(vpc, block)) {
        issues.push({ path, message: `${show(text)} is outside the VPC CIDR ${input.vpcCidr}` });
      } else if (block.prefix > MAX_PREFIX) {
        issues.push({
          path,
          message: `${show(text)} is smaller than /${MAX_PREFIX}, the smallest subnet AWS allows`,
        });
      } else {
        final[tier].push(block);
      }
    });
  }
  if (issues.length > 0) return { ok: false, issues };

  const all = SUBNET_TIERS.flatMap((tier) => final[tier].map((block, az) => ({ tier, az, block })));
  all.forEach((a, i) => {
    const clash = all.slice(0, i).find((b) => overlaps(a.block, b.block));
    if (clash === undefined) return;
    const explicitSide = input.tiers?.[a.tier]?.cidrs !== undefined ? a : clash;
    issues.push({
      path: ["subnets", explicitSide.tier, "cidrs", explicitSide.az],
      message: `${formatCidr(a.block)} (${a.tier}, AZ ${a.az}) overlaps ${formatCidr(clash.block)} (${clash.tier}, AZ ${clash.az}); subnets must not overlap`,
    });
  });
  if (issues.length > 0) return { ok: false, issues };

  return {
    ok: true,
    plan: {
      public: final.public.map(formatCidr),
      private: final.private.map(formatCidr),
      isolated: final.isolated.map(formatCidr),
    },
  };
}

function fail(path: Issue["path"], message: string): PlanResult {
  return { ok: false, issues: [{ path, message }] };
}
