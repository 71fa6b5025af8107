import { describe, expect, it } from "vitest";
import { loadConfig, selectEnvironments } from "../../config";
import { fixtureInput } from "../fixtures/config";
import { shippedInput, withEnv, rejection } from "../helpers/config";

describe("shipped configuration", () => {
  it("validates and fills in defaults", () => {
    const config = loadConfig();
    // Another environment (npm run new-env) may sit beside the two shipped ones.
    expect(Object.keys(config.environments).slice(0, 2)).toEqual(["dev", "prod"]);
    expect(config.project).toBe("platform");
    expect(config.environments.dev.network.gatewayEndpoints).toEqual(["s3"]);
    expect(config.environments.dev.network.flowLogs).toMatchObject({
      enabled: true,
      retentionDays: 7,
    });
    expect(config.environments.prod.network.flowLogs).toMatchObject({
      enabled: true,
      trafficType: "ALL",
    });
  });

  it("ships dev as 2 AZs with one NAT and prod as 3 AZs with a NAT per AZ, in ap-northeast-1", () => {
    const { dev, prod } = loadConfig().environments;
    expect([dev.region, prod.region]).toEqual(["ap-northeast-1", "ap-northeast-1"]);
    expect([dev.network.azCount, dev.network.natGateways]).toEqual([2, "single"]);
    expect([prod.network.azCount, prod.network.natGateways]).toEqual([3, "per-az"]);
  });
});

