import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { DCV_API_ENDPOINTS, FARGATE_API_ENDPOINTS } from "../../lib/api-egress";
import { FIXTURE, fixtureInput } from "../fixtures/config";
import { synthFixture } from "../fixtures/synth";
import { fixtureWith, rejection } from "../helpers/config";
import { synthPlatform, synthShipped, type SharedSynth } from "../helpers/synth";
import { resources, type Block } from "../helpers/tf";

const pathOf = (b: Block) =>
  (b["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? "";

/**
 * Workload security groups (Fargate tasks, DCV gateways and agents: the ones with an S3
 * prefix-list rule) and how each reaches HTTPS AWS APIs, per stack.
 */
function workloadReach(result: SharedSynth, config: ReturnType<typeof loadConfig>) {
  const rows: { stack: string; sg: string; endpoints: boolean; nat: boolean; ok: boolean }[] = [];
  for (const [key, env] of Object.entries(config.environments)) {
    const hasNat = env.network.natGateways !== "none";
    for (const [kind, needed] of [
      ["services", FARGATE_API_ENDPOINTS],
      ["dcv", DCV_API_ENDPOINTS],
    ] as const) {
      const stack = `${config.project}-${key}-${kind}`;
      const json = result.stacks[stack] as SharedSynth["stacks"][string] | undefined;
      if (json === undefined) continue;
      const egress = resources(json, "aws_vpc_security_group_egress_rule").map(([, b]) => b);
      const workloads = new Set(
        egress.filter((r) => r.prefix_list_id !== undefined).map((r) => r.security_group_id),
      );
      expect(workloads.size, stack).toBeGreaterThan(0);
      for (const sg of workloads) {
        const rules = egress.filter((r) => r.security_group_id === sg && r.to_port === 443);
        const viaEndpoints = rules.some((r) => pathOf(r).endsWith("to-endpoints"));
        const viaNat = rules.some((r) => r.cidr_ipv4 === "0.0.0.0/0");
        const covered = needed.every((e) => env.network.interfaceEndpoints.includes(e));
        rows.push({
          stack,
          sg: String(sg),
          endpoints: viaEndpoints,
          nat: viaNat,
          ok: (viaEndpoints && covered) || (viaNat && hasNat),
        });
      }
    }
  }
  return rows;
}

describe("workloads reach the AWS APIs on 443", () => {
  it.each([
    ["shipped", () => [synthShipped(), loadConfig()] as const],
    ["fixture", () => [synthFixture(), loadConfig(fixtureInput())] as const],
  ])("every workload SG of the %s configuration: via endpoints or via NAT", (_n, make) => {
    const [result, config] = make();
    const rows = workloadReach(result, config);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });

  it("without interface endpoints (a NAT, as a shipped environment has) egresses through the NAT, with no endpoint rule", () => {
    const input = fixtureWith(FIXTURE.nonProduction, (e) => {
      e.network.natGateways = "single";
      e.network.interfaceEndpoints = [];
    });
    const synthesized = synthPlatform(input, { environments: [FIXTURE.nonProduction] });
    const rows = workloadReach(synthesized, loadConfig(input)).filter((r) =>
      r.stack.includes(`-${FIXTURE.nonProduction}-`),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatchObject({ endpoints: false, nat: true });
  });

  it("with every endpoint keeps AWS API traffic on the endpoints", () => {
    const config = loadConfig(fixtureInput());
    const withAll = Object.values(config.environments).filter((e) =>
      [...FARGATE_API_ENDPOINTS, ...DCV_API_ENDPOINTS].every((x) =>
        e.network.interfaceEndpoints.includes(x),
      ),
    );
    expect(withAll.length).toBeGreaterThan(0);
    const rows = workloadReach(synthFixture(), config).filter((r) =>
      withAll.some((e) => r.stack.includes(`-${e.name}-`)),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.endpoints).toBe(true);
  });
});

describe("no NAT and a missing endpoint is a config error", () => {
  it("dcv without its endpoints", () => {
    const input = fixtureWith("sandbox", (e) => {
      Object.assign(e.network, {
        natGateways: "none",
        interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages"],
      });
    });
    const env = input.environments.sandbox;
    env.dcv ??= structuredClone(fixtureInput().environments.live.dcv);
    expect(rejection(input)).toMatch(
      /environments\.sandbox\.dcv: needs the ec2messages interface endpoint\(s\) when natGateways is "none"/,
    );
  });
});
