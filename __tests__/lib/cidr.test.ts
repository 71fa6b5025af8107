import { describe, expect, it } from "vitest";
import {
  cidrProblem,
  contains,
  formatIpv4,
  ipv4Problem,
  overlaps,
  parseCidr,
  parseIpv4,
} from "../../lib/cidr";

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

  it("refuses leading zeros in addresses and blocks, naming the octet", () => {
    const octal =
      'the octet "010" has a leading zero, which some tools read as octal; write it as 10';
    expect(ipv4Problem("10.0.0.010")).toBe(octal);
    expect(cidrProblem("10.010.0.0/16")).toBe(octal);
    expect(cidrProblem("10.0.0.0/08")).toBe(
      'the prefix length "08" has a leading zero; write it as 8',
    );
    expect(ipv4Problem("0.0.0.0")).toBeUndefined();
    expect(ipv4Problem("10.0.0")).toBe("not in a.b.c.d form");
    expect(ipv4Problem("10.0.0.256")).toBe("an octet is above 255");
    expect(() => parseIpv4("10.0.0.01")).toThrow(/leading zero/);
  });

  it("parses and formats addresses through one representation", () => {
    expect(parseIpv4("192.168.1.254")).toBe(192 * 2 ** 24 + 168 * 2 ** 16 + 256 + 254);
    expect(formatIpv4(parseIpv4("255.255.255.255"))).toBe("255.255.255.255");
    expect(parseCidr("10.1.2.0/24").network).toBe(parseIpv4("10.1.2.0"));
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
