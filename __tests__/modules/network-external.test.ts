import { describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { Network, type NetworkProps } from "../../modules/network";
import { withEnv, rejection } from "../helpers/config";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, refTo, resources, type TfJson } from "../helpers/tf";

const names = new Names({ project: "acme", environment: "test" });
const base: NetworkProps = {
  names,
  account: "123456789012",
  region: "eu-west-1",
  cidr: "10.50.0.0/16",
  azCount: 2,
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  natGateways: "none",
  interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"],
  gatewayEndpoints: ["s3"],
  flowLogs: { retentionDays: 30, trafficType: "ALL", maxAggregationInterval: 600 },
  externalNetworks: [
    {
      name: "office",
      cidrs: ["10.150.0.0/16", "172.16.8.0/24"],
      transitGatewayId: "tgw-0a1b2c3d4e5f6a7b8",
    },
    { name: "shared", cidrs: ["10.200.0.0/24"], peeringConnectionId: "pcx-0a1b2c3d4e5f6a7b8" },
  ],
};

function synth(overrides: Partial<NetworkProps> = {}): TfJson {
  return synthConstruct((stack) => new Network(stack, "net", { ...base, ...overrides }));
}

describe("Network: external networks (transit gateway, peering)", () => {
  const json = synth();

  it("attaches the VPC's private subnets to the transit gateway once", () => {
    const attachments = bodies(json, "aws_ec2_transit_gateway_vpc_attachment");
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({
      transit_gateway_id: "tgw-0a1b2c3d4e5f6a7b8",
      subnet_ids: [0, 1].map((az) =>
        refTo(json, "aws_subnet", byPath(json, "aws_subnet", `net/private-${az}`), "id"),
      ),
    });
  });

  it("routes every destination from every private route table, and nothing from the other tiers", () => {
    const privateRts = [0, 1].map((az) =>
      refTo(json, "aws_route_table", byPath(json, "aws_route_table", `net/rt-private-${az}`), "id"),
    );
    const external = bodies(json, "aws_route").filter(
      (r) => r.destination_cidr_block !== "0.0.0.0/0",
    );
    expect(external).toHaveLength(6);
    for (const rt of privateRts) {
      const mine = external.filter((r) => r.route_table_id === rt);
      expect(mine.map((r) => r.destination_cidr_block).sort()).toEqual([
        "10.150.0.0/16",
        "10.200.0.0/24",
        "172.16.8.0/24",
      ]);
      expect(mine.find((r) => r.destination_cidr_block === "10.200.0.0/24")).toMatchObject({
        vpc_peering_connection_id: "pcx-0a1b2c3d4e5f6a7b8",
      });
      const viaTgw = mine.find((r) => r.destination_cidr_block === "10.150.0.0/16");
      expect(viaTgw).toMatchObject({ transit_gateway_id: "tgw-0a1b2c3d4e5f6a7b8" });
      expect(viaTgw?.depends_on).toEqual([
        expect.stringContaining("aws_ec2_transit_gateway_vpc_attachment."),
      ]);
    }
  });

  it("creates nothing without external networks", () => {
    const none = synth({ externalNetworks: [] });
    expect(resources(none, "aws_ec2_transit_gateway_vpc_attachment")).toHaveLength(0);
    expect(bodies(none, "aws_route").every((r) => r.destination_cidr_block === "0.0.0.0/0")).toBe(
      true,
    );
  });
});

describe("Network: external network rules", () => {
  const net =
    (edit: (n: NonNullable<NetworkProps["externalNetworks"]>[number]) => object) => (): TfJson =>
      synth({
        configPath: "env.network",
        externalNetworks: [
          edit({
            name: "office",
            cidrs: ["10.150.0.0/16"],
            transitGatewayId: "tgw-0a1b2c3d4e5f6a7b8",
          }) as never,
        ],
      });

  it("refuses a VPC CIDR that overlaps an external network", () => {
    expect(net((n) => ({ ...n, cidrs: ["10.50.128.0/20"] }))).toThrow(
      'env.network.cidr: "10.50.0.0/16" overlaps externalNetworks[0] ("office") 10.50.128.0/20',
    );
  });

  it("needs exactly one of a transit gateway or a peering connection", () => {
    expect(net((n) => ({ ...n, peeringConnectionId: "pcx-0a1b2c3d4e5f6a7b8" }))).toThrow(
      'env.network.externalNetworks[0]: "office" needs exactly one of transitGatewayId (tgw-...) or peeringConnectionId (pcx-...)',
    );
  });

  it("checks the id shapes", () => {
    expect(net((n) => ({ ...n, transitGatewayId: "tgw-xyz" }))).toThrow(
      'env.network.externalNetworks[0].transitGatewayId: "tgw-xyz" is not a transit gateway id',
    );
    expect(
      net((n) => ({ name: n.name, cidrs: n.cidrs, peeringConnectionId: "vpc-0a1b2c3d4e5f6a7b8" })),
    ).toThrow(
      'env.network.externalNetworks[0].peeringConnectionId: "vpc-0a1b2c3d4e5f6a7b8" is not a peering connection id',
    );
  });

  it("refuses invalid, catch-all and overlapping destinations", () => {
    expect(net((n) => ({ ...n, cidrs: ["10.150.0.1/16"] }))).toThrow(
      'env.network.externalNetworks[0].cidrs[0]: "10.150.0.1/16" is not a valid IPv4 CIDR (host bits are set',
    );
    expect(net((n) => ({ ...n, cidrs: ["0.0.0.0/0"] }))).toThrow(
      'env.network.externalNetworks[0].cidrs[0]: "0.0.0.0/0" would send all traffic out',
    );
    expect(net((n) => ({ ...n, cidrs: ["10.150.0.0/16", "10.150.4.0/24"] }))).toThrow(
      'env.network.externalNetworks[0].cidrs[1]: "10.150.4.0/24" overlaps 10.150.0.0/16 of externalNetworks[0]',
    );
  });

  it("refuses a bad or duplicate name", () => {
    expect(net((n) => ({ ...n, name: "Office" }))).toThrow(
      'env.network.externalNetworks[0].name: "Office" is not a valid name',
    );
  });

  it("applies to the shipped configuration too", () => {
    expect(
      rejection(
        withEnv("dev", (e) => {
          e.network.externalNetworks = [
            { name: "agents", cidrs: ["10.10.0.0/24"], transitGatewayId: "tgw-0123456789abcdef0" },
          ];
        }),
      ),
    ).toMatch(
      /environments\.dev\.network\.cidr: "10\.10\.0\.0\/16" overlaps externalNetworks\[0\] \("agents"\) 10\.10\.0\.0\/24/,
    );
  });
});
