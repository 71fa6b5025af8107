import { describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { Network, type NetworkProps } from "../../modules/network";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, only, refTo, resources, type Block, type TfJson } from "../helpers/tf";

const names = new Names({ project: "acme", environment: "test" });
const base: NetworkProps = {
  names,
  account: "123456789012",
  region: "eu-west-1",
  cidr: "10.50.0.0/16",
  azCount: 3,
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  natGateways: "per-az",
  interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"],
  gatewayEndpoints: ["s3"],
  flowLogs: { retentionDays: 30, trafficType: "ALL", maxAggregationInterval: 600 },
};

function synth(overrides: Partial<NetworkProps> = {}): TfJson {
  return synthConstruct((stack) => new Network(stack, "net", { ...base, ...overrides }));
}

const byNat = new Map<NetworkProps["natGateways"], TfJson>();
/** The base props with `natGateways`, synthesized once: several tests read the same JSON. */
function synthNat(natGateways: NetworkProps["natGateways"] = base.natGateways): TfJson {
  let json = byNat.get(natGateways);
  if (json === undefined) {
    json = synth({ natGateways });
    byNat.set(natGateways, json);
  }
  return json;
}

const subnet = (json: TfJson, tier: string, az: number) =>
  byPath(json, "aws_subnet", `net/${tier}-${az}`);
const routeTable = (json: TfJson, id: string) => byPath(json, "aws_route_table", `net/rt-${id}`);
const routesOf = (json: TfJson, rt: Block) =>
  bodies(json, "aws_route").filter(
    (r) => r.route_table_id === refTo(json, "aws_route_table", rt, "id"),
  );

