import { describe, expect, it } from "vitest";
import { loadConfig, type EnvironmentInput } from "../../config";
import { PRICES, USAGE } from "../../config/prices";
import { estimateStacks, type CostStackJson } from "../../lib/cost/estimate";
import { estimateEnvironments, formatCost, type SynthesizedStack } from "../../lib/cost/report";
import { environmentOf } from "../../scripts/cost";
import { withEnv } from "../helpers/config";
import { synthNatlessDev, synthPlatform, synthShipped } from "../helpers/synth";
import type { TfJson } from "../helpers/tf";

const tokyo = PRICES["ap-northeast-1"];
const H = tokyo.hoursPerMonth;
const config = loadConfig();
const shipped: SynthesizedStack[] = Object.entries(synthShipped().stacks).map(([stack, json]) => ({
  stack,
  json: json,
}));
const costs = estimateEnvironments(shipped, environmentOf(config));
const lines = costs.flatMap((c) => c.lines);
const cents = (n: number) => Math.round(n * 100) / 100;
const one = (json: CostStackJson) => estimateStacks([{ stack: "s", json }], tokyo, USAGE);

describe("monthly cost of the shipped environments", () => {
  it("prices every environment, with every stack listed and no unpriced resource", () => {
    expect(costs.map((c) => c.environment).sort()).toEqual(Object.keys(config.environments).sort());
    expect(costs.flatMap((c) => c.byStack.map((s) => s.stack)).sort()).toEqual(
      shipped.map((s) => s.stack).sort(),
    );
    expect(costs.flatMap((c) => c.unpriced)).toEqual([]);
    for (const c of costs) {
      expect(c.monthly).toBe(cents(c.byStack.reduce((n, s) => n + s.monthly, 0)));
    }
  });

  it.each([
    "aws_nat_gateway",
    "aws_eip",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_lb",
    "aws_ecs_service",
    "aws_autoscaling_group",
    "aws_instance",
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_dashboard",
    "aws_kms_key",
    "aws_wafv2_web_acl",
    "aws_config_configuration_recorder",
    "aws_guardduty_detector",
  ])("has one priced line per %s in the synthesized output", (type) => {
    const count = shipped.reduce(
      (n, s) => n + Object.keys(s.json.resource?.[type] ?? {}).length,
      0,
    );
    expect(lines.filter((l) => l.address.startsWith(`${type}.`) && l.monthly > 0)).toHaveLength(
      count,
    );
  });

  it("prices interface endpoints per AZ and NAT gateways with their assumed data", () => {
    const endpoint = lines.find((l) => l.address.includes("interface-ecr-api"));
    expect(endpoint?.detail).toMatch(/^interface endpoint in 3 AZ\(s\)/);
    expect(endpoint?.monthly).toBe(cents(3 * 0.014 * H + USAGE.endpointGbPerEndpoint * 0.01));
    const nat = lines.find((l) => l.address.startsWith("aws_nat_gateway."));
    expect(nat?.monthly).toBe(cents(0.062 * H + USAGE.natGbPerGateway * 0.062));
    expect(nat?.assumed).toBe(true);
  });

  it("prints a total per environment and a row per stack", () => {
    const text = formatCost(costs);
    expect(text).toMatch(
      /^estimated monthly cost, USD \(on-demand ap-northeast-1 prices of \d{4}-\d{2}/,
    );
    for (const c of costs) {
      expect(text).toMatch(
        new RegExp(`^  ${c.environment} total\\s+${c.monthly.toFixed(2)}$`, "m"),
      );
    }
    expect(formatCost(costs, true)).toMatch(/^\s+\d+\.\d{2} {2}aws_lb\.alb_\w+: ALB 730 h/m);
  });
});

describe("dev's network design, decided by the estimate", () => {
  /** The cost of dev's network stack in `stacks`. */
  const devNetworkOf = (stacks: Record<string, TfJson>): number => {
    const [env] = estimateEnvironments(
      [
        {
          stack: "platform-dev-network",
          json: stacks["platform-dev-network"],
        },
      ],
      () => "dev",
    );
    return env.monthly;
  };
  /** dev's network stack cost with `edit` applied to dev (prod left out). */
  const devNetwork = (edit: (e: EnvironmentInput) => void): number =>
    devNetworkOf(synthPlatform(withEnv("dev", edit), { environments: ["dev"] }).stacks);
  // Without NAT gateways, through the seven interface endpoints (shared with the log router's test).
  const endpointsOnly = devNetworkOf(synthNatlessDev().stacks);
  // dev as shipped: the shipped synth this file already has.
  const single = devNetworkOf(synthShipped().stacks);
  const twoNats = devNetwork((e) => Object.assign(e.network, { natGateways: "per-az" }));

  it("ships one NAT gateway: cheaper than 7 interface endpoints in 2 AZs and than a NAT per AZ", () => {
    expect(config.environments.dev.network.natGateways).toBe("single");
    expect(config.environments.dev.network.interfaceEndpoints).toEqual([]);
    expect(single).toBeLessThan(twoNats);
    expect(single).toBeLessThan(endpointsOnly);
  });

  it("corrects the old claim: 7 endpoints x 2 AZs cost more than two NAT gateways", () => {
    expect(endpointsOnly).toBeGreaterThan(twoNats);
    // Whatever else the network stack holds is common to both options.
    const endpoint = cents(2 * 0.014 * H + USAGE.endpointGbPerEndpoint * 0.01);
    const nat = cents(0.062 * H + USAGE.natGbPerGateway * 0.062) + cents(0.005 * H);
    expect(cents(endpointsOnly - twoNats)).toBe(cents(7 * endpoint - 2 * nat));
  });
});

describe("pricing rules on synthesized shapes", () => {
  const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

  it("splits Fargate tasks beyond the base by weight between on-demand and Spot", () => {
    const {
      lines: [line],
    } = one({
      resource: {
        aws_ecs_task_definition: { t: { cpu: "1024", memory: "2048" } },
        aws_ecs_service: {
          s: {
            desired_count: 1,
            task_definition: ref("aws_ecs_task_definition", "t", "arn"),
            capacity_provider_strategy: [
              { capacity_provider: "FARGATE", base: 1, weight: 1 },
              { capacity_provider: "FARGATE_SPOT", weight: 1 },
            ],
          },
        },
        aws_appautoscaling_target: {
          a: { min_capacity: 3, resource_id: `service/c/${ref("aws_ecs_service", "s", "name")}` },
        },
      },
    });
    const perTask = (0.05056 + 2 * 0.00553) * H;
    // 3 tasks: 1 on the base, 2 split 1:1, so 2 on-demand and 1 on Spot.
    expect(line.monthly).toBe(cents(2 * perTask + perTask * (1 - USAGE.fargateSpotDiscount)));
    expect(line.detail).toBe("Fargate 3 task(s) x 1 vCPU/2 GB X86_64, 1 on Spot at -70%");
  });

  it("lists an instance type without a price as unpriced instead of counting it as zero", () => {
    const estimate = one({ resource: { aws_instance: { i: { instance_type: "x9.huge" } } } });
    expect(estimate.lines).toEqual([]);
    expect(estimate.unpriced).toEqual([
      { stack: "s", address: "aws_instance.i", reason: "instance type x9.huge has no price" },
    ]);
  });

  it("prices ElastiCache nodes, CloudFront usage, trails and budgets beyond the free ones", () => {
    const estimate = one({
      resource: {
        aws_elasticache_replication_group: {
          r: { node_type: "cache.t4g.small", num_cache_clusters: 2 },
        },
        aws_cloudfront_distribution: { d: {} },
        aws_cloudtrail: { t: {} },
        aws_budgets_budget: { a: {}, b: {}, c: {} },
        aws_elasticache_serverless_cache: { v: {} },
      },
    });
    const by = Object.fromEntries(estimate.lines.map((l) => [l.address, l.monthly]));
    expect(by["aws_elasticache_replication_group.r"]).toBe(cents(2 * 0.049 * H));
    expect(by["aws_cloudfront_distribution.d"]).toBe(
      cents(USAGE.cloudFront.gb * 0.114 + USAGE.cloudFront.millionRequests * 100 * 0.012),
    );
    expect(by["aws_cloudtrail.t"]).toBe(0);
    expect([by["aws_budgets_budget.a"], by["aws_budgets_budget.b"]]).toEqual([0, 0]);
    expect(by["aws_budgets_budget.c"]).toBe(cents(0.02 * (365 / 12)));
    expect(estimate.unpriced.map((u) => u.address)).toEqual(["aws_elasticache_serverless_cache.v"]);
  });

  it("prices RDS Multi-AZ as two copies and Aurora Serverless v2 at its minimum ACUs", () => {
    const estimate = one({
      resource: {
        aws_db_instance: {
          d: {
            engine: "postgres",
            instance_class: "db.t4g.micro",
            allocated_storage: 20,
            storage_type: "gp3",
            multi_az: true,
          },
        },
        aws_rds_cluster: { c: { serverlessv2_scaling_configuration: { min_capacity: 1 } } },
        aws_rds_cluster_instance: {
          i: {
            instance_class: "db.serverless",
            cluster_identifier: ref("aws_rds_cluster", "c", "id"),
          },
        },
      },
    });
    const by = Object.fromEntries(estimate.lines.map((l) => [l.address, l.monthly]));
    expect(by["aws_db_instance.d"]).toBe(cents(2 * (0.025 * H + 20 * 0.138)));
    expect(by["aws_rds_cluster_instance.i"]).toBe(cents(0.15 * H));
  });

  it("refuses a region without a price table, naming the file to extend", () => {
    expect(() =>
      estimateEnvironments(
        [{ stack: "x-dev-network", json: { provider: { aws: [{ region: "eu-west-9" }] } } }],
        () => "dev",
      ),
    ).toThrow(
      'no price table for environment dev (region ["eu-west-9"]); add one to config/prices.ts (tables: ap-northeast-1)',
    );
  });
});
