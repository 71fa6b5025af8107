import { describe, expect, it } from "vitest";
import { cidrProblem, contains, overlaps, parseCidr } from "../../lib/cidr";

describe("cidr", () => {
  it("accepts network addresses and rejects malformed blocks with the reason", () => {
    expect(cidrProblem("10.0.0.0/16")).toBeUndefined();
    expect(cidrProblem("10.0.0.0")).toBe("not in a.b.c.d/n form");
    expect(cidrProblem("10.0.256.0/24")).toBe("an octet is above 255");
    expect(cidrProblem("10.0.0.0/33")).toBe("the prefix length is above 32");
    expect(cidrProblem("10.0.0.1/24")).toBe(
      "host bits are set (the network address is 10.0.0.0/24)",
    );
  });

  it("handles addresses above 2^31 without sign errors", () => {
    const block = parseCidr("192.168.0.0/16");
    expect(block.network).toBe(192 * 2 ** 24 + 168 * 2 ** 16);
    expect(contains(block, parseCidr("192.168.255.240/28"))).toBe(true);
    expect(cidrProblem("255.255.255.0/24")).toBeUndefined();
  });

  it("computes containment and overlap at the edges", () => {
    const vpc = parseCidr("10.0.0.0/16");
    expect(contains(vpc, parseCidr("10.0.255.0/24"))).toBe(true);
    expect(contains(vpc, parseCidr("10.1.0.0/24"))).toBe(false);
    expect(contains(parseCidr("10.0.0.0/24"), vpc)).toBe(false);
    expect(overlaps(parseCidr("10.0.0.0/24"), parseCidr("10.0.0.128/25"))).toBe(true);
    expect(overlaps(parseCidr("10.0.0.0/25"), parseCidr("10.0.0.128/25"))).toBe(false);
  });
});