describe("Network: VPC and subnets", () => {
  const json = synthNat();

  it("creates a VPC with DNS support and hostnames (needed by endpoint private DNS)", () => {
    expect(only(json, "aws_vpc")).toMatchObject({
      cidr_block: "10.50.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "acme-test-vpc" },
    });
  });

  it("creates one subnet per tier per AZ with the carved CIDRs, pinned AZs and no public IPs", () => {
    expect(bodies(json, "aws_subnet")).toHaveLength(9);
    const expected: Record<string, string[]> = {
      private: ["10.50.0.0/20", "10.50.16.0/20", "10.50.32.0/20"],
      public: ["10.50.64.0/24", "10.50.65.0/24", "10.50.66.0/24"],
      isolated: ["10.50.68.0/24", "10.50.69.0/24", "10.50.70.0/24"],
    };
    for (const [tier, cidrs] of Object.entries(expected)) {
      cidrs.forEach((cidr, az) => {
        expect(subnet(json, tier, az)).toMatchObject({
          cidr_block: cidr,
          availability_zone: base.availabilityZones?.[az],
          map_public_ip_on_launch: false,
          tags: { Tier: tier, Name: `acme-test-${tier}-${az}` },
        });
      });
    }
  });

  it("looks AZs up at plan time when they are not pinned", () => {
    const unpinned = synth({ availabilityZones: undefined });
    const azs = Object.entries(unpinned.data?.aws_availability_zones ?? {});
    expect(azs).toHaveLength(1);
    const [name, body] = azs[0];
    expect(body).toMatchObject({
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    expect(subnet(unpinned, "private", 2).availability_zone).toBe(
      `\${element(data.aws_availability_zones.${name}.names, 2)}`,
    );
  });

  it("manages the default security group with no rules at all", () => {
    const sg = only(json, "aws_default_security_group");
    expect(sg.vpc_id).toBe(refTo(json, "aws_vpc", only(json, "aws_vpc"), "id"));
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  it("puts the DB subnet group on the isolated subnets only", () => {
    const group = only(json, "aws_db_subnet_group");
    expect(group.name).toBe("acme-test-isolated");
    expect(group.subnet_ids).toEqual(
      [0, 1, 2].map((az) => refTo(json, "aws_subnet", subnet(json, "isolated", az), "id")),
    );
  });
});

describe("Network: routing per NAT strategy", () => {
  it("routes the public tier to the internet gateway", () => {
    const json = synthNat();
    const igw = only(json, "aws_internet_gateway");
    const routes = routesOf(json, routeTable(json, "public"));
    expect(routes).toEqual([
      expect.objectContaining({
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: refTo(json, "aws_internet_gateway", igw, "id"),
      }),
    ]);
    const publicAssociations = bodies(json, "aws_route_table_association").filter(
      (a) => a.route_table_id === refTo(json, "aws_route_table", routeTable(json, "public"), "id"),
    );
    expect(publicAssociations.map((a) => a.subnet_id)).toEqual(
      [0, 1, 2].map((az) => refTo(json, "aws_subnet", subnet(json, "public", az), "id")),
    );
  });

  it("per-az: one NAT with an EIP in each public subnet, each private AZ routed to its own NAT", () => {
    const json = synthNat("per-az");
    expect(bodies(json, "aws_eip")).toHaveLength(3);
    expect(bodies(json, "aws_eip").every((e) => e.domain === "vpc")).toBe(true);
    [0, 1, 2].forEach((az) => {
      const nat = byPath(json, "aws_nat_gateway", `net/nat-${az}`);
      expect(nat.subnet_id).toBe(refTo(json, "aws_subnet", subnet(json, "public", az), "id"));
      expect(nat.allocation_id).toBe(
        refTo(json, "aws_eip", byPath(json, "aws_eip", `net/nat-eip-${az}`), "allocation_id"),
      );
      expect(routesOf(json, routeTable(json, `private-${az}`))).toEqual([
        expect.objectContaining({
          destination_cidr_block: "0.0.0.0/0",
          nat_gateway_id: refTo(json, "aws_nat_gateway", nat, "id"),
        }),
      ]);
    });
  });

  it("single: one NAT in the first public subnet shared by every private AZ", () => {
    const json = synthNat("single");
    const nat = only(json, "aws_nat_gateway");
    expect(nat.subnet_id).toBe(refTo(json, "aws_subnet", subnet(json, "public", 0), "id"));
    [0, 1, 2].forEach((az) => {
      expect(
        routesOf(json, routeTable(json, `private-${az}`)).map((r) => r.nat_gateway_id),
      ).toEqual([refTo(json, "aws_nat_gateway", nat, "id")]);
    });
  });

  it("none: no NAT, no EIP and no default route from private subnets", () => {
    const json = synthNat("none");
    expect(bodies(json, "aws_nat_gateway")).toHaveLength(0);
    expect(bodies(json, "aws_eip")).toHaveLength(0);
    [0, 1, 2].forEach((az) => {
      expect(routesOf(json, routeTable(json, `private-${az}`))).toEqual([]);
    });
    expect(bodies(json, "aws_route")).toHaveLength(1); // the public one
  });

  it.each(["none", "single", "per-az"] as const)(
    "%s: the isolated tier never has a route out",
    (natGateways) => {
      const json = synthNat(natGateways);
      expect(routesOf(json, routeTable(json, "isolated"))).toEqual([]);
      // Still one private route table per AZ, so changing strategy never re-associates subnets.
      expect(bodies(json, "aws_route_table")).toHaveLength(5);
    },
  );
});

describe("Network: endpoints", () => {
  const json = synthNat();
  const vpcId = refTo(json, "aws_vpc", only(json, "aws_vpc"), "id");
  const endpoints = bodies(json, "aws_vpc_endpoint");

  it("attaches the S3 gateway endpoint to the private and isolated route tables only", () => {
    const s3 = endpoints.find((e) => e.service_name === "com.amazonaws.eu-west-1.s3");
    expect(s3).toMatchObject({ vpc_endpoint_type: "Gateway", vpc_id: vpcId });
    const rt = (id: string) => refTo(json, "aws_route_table", routeTable(json, id), "id");
    expect(s3?.route_table_ids).toEqual([
      rt("private-0"),
      rt("private-1"),
      rt("private-2"),
      rt("isolated"),
    ]);
  });

  it("creates each configured interface endpoint with private DNS in every private subnet", () => {
    const sg = refTo(json, "aws_security_group", only(json, "aws_security_group"), "id");
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => e.service_name)).toEqual(
      ["ecr.api", "ecr.dkr", "logs"].map((s) => `com.amazonaws.eu-west-1.${s}`),
    );
    for (const e of interfaces) {
      expect(e).toMatchObject({
        private_dns_enabled: true,
        security_group_ids: [sg],
        vpc_id: vpcId,
      });
      expect(e.subnet_ids).toEqual(
        [0, 1, 2].map((az) => refTo(json, "aws_subnet", subnet(json, "private", az), "id")),
      );
    }
  });

  it("lets only HTTPS from the VPC CIDR reach the endpoints, with no egress", () => {
    const sg = only(json, "aws_security_group");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    expect(bodies(json, "aws_vpc_security_group_egress_rule")).toHaveLength(0);
    expect(bodies(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({
        security_group_id: refTo(json, "aws_security_group", sg, "id"),
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "10.50.0.0/16",
      }),
    ]);
  });

  it("creates no interface endpoint when none is configured, but keeps the S3 gateway", () => {
    const bare = synth({ interfaceEndpoints: [] });
    expect(bodies(bare, "aws_vpc_endpoint").map((e) => e.vpc_endpoint_type)).toEqual(["Gateway"]);
  });
});

describe("Network: flow logs", () => {
  const json = synth({
    flowLogs: { retentionDays: 14, trafficType: "REJECT", maxAggregationInterval: 60 },
  });

  it("sends VPC flow logs to a log group with retention", () => {
    const group = only(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/acme/test/vpc/flow-logs", retention_in_days: 14 });
    expect(only(json, "aws_flow_log")).toMatchObject({
      vpc_id: refTo(json, "aws_vpc", only(json, "aws_vpc"), "id"),
      traffic_type: "REJECT",
      max_aggregation_interval: 60,
      log_destination_type: "cloud-watch-logs",
      log_destination: refTo(json, "aws_cloudwatch_log_group", group, "arn"),
      iam_role_arn: refTo(json, "aws_iam_role", only(json, "aws_iam_role"), "arn"),
    });
  });

  it("uses a role only this account's flow logs service can assume, writing only to its group", () => {
    const docs = json.data?.aws_iam_policy_document ?? {};
    const trust = Object.entries(docs).find(([k]) => k.includes("trust"))?.[1];
    expect(trust?.statement).toEqual([
      expect.objectContaining({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
        condition: expect.arrayContaining([
          { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
        ]) as unknown,
      }),
    ]);
    const write = Object.entries(docs).find(([k]) => k.includes("write"))?.[1];
    const group = refTo(
      json,
      "aws_cloudwatch_log_group",
      only(json, "aws_cloudwatch_log_group"),
      "arn",
    );
    expect(write?.statement).toEqual([expect.objectContaining({ resources: [`${group}:*`] })]);
  });

  it("defaults to all traffic, 30 days and 600 s windows", () => {
    const defaults = synthNat();
    expect(only(defaults, "aws_cloudwatch_log_group").retention_in_days).toBe(30);
    expect(only(defaults, "aws_flow_log")).toMatchObject({
      traffic_type: "ALL",
      max_aggregation_interval: 600,
    });
  });

  it("can be turned off explicitly", () => {
    const off = synth({ flowLogs: false });
    expect(resources(off, "aws_flow_log")).toHaveLength(0);
    expect(resources(off, "aws_iam_role")).toHaveLength(0);
  });
});

describe("Network: validates its own props", () => {
  it("names the config path it was given", () => {
    expect(() => synth({ cidr: "10.50.0.0/15", configPath: "environments.qa.network" })).toThrow(
      'Invalid configuration: environments.qa.network.cidr: "10.50.0.0/15" has prefix /15; AWS allows /16 to /28',
    );
  });

  it("falls back to the construct path", () => {
    expect(() => synth({ azCount: 1 })).toThrow(
      "Invalid configuration: test/net.azCount: 1 is not allowed; use 2 to 3 AZs (one subnet per AZ in every tier; the load balancers need two AZs)",
    );
  });

  it("rejects an unknown NAT strategy from untyped callers", () => {
    expect(() => synth({ natGateways: "two" as never })).toThrow(
      'test/net.natGateways: "two" is not a NAT strategy; allowed: "none", "single", "per-az"',
    );
  });
});
