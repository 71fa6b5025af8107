import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { PLACEHOLDERS } from "../../config/placeholder-rules";
import { rejection, withEnv } from "../helpers/config";

/* An environment marked real refuses the documentation values the shipped examples use. */
describe("placeholder guard (environments.<env>.real)", () => {
  it("lets the shipped examples, which are not marked real, through", () => {
    const config = loadConfig();
    expect(Object.values(config.environments).map((e) => e.real)).toEqual(
      Object.values(config.environments).map(() => false),
    );
  });

  it("lists every placeholder left in prod once it is marked real", () => {
    const message = rejection(withEnv("prod", (e) => (e.real = true)));
    expect(message).toMatch(
      /environments\.prod\.account: "222222222222" is an example AWS account id \(111111111111, 123456789012, \.\.\.\); real is true, so replace it with this environment's own value/,
    );
    expect(message).toMatch(/environments\.prod\.state\.bucket: "platform-tfstate-222222222222-/);
    expect(message).toMatch(
      /environments\.prod\.operations\.alarmEmails\.critical\[0\]: "platform-oncall@example\.com" is a documentation domain/,
    );
    expect(message).toMatch(
      /environments\.prod\.ci\.repository: "example-org\/platform-infra" is the example GitHub organization example-org/,
    );
  });

  it.each([
    [
      "an example account id",
      (e: { account: string }) => (e.account = "123456789012"),
      /environments\.dev\.account: "123456789012" is an example AWS account id/,
    ],
    [
      "a documentation address range",
      (e: { tags: Record<string, string> }) => (e.tags.Office = "198.51.100.7"),
      /environments\.dev\.tags\.Office: "198\.51\.100\.7" is a documentation address range \(192\.0\.2\.0\/24, 198\.51\.100\.0\/24, 203\.0\.113\.0\/24; RFC 5737\)/,
    ],
    [
      "a documentation domain",
      (e: { tags: Record<string, string> }) => (e.tags.Owner = "ops@team.example"),
      /environments\.dev\.tags\.Owner: "ops@team\.example" is a documentation domain/,
    ],
    [
      "the IPv6 documentation prefix",
      (e: { tags: Record<string, string> }) => (e.tags.Net = "2001:DB8::/32"),
      /environments\.dev\.tags\.Net: "2001:DB8::\/32" is the IPv6 documentation prefix 2001:db8::\/32 \(RFC 3849\)/,
    ],
    [
      "a made-up resource id",
      (e: { tags: Record<string, string> }) => (e.tags.Tgw = "tgw-0123456789abcdef0"),
      /environments\.dev\.tags\.Tgw: "tgw-0123456789abcdef0" is a made-up resource id/,
    ],
  ])("refuses %s in a real environment", (_what, edit, expected) => {
    const message = rejection(
      withEnv("dev", (e) => {
        e.real = true;
        edit(e as never);
      }),
    );
    expect(message).toMatch(expected);
  });

  it.each([
    "481516234200",
    "platform-tfstate-481516234200-ap-northeast-1",
    "ops@acme.co.jp",
    "app.examples.jp",
    "100.64.10.0/24",
    "10.203.0.113/32",
    "acme/platform-infra",
    "tgw-0a1b2c3d4e5f60718",
  ])("takes %s for a real value", (value) => {
    expect(PLACEHOLDERS.filter((p) => p.pattern.test(value))).toEqual([]);
  });
});
