import { describe, expect, it } from "vitest";
import {
  planSubnets,
  type SubnetPlan,
  type SubnetPlanInput,
} from "../../modules/network/subnet-plan";

function plan(input: SubnetPlanInput): SubnetPlan {
  const result = planSubnets(input);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join("; "));
  return result.plan;
}

describe("subnet carving", () => {
  it("carves 2 AZs of a /16: private /20, public and isolated /24, in reserved slots", () => {
    expect(plan({ vpcCidr: "10.10.0.0/16", azCount: 2 })).toEqual({
      private: ["10.10.0.0/20", "10.10.16.0/20"],
      public: ["10.10.64.0/24", "10.10.65.0/24"],
      isolated: ["10.10.68.0/24", "10.10.69.0/24"],
    });
  });

  it("carves 3 AZs of a /16", () => {
    expect(plan({ vpcCidr: "10.20.0.0/16", azCount: 3 })).toEqual({
      private: ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"],
      public: ["10.20.64.0/24", "10.20.65.0/24", "10.20.66.0/24"],
      isolated: ["10.20.68.0/24", "10.20.69.0/24", "10.20.70.0/24"],
    });
  });

  it("carves 6 AZs, reserving 6 slots per tier", () => {
    const six = plan({ vpcCidr: "10.0.0.0/16", azCount: 6 });
    expect(six.private).toHaveLength(6);
    expect(six.private[5]).toBe("10.0.80.0/20");
    expect(six.public).toEqual([
      "10.0.96.0/24",
      "10.0.97.0/24",
      "10.0.98.0/24",
      "10.0.99.0/24",
      "10.0.100.0/24",
      "10.0.101.0/24",
    ]);
    expect(six.isolated[0]).toBe("10.0.102.0/24");
  });

  it("never moves an existing subnet when an AZ is added within the reserved slots", () => {
    const two = plan({ vpcCidr: "10.10.0.0/16", azCount: 2 });
    const three = plan({ vpcCidr: "10.10.0.0/16", azCount: 3 });
    const four = plan({ vpcCidr: "10.10.0.0/16", azCount: 4 });
    for (const tier of ["private", "public", "isolated"] as const) {
      expect(three[tier].slice(0, 2)).toEqual(two[tier]);
      expect(four[tier].slice(0, 3)).toEqual(three[tier]);
    }
  });

  it("scales the default masks with the VPC size and caps them at /28", () => {
    expect(plan({ vpcCidr: "10.0.0.0/20", azCount: 2 })).toEqual({
      private: ["10.0.0.0/24", "10.0.1.0/24"],
      public: ["10.0.4.0/28", "10.0.4.16/28"],
      isolated: ["10.0.4.64/28", "10.0.4.80/28"],
    });
    expect(plan({ vpcCidr: "10.0.0.0/24", azCount: 2 }).public).toEqual([
      "10.0.0.64/28",
      "10.0.0.80/28",
    ]);
  });

  it("honours explicit masks and azSlots", () => {
    expect(
      plan({
        vpcCidr: "10.0.0.0/16",
        azCount: 2,
        azSlots: 3,
        tiers: { private: { mask: 18 }, isolated: { mask: 26 } },
      }),
    ).toEqual({
      private: ["10.0.0.0/18", "10.0.64.0/18"],
      public: ["10.0.192.0/24", "10.0.193.0/24"],
      isolated: ["10.0.195.0/26", "10.0.195.64/26"],
    });
  });

  it("keeps the other tiers in place when one tier is given explicitly", () => {
    const carved = plan({ vpcCidr: "10.10.0.0/16", azCount: 2 });
    const overridden = plan({
      vpcCidr: "10.10.0.0/16",
      azCount: 2,
      tiers: { public: { cidrs: ["10.10.200.0/24", "10.10.201.0/24"] } },
    });
    expect(overridden.public).toEqual(["10.10.200.0/24", "10.10.201.0/24"]);
    expect(overridden.private).toEqual(carved.private);
    expect(overridden.isolated).toEqual(carved.isolated);
  });

  it("rejects azSlots below azCount", () => {
    const result = planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 3, azSlots: 2 });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: ["azSlots"], message: "2 must be a whole number from azCount (3) to 16" }],
    });
  });
});
