import { fixtureInput } from "../fixtures/config";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { ACCOUNT_SINGLETON_NAMES } from "../../config/account-singletons";
import { rejection, shippedInput, withEnv } from "../helpers/config";

/** prod shares dev's account and leaves every account-wide singleton to dev. */
const referenceAll = Object.fromEntries(ACCOUNT_SINGLETON_NAMES.map((n) => [n, "reference"]));

describe("account-wide extras: validation rules", () => {
  it("allows one CloudTrail per account (an account singleton)", () => {
    const input = shippedInput();
    input.environments.prod.account = input.environments.dev.account;
    if (input.environments.prod.state.backend === "s3")
      input.environments.prod.state.bucket = "platform-tfstate-shared-prod";
    input.environments.prod.operations = {
      ...input.environments.prod.operations,
      budget: { monthlyLimitUsd: 3000, scope: "environment-tag" },
    };
    input.environments.dev.operations = {
      ...input.environments.dev.operations,
      budget: { monthlyLimitUsd: 300, scope: "environment-tag" },
    };
    expect(rejection(input)).toContain(
      'environments.prod.accountSingletons.cloudTrail: "create", but environments.dev already manages the multi-region CloudTrail trail of account 111111111111',
    );
    input.environments.prod.accountSingletons = {
      githubOidcProvider: "reference",
      guardDutyDetector: "reference",
      configRecorder: "reference",
      configServiceLinkedRole: "reference",
      cloudTrail: "reference",
      ecrPullThroughCache: "reference",
    };
    expect(() => loadConfig(input)).not.toThrow();
  });

  it("rejects an adoption id that is not a trail ARN", () => {
    const input = withEnv("dev", (e) => (e.accountSingletons = { cloudTrail: { adopt: "trail" } }));
    expect(rejection(input)).toMatch(
      /environments\.dev\.accountSingletons\.cloudTrail\.adopt: "trail" is not an import id of the multi-region CloudTrail trail; expected the trail's ARN/,
    );
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
    const input = fixtureInput();
    const { sandbox, live } = input.environments;
    live.account = sandbox.account;
    live.accountSingletons = referenceAll;
    live.operations = { ...live.operations, trail: { enabled: false } };
    expect(rejection(input)).toMatch(
      /environments\.sandbox\.operations\.budget\.scope: "account" would count the costs of environments\.live in account 444444444444 too; use "environment-tag"/,
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
