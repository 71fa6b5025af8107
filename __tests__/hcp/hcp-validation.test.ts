import { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../config";
import { Names } from "../../lib/names";
import { ConfigError } from "../../lib/validation";
import { HcpAwsRoles, type HcpAwsRolesProps } from "../../modules/hcp-identity";
import { HcpWorkspaces, type HcpWorkspacesProps } from "../../modules/hcp-workspaces";
import { rejection, withEnv } from "../helpers/config";
import { scratchApp } from "../helpers/scratch-app";

/** dev in cloud mode with `state` merged in; prod too when `prod` is given. */
function cloud(
  state: Partial<Extract<EnvironmentInput["state"], { backend: "cloud" }>>,
  prod?: Partial<Extract<EnvironmentInput["state"], { backend: "cloud" }>>,
): unknown {
  const input = withEnv("dev", (e) => {
    delete e.ci;
    e.state = { backend: "cloud", organization: "acme", ...state };
  });
  if (prod !== undefined) {
    delete input.environments.prod.ci;
    input.environments.prod.state = { backend: "cloud", organization: "acme", ...prod };
  }
  return input;
}

describe("cloud state settings: each rule names the path, the value and what is allowed", () => {
  const cases: [string, unknown, RegExp][] = [
    [
      "organization with a character HCP Terraform refuses",
      cloud({ organization: "acme.corp" }),
      /environments\.dev\.state\.organization: "acme\.corp" must be 1 to 40 letters, digits, '-' or '_'/,
    ],
    [
      "project name too short",
      cloud({ project: "ab" }),
      /environments\.dev\.state\.project: "ab" must be 3 to 40 characters long/,
    ],
    [
      "project name with a character HCP Terraform refuses",
      cloud({ project: "platform/dev" }),
      /environments\.dev\.state\.project: "platform\/dev" may hold only letters, digits, spaces, '-' and '_'/,
    ],
    [
      "hostname given as a URL",
      cloud({ hostname: "https://tfe.example.com" }),
      /environments\.dev\.state\.hostname: "https:\/\/tfe\.example\.com" must be the host name alone, without a scheme or path/,
    ],
    [
      "hostname that is not a fully qualified host",
      cloud({ hostname: "tfe_internal" }),
      /environments\.dev\.state\.hostname: "tfe_internal" must be a fully qualified host name/,
    ],
    [
      "agent execution without an agent pool",
      cloud({ executionMode: "agent" }),
      /environments\.dev\.state\.agentPool: is required with executionMode "agent": name the organization's agent pool/,
    ],
    [
      "agent pool without agent execution",
      cloud({ agentPool: "aws-agents" }),
      /environments\.dev\.state\.agentPool: "aws-agents" is only used with executionMode "agent" \(this environment uses "remote"\)/,
    ],
    [
      "auto-apply in production",
      cloud({}, { autoApply: true }),
      /environments\.prod\.state\.autoApply: true is not allowed in production: every production plan is confirmed by a person/,
    ],
    [
      "two environments creating the same HCP project",
      cloud({ project: "platform" }, {}),
      /environments\.prod\.state\.manageProject: true, but environments\.dev already creates the HCP project "app\.terraform\.io\/acme\/platform"; set this to false to share it/,
    ],
    [
      "two environments of one account creating the OIDC provider",
      (() => {
        const input = cloud({}, { project: "platform-prod" }) as ReturnType<typeof withEnv>;
        input.environments.prod.account = input.environments.dev.account;
        return input;
      })(),
      /environments\.prod\.accountSingletons\.hcpOidcProvider: "create", but environments\.dev already manages the HCP Terraform OIDC provider of account 111111111111, and AWS allows only one; set this to "reference"/,
    ],
    [
      "adopting an HCP Terraform OIDC provider by something that is not its ARN",
      (() => {
        const input = cloud({}) as ReturnType<typeof withEnv>;
        input.environments.dev.accountSingletons = {
          hcpOidcProvider: { adopt: "app.terraform.io" },
        };
        return input;
      })(),
      /environments\.dev\.accountSingletons\.hcpOidcProvider\.adopt: "app\.terraform\.io" is not an import id of the HCP Terraform OIDC provider; expected the provider's ARN/,
    ],
    [
      "webhook that is not HTTPS",
      cloud({ notifications: { webhook: { url: "http://hooks.example.com/x" } } }),
      /environments\.dev\.state\.notifications\.webhook\.url: got "http:\/\/hooks\.example\.com\/x": must be an https:\/\/ URL/,
    ],
    [
      "notification event HCP Terraform does not send",
      cloud({ notifications: { triggers: ["run:exploded" as "run:errored"] } }),
      /environments\.dev\.state\.notifications\.triggers\[0\]: got "run:exploded"/,
    ],
    [
      "the GitHub CI roles with cloud state",
      withEnv("dev", (e) => (e.state = { backend: "cloud", organization: "acme" })),
      /environments\.dev\.ci: needs S3 state/,
    ],
  ];

  it.each(cases)("%s", (_name, input, message) => {
    expect(rejection(input)).toMatch(message);
  });
});

/** The ConfigError message a construct throws; fails the test when it builds. */
function thrown(build: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(scratchApp(), "test");
  try {
    build(stack);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

const workspacesBase: HcpWorkspacesProps = {
  organization: "acme",
  hostname: "app.terraform.io",
  projectName: "platform",
  createProject: true,
  runTriggers: true,
  workspaces: [
    { id: "network", name: "platform-dev-network", reads: [] },
    { id: "data", name: "platform-dev-data", reads: ["platform-dev-network"] },
  ],
  terraformVersion: "1.13.3",
  executionMode: "remote",
  autoApply: true,
};
const workspaces = (extra: Partial<HcpWorkspacesProps>) =>
  thrown(
    (stack) => new HcpWorkspaces(stack, "ws", { ...workspacesBase, ...extra, configPath: "hcp" }),
  );

describe("HcpWorkspaces validation", () => {
  it("builds from valid inputs", () => {
    const stack = new TerraformStack(scratchApp(), "ok");
    expect(() => new HcpWorkspaces(stack, "ws", workspacesBase)).not.toThrow();
  });

  it("refuses a workspace name over HCP Terraform's 90 characters", () => {
    const long = `platform-${"x".repeat(82)}`;
    expect(long).toHaveLength(91);
    expect(workspaces({ workspaces: [{ id: "long", name: long, reads: [] }] })).toMatch(
      /hcp\.workspaces\[0\]\.name: "platform-x+\.\.\. must be 1 to 90 characters long \(HCP Terraform's limit\); it is 91/,
    );
  });

  it("refuses a workspace name with characters HCP Terraform refuses", () => {
    expect(workspaces({ workspaces: [{ id: "x", name: "platform dev", reads: [] }] })).toMatch(
      /hcp\.workspaces\[0\]\.name: "platform dev" may hold only letters, digits, '-' and '_'/,
    );
  });

  it("refuses a read of a workspace it does not manage", () => {
    expect(
      workspaces({
        workspaces: [{ id: "data", name: "platform-dev-data", reads: ["platform-dev-vpc"] }],
      }),
    ).toMatch(
      /hcp\.workspaces\[0\]\.reads\[0\]: "platform-dev-vpc" is not another workspace of this set; known: platform-dev-data/,
    );
  });

  it("refuses agent execution without a pool", () => {
    expect(workspaces({ executionMode: "agent" })).toMatch(
      /hcp\.agentPool: is required with executionMode "agent"/,
    );
  });

  it("refuses a project name HCP Terraform would reject", () => {
    expect(workspaces({ projectName: " platform" })).toMatch(
      /hcp\.projectName: " platform" may hold only letters, digits, spaces, '-' and '_', and must not start or end with a space/,
    );
  });
});

const rolesBase: HcpAwsRolesProps = {
  names: new Names({ project: "platform", environment: "dev" }),
  account: "111111111111",
  region: "ap-northeast-1",
  partition: "aws",
  hostname: "app.terraform.io",
  organization: "acme",
  project: "platform",
  workspaces: ["platform-dev-network"],
  projectPrefix: "platform-dev",
};
const roles = (extra: Partial<HcpAwsRolesProps>) =>
  thrown((stack) => new HcpAwsRoles(stack, "roles", { ...rolesBase, ...extra, configPath: "hcp" }));

describe("HcpAwsRoles validation", () => {
  it("refuses to build roles that trust no workspace", () => {
    expect(roles({ workspaces: [] })).toMatch(
      /hcp\.workspaces: is empty: the roles would trust no run/,
    );
  });

  it("refuses a token issuer that is not a host name", () => {
    expect(roles({ hostname: "app.terraform.io/" })).toMatch(
      /hcp\.hostname: "app\.terraform\.io\/" must be the host name alone/,
    );
  });

  it("refuses a project prefix that would widen the apply role's ARNs", () => {
    expect(roles({ projectPrefix: "platform-*" })).toMatch(
      /hcp\.projectPrefix: "platform-\*" may hold only letters, digits and \+ = , \. @ _ -/,
    );
  });
});
