import { describe, expect, it } from "vitest";
import { ACCOUNT_SINGLETONS, ACCOUNT_SINGLETON_NAMES } from "../../config/account-singletons";
import type { PlatformInput } from "../../config";
import { rejection, shippedInput } from "../helpers/config";
import { synthPlatform } from "../helpers/synth";
import { bodies, type Block } from "../helpers/tf";

/** dev and prod moved into one account (prod keeps its own state bucket). */
function oneAccount(edit?: (input: PlatformInput) => void): PlatformInput {
  const input = shippedInput();
  input.environments.prod.account = input.environments.dev.account;
  if (input.environments.prod.state.backend === "s3")
    input.environments.prod.state.bucket = "platform-tfstate-shared-prod";
  // An account-wide budget has its own rule: count each environment's tagged costs.
  const { dev, prod } = input.environments;
  dev.operations = {
    ...dev.operations,
    budget: { monthlyLimitUsd: 300, scope: "environment-tag" },
  };
  prod.operations = {
    ...prod.operations,
    budget: { monthlyLimitUsd: 3000, scope: "environment-tag" },
  };
  edit?.(input);
  return input;
}
const referenceAll = Object.fromEntries(ACCOUNT_SINGLETON_NAMES.map((n) => [n, "reference"]));

describe("account-wide singletons: one owner per account", () => {
  it("refuses two environments of one account that would both create one, naming each singleton", () => {
    const message = rejection(oneAccount());
    // The HCP Terraform provider is used only in cloud state mode (__tests__/hcp covers it).
    for (const name of ACCOUNT_SINGLETON_NAMES.filter((n) => n !== "hcpOidcProvider")) {
      expect(message).toContain(
        `environments.prod.accountSingletons.${name}: "create", but environments.dev already manages ${ACCOUNT_SINGLETONS[name].what}`,
      );
    }
    expect(message).toContain('set this to "reference"');
  });

  it("refuses an adoption next to an owner too", () => {
    const input = oneAccount((i) => {
      i.environments.prod.accountSingletons = {
        ...referenceAll,
        githubOidcProvider: {
          adopt: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
        },
      };
    });
    expect(rejection(input)).toBe(
      'Invalid configuration: environments.prod.accountSingletons.githubOidcProvider: an adoption, but environments.dev already manages the GitHub Actions OIDC provider of account 111111111111, and AWS allows only one; set this to "reference" (or make environments.dev reference it)',
    );
  });

  it("accepts one owner and references, and the referencing environment creates none of them", () => {
    const { stacks } = synthPlatform(
      oneAccount((i) => (i.environments.prod.accountSingletons = referenceAll)),
    );
    const prodOps = stacks["platform-prod-ops"];
    expect(bodies(prodOps, "aws_guardduty_detector")).toEqual([]);
    expect(bodies(prodOps, "aws_config_configuration_recorder")).toEqual([]);
    expect(bodies(prodOps, "aws_iam_service_linked_role")).toEqual([]);
    expect(bodies(stacks["platform-prod-ci"], "aws_iam_openid_connect_provider")).toEqual([]);
    expect(
      Object.values(stacks["platform-prod-ci"].data?.aws_iam_openid_connect_provider ?? {}).map(
        (d: Block) => d.arn,
      ),
    ).toEqual(["arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"]);
    expect(bodies(stacks["platform-dev-ops"], "aws_guardduty_detector")).toHaveLength(1);
    expect(bodies(stacks["platform-dev-ci"], "aws_iam_openid_connect_provider")).toHaveLength(1);
  });

  it("lets environments of one account in different regions each own the regional ones", () => {
    const input = oneAccount((i) => {
      i.environments.prod.region = "ap-northeast-3";
      i.environments.prod.network.availabilityZones = [
        "ap-northeast-3a",
        "ap-northeast-3b",
        "ap-northeast-3c",
      ];
      i.environments.prod.accountSingletons = {
        githubOidcProvider: "reference",
        configServiceLinkedRole: "reference",
        cloudTrail: "reference",
      };
    });
    expect(() => synthPlatform(input)).not.toThrow();
  });

  it("adopts an existing singleton with an import block (the documented path for an existing account)", () => {
    const input = shippedInput();
    input.environments.dev.accountSingletons = {
      githubOidcProvider: {
        adopt: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
      },
      guardDutyDetector: { adopt: "0123456789abcdef0123456789abcdef" },
    };
    const { stacks } = synthPlatform(input);
    const ids = (stack: string) =>
      ((stacks[stack].import ?? []) as Block[]).map((b) => [String(b.to).split(".")[0], b.id]);
    expect(ids("platform-dev-ci")).toEqual([
      [
        "aws_iam_openid_connect_provider",
        "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
      ],
    ]);
    expect(ids("platform-dev-ops")).toEqual([
      ["aws_guardduty_detector", "0123456789abcdef0123456789abcdef"],
    ]);
    expect(ids("platform-prod-ops")).toEqual([]);
  });

  it.each([
    [
      "githubOidcProvider",
      "arn:aws:iam::111111111111:oidc-provider/example.com",
      "the provider's ARN",
    ],
    ["guardDutyDetector", "d-123", "the detector id"],
    ["configRecorder", "my recorder", "the recorder's name"],
    ["configServiceLinkedRole", "AWSServiceRoleForConfig", "the role's ARN"],
  ] as const)("refuses an adoption id that cannot be %s's import id", (name, id, expected) => {
    const input = shippedInput();
    input.environments.dev.accountSingletons = { [name]: { adopt: id } };
    expect(rejection(input)).toContain(
      `environments.dev.accountSingletons.${name}.adopt: ${JSON.stringify(id)} is not an import id of ${ACCOUNT_SINGLETONS[name].what}; expected ${expected}`,
    );
  });

  it("refuses an unknown singleton or mode", () => {
    const input = shippedInput();
    (input.environments.dev as { accountSingletons?: unknown }).accountSingletons = {
      cloudTrail9: "create",
    };
    expect(rejection(input)).toMatch(/environments\.dev\.accountSingletons/);
    const other = shippedInput();
    (other.environments.dev as { accountSingletons?: unknown }).accountSingletons = {
      guardDutyDetector: "own",
    };
    expect(rejection(other)).toMatch(/environments\.dev\.accountSingletons\.guardDutyDetector/);
  });
});

