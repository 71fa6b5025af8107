import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { ACCOUNT_SINGLETON_NAMES } from "../../config/account-singletons";
import { rejection, shippedInput, withEnv } from "../helpers/config";

/** prod shares dev's account and leaves every account-wide singleton to dev. */
const referenceAll = Object.fromEntries(ACCOUNT_SINGLETON_NAMES.map((n) => [n, "reference"]));

describe("account-wide extras: validation rules", () => {
  it("allows one CloudTrail per account", () => {
    const input = shippedInput();
    input.environments.prod.account = input.environments.dev.account;
    input.environments.prod.accountSingletons = referenceAll;
    input.environments.prod.operations = {
      ...input.environments.prod.operations,
      budget: { monthlyLimitUsd: 3000, scope: "environment-tag" },
    };
    input.environments.dev.operations = {
      ...input.environments.dev.operations,
      budget: { monthlyLimitUsd: 300, scope: "environment-tag" },
    };
    expect(rejection(input)).toMatch(
      /environments\.prod\.operations\.trail\.enabled: true, but environments\.dev already owns the multi-region trail of account 111111111111/,
    );
    input.environments.prod.operations.trail = { enabled: false };
    expect(() => loadConfig(input)).not.toThrow();
  });

  it("requires a budget in production", () => {
    const input = withEnv("prod", (e) => {
      e.operations = { ...e.operations, budget: undefined };
    });
    expect(rejection(input)).toMatch(
      /environments\.prod\.operations\.budget: is missing: a production environment needs a monthly cost budget/,
    );
  });

  it("refuses an account-wide budget in an account shared with another environment", () => {
    const input = shippedInput();
    input.environments.prod.account = input.environments.dev.account;
    input.environments.prod.accountSingletons = referenceAll;
    input.environments.prod.operations = {
      ...input.environments.prod.operations,
      trail: { enabled: false },
    };
    expect(rejection(input)).toMatch(
      /environments\.dev\.operations\.budget\.scope: "account" would count the costs of environments\.prod in account 111111111111 too; use "environment-tag"/,
    );
  });

  it("rejects a budget limit that is not positive", () => {
    const input = withEnv("dev", (e) => {
      e.operations = { ...e.operations, budget: { monthlyLimitUsd: -5 } };
    });
    expect(rejection(input)).toMatch(
      /environments\.dev\.operations\.budget\.monthlyLimitUsd: got -5: must be a positive amount of US dollars/,
    );
  });
});