describe("validation rules: each names the path, the value and what is allowed", () => {
  const cases: [string, unknown, RegExp][] = [
    [
      "VPC CIDR that is not a CIDR",
      withEnv("dev", (e) => (e.network.cidr = "10.10.0.0")),
      /environments\.dev\.network\.cidr: "10\.10\.0\.0" is not a valid IPv4 CIDR \(not in a\.b\.c\.d\/n form\)/,
    ],
    [
      "VPC CIDR with host bits set",
      withEnv("dev", (e) => (e.network.cidr = "10.10.3.0/16")),
      /environments\.dev\.network\.cidr: "10\.10\.3\.0\/16" .*host bits are set \(the network address is 10\.10\.0\.0\/16\)/,
    ],
    [
      "VPC CIDR larger than /16",
      withEnv("prod", (e) => (e.network.cidr = "10.0.0.0/8")),
      /environments\.prod\.network\.cidr: "10\.0\.0\.0\/8" has prefix \/8; AWS allows \/16 to \/28/,
    ],
    [
      "VPC CIDR too small for the subnet layout",
      withEnv("dev", (e) => (e.network.cidr = "10.10.0.0/26")),
      /environments\.dev\.network\.cidr: "10\.10\.0\.0\/26" holds 64 addresses but 4 AZ slots of private \/28, public \/28, isolated \/28 need 192/,
    ],
    [
      "AZ count below 2",
      withEnv("dev", (e) => (e.network.azCount = 1)),
      /environments\.dev\.network\.azCount: 1 is not allowed; use 2 to 3 AZs/,
    ],
    [
      "AZ count above what the region has",
      withEnv("prod", (e) => (e.network.azCount = 7)),
      /environments\.prod\.network\.azCount: 7 is more AZs than ap-northeast-1 offers: it has 3/,
    ],
    [
      "invalid NAT strategy",
      withEnv("prod", (e) => ((e.network as { natGateways: string }).natGateways = "one-per-az")),
      /environments\.prod\.network\.natGateways: got "one-per-az": Invalid option: expected one of "none"\|"single"\|"per-az"/,
    ],
    [
      "interface endpoint that is not a known service, with a hint",
      withEnv("dev", (e) => (e.network.interfaceEndpoints = ["ecr.api", "ecr-dkr", "logs"])),
      /environments\.dev\.network\.interfaceEndpoints\[1\]: "ecr-dkr" is not a known interface endpoint service \(did you mean "ecr\.dkr"\?\); allowed: .*secretsmanager/,
    ],
    [
      "s3 as an interface endpoint points at the gateway endpoint",
      withEnv("prod", (e) => e.network.interfaceEndpoints?.push("s3")),
      /environments\.prod\.network\.interfaceEndpoints\[7\]: "s3" is not a known interface endpoint service; S3 is served by the free gateway endpoint/,
    ],
    [
      "interface endpoint listed twice",
      withEnv("prod", (e) => e.network.interfaceEndpoints?.push("logs")),
      /environments\.prod\.network\.interfaceEndpoints\[7\]: "logs" is listed twice/,
    ],
    [
      "no NAT and no way for Fargate to pull images",
      withEnv("dev", (e) =>
        Object.assign(e.network, { natGateways: "none", interfaceEndpoints: ["logs"] }),
      ),
      /environments\.dev\.network\.interfaceEndpoints: \["logs"\] is not enough with natGateways "none".*\(missing: ecr\.api, ecr\.dkr\)/,
    ],
    [
      "no NAT and no S3 gateway endpoint",
      withEnv("dev", (e) =>
        Object.assign(e.network, {
          natGateways: "none",
          interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"],
          gatewayEndpoints: ["dynamodb"],
        }),
      ),
      /environments\.dev\.network\.interfaceEndpoints: .*\(missing: the s3 gateway endpoint\)/,
    ],
    [
      "explicit subnets overlapping another tier",
      withEnv(
        "dev",
        (e) => (e.network.subnets = { isolated: { cidrs: ["10.10.0.0/24", "10.10.200.0/24"] } }),
      ),
      /environments\.dev\.network\.subnets\.isolated\.cidrs\[0\]: 10\.10\.0\.0\/24 \(isolated, AZ 0\) overlaps 10\.10\.0\.0\/20 \(private, AZ 0\); subnets must not overlap/,
    ],
    [
      "explicit subnets overlapping each other",
      withEnv(
        "dev",
        (e) =>
          (e.network.subnets = { isolated: { cidrs: ["10.10.200.0/24", "10.10.200.128/25"] } }),
      ),
      /environments\.dev\.network\.subnets\.isolated\.cidrs\[1\]: 10\.10\.200\.128\/25 \(isolated, AZ 1\) overlaps 10\.10\.200\.0\/24 \(isolated, AZ 0\)/,
    ],
    [
      "explicit subnet outside the VPC",
      withEnv(
        "dev",
        (e) => (e.network.subnets = { public: { cidrs: ["10.10.200.0/24", "10.99.0.0/24"] } }),
      ),
      /environments\.dev\.network\.subnets\.public\.cidrs\[1\]: "10\.99\.0\.0\/24" is outside the VPC CIDR 10\.10\.0\.0\/16/,
    ],
    [
      "explicit subnets not one per AZ",
      withEnv("prod", (e) => (e.network.subnets = { public: { cidrs: ["10.20.200.0/24"] } })),
      /environments\.prod\.network\.subnets\.public\.cidrs: has 1 entries; give exactly one CIDR per AZ \(3\)/,
    ],
    [
      "subnet mask out of range",
      withEnv("dev", (e) => (e.network.subnets = { private: { mask: 30 } })),
      /environments\.dev\.network\.subnets\.private\.mask: 30 is not allowed; a subnet mask must be a whole number from \/16 \(the VPC prefix\) to \/28/,
    ],
    [
      "AZ of another region",
      withEnv("dev", (e) => (e.network.availabilityZones = ["ap-northeast-1a", "us-east-1a"])),
      /environments\.dev\.network\.availabilityZones\[1\]: "us-east-1a" is not an AZ of ap-northeast-1/,
    ],
    [
      "AZ listed twice",
      withEnv("dev", (e) => (e.network.availabilityZones = ["ap-northeast-1a", "ap-northeast-1a"])),
      /environments\.dev\.network\.availabilityZones\[1\]: "ap-northeast-1a" is listed twice/,
    ],
    [
      "AZ list not matching azCount",
      withEnv(
        "prod",
        (e) => (e.network.availabilityZones = ["ap-northeast-1a", "ap-northeast-1c"]),
      ),
      /environments\.prod\.network\.availabilityZones: lists 2 AZs but azCount is 3/,
    ],
    [
      "misspelt key",
      withEnv("dev", (e) => Object.assign(e.network, { natGateway: "single" })),
      /environments\.dev\.network\.natGateway: "natGateway" is not a setting here; did you mean "natGateways"\? Settings here: cidr, azCount, .* \(a misspelt or misplaced setting is never ignored\)/,
    ],
    [
      "account id that is not 12 digits",
      withEnv("prod", (e) => (e.account = "2222")),
      /environments\.prod\.account: got "2222": must be a 12-digit AWS account id/,
    ],
    [
      "region that is not a region code",
      withEnv("prod", (e) => (e.region = "tokyo")),
      /environments\.prod\.region: "tokyo" is not an AWS region code such as ap-northeast-1/,
    ],
    [
      "environment name not matching its key",
      withEnv("dev", (e) => (e.name = "development")),
      /environments\.dev\.name: got "development": an environment name must be 1-10 characters/,
    ],
    [
      "environment key and name disagreeing",
      withEnv("dev", (e) => (e.name = "qa")),
      /environments\.dev\.name: "qa" must equal its key "dev"/,
    ],
    [
      "state bucket name S3 rejects",
      withEnv("dev", (e) => {
        if (e.state.backend === "s3") e.state.bucket = "Platform_State";
      }),
      /environments\.dev\.state\.bucket: "Platform_State" S3 bucket name may hold only lower-case letters/,
    ],
    [
      "two environments bootstrapping the same bucket",
      (() => {
        const input = shippedInput();
        const [dev, prod] = [input.environments.dev.state, input.environments.prod.state];
        if (dev.backend === "s3" && prod.backend === "s3") prod.bucket = dev.bucket;
        return input;
      })(),
      /environments\.prod\.state\.bucket: "platform-tfstate-111111111111-ap-northeast-1" is already created by the bootstrap stack of environments\.dev; set environments\.prod\.state\.bootstrap to false/,
    ],
    [
      "unknown state backend",
      withEnv("dev", (e) => Object.assign(e, { state: { backend: "gcs", bucket: "x" } })),
      /environments\.dev\.state\.backend: "gcs" is not allowed; backend must be one of "s3", "cloud"/,
    ],
    [
      "log retention CloudWatch does not accept",
      withEnv("prod", (e) => (e.network.flowLogs = { retentionDays: 100 })),
      /environments\.prod\.network\.flowLogs\.retentionDays: 100 must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7/,
    ],
    [
      "HCP Terraform organization with invalid characters",
      withEnv("prod", (e) => (e.state = { backend: "cloud", organization: "acme corp" })),
      /environments\.prod\.state\.organization: "acme corp" must be 1 to 40 letters, digits, '-' or '_' \(an HCP Terraform organization name\)/,
    ],
  ];

  it.each(cases)("%s", (_name, input, message) => {
    expect(rejection(input)).toMatch(message);
  });

  it("reports several problems in one error, one line each", () => {
    const input = withEnv("dev", (e) => {
      e.account = "1";
      e.network.natGateways = "two" as never;
    });
    const message = rejection(input);
    expect(message).toMatch(/^Invalid configuration \(2 problems\):/);
    expect(message).toContain("\n  environments.dev.account: ");
    expect(message).toContain("\n  environments.dev.network.natGateways: ");
  });
});

describe("environment selection", () => {
  const config = loadConfig(fixtureInput());

  it("selects the listed environments in the given order", () => {
    expect(selectEnvironments(config, "live").map((e) => e.name)).toEqual(["live"]);
    expect(selectEnvironments(config, " live , sandbox ").map((e) => e.name)).toEqual([
      "live",
      "sandbox",
    ]);
    expect(selectEnvironments(config, undefined).map((e) => e.name)).toEqual(["sandbox", "live"]);
  });

  it("rejects an unknown environment and lists the known ones", () => {
    expect(() => selectEnvironments(config, "sandbox,staging")).toThrow(
      'Invalid configuration: PLATFORM_ENVIRONMENTS: "staging" names no configured environment; known: sandbox, live',
    );
  });
});