describe("GitHub subjects: no two environments trust the same token", () => {
  it("refuses two deploy roles trusting the same branch", () => {
    const input = shippedInput();
    // Production must name a GitHub environment anyway (its approval gate), so the branch
    // subject can only be shared by two non-production environments.
    input.environments.prod.production = false;
    for (const env of [input.environments.dev, input.environments.prod]) {
      if (env.ci !== undefined) env.ci = { ...env.ci, githubEnvironment: undefined };
    }
    expect(rejection(input)).toBe(
      'Invalid configuration: environments.prod.ci.githubEnvironment: undefined makes the deploy role trust "repo:example-org/platform-infra:ref:refs/heads/main", which environments.dev deploy role already trusts; give each environment its own GitHub environment',
    );
  });

  it("refuses two plan roles trusting every pull request", () => {
    const input = shippedInput();
    for (const env of [input.environments.dev, input.environments.prod]) {
      if (env.ci !== undefined) env.ci = { ...env.ci, planGithubEnvironment: undefined };
    }
    expect(rejection(input)).toContain(
      'environments.prod.ci.planGithubEnvironment: undefined makes the plan role trust "repo:example-org/platform-infra:pull_request", which environments.dev plan role already trusts',
    );
  });

  it("refuses one environment's plan subject equal to another's deploy subject", () => {
    const input = shippedInput();
    const prod = input.environments.prod;
    if (prod.ci !== undefined) prod.ci = { ...prod.ci, planGithubEnvironment: "dev" };
    expect(rejection(input)).toContain(
      'environments.prod.ci.planGithubEnvironment: "dev" makes the plan role trust "repo:example-org/platform-infra:environment:dev", which environments.dev deploy role already trusts',
    );
  });
});
