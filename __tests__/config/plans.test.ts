import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { loadConfig, type PlatformConfig } from "../../config";
import { readTerraformVersion } from "../../config/toolchain";
import { placeAgents } from "../../modules/dcv/placement";
import { planSubnets } from "../../modules/network/subnet-plan";
import { planRoutes } from "../../modules/alb/routing";
import { buildPlatform } from "../../stacks";
import { bodies, type TfJson } from "../helpers/tf";

/*
 * Validation plans subnets, listener rules and DCV agent placement once, and the validated
 * configuration carries the plans to the stacks. The stacks must build from those plans, not
 * plan again: a plan changed after validation shows up in the synthesized JSON.
 */
function synthConfig(config: PlatformConfig, stacks: readonly string[]): TfJson[] {
  const outdir = mkdtempSync(join(tmpdir(), "plans-synth-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildPlatform(app, {
      config,
      environments: [config.environments.prod],
      terraformVersion: readTerraformVersion(),
    });
    app.synth();
    return stacks.map(
      (stack) =>
        JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TfJson,
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("plans carried by the validated configuration", () => {
  const config = loadConfig();
  const prod = config.environments.prod;

  it("are what the planners compute for the configuration", () => {
    const subnets = planSubnets({
      vpcCidr: prod.network.cidr,
      azCount: prod.network.azCount,
      azSlots: prod.network.azSlots,
      tiers: prod.network.subnets,
    });
    expect(subnets.ok && subnets.plan).toEqual(prod.plans.subnets);
    const services = prod.services;
    if (services === undefined || prod.dcv === undefined) throw new Error("prod lost a layer");
    const routed = services.services.filter((s) => !s.internal).map((s) => s.name);
    expect(prod.plans.routing).toEqual(planRoutes(services.routes, routed));
    expect(prod.plans.agentPlacement).toEqual(
      placeAgents(prod.dcv.agents, prod.plans.subnets.private).placements,
    );
    expect(Object.keys(prod.plans.agentPlacement ?? {})).toEqual(["desk1", "desk2"]);
  });

  it("are what the stacks build from, not planned again", () => {
    const routing = prod.plans.routing;
    const placement = prod.plans.agentPlacement;
    if (routing === undefined || placement === undefined) throw new Error("prod has no plans");
    const subnets = prod.plans.subnets;
    const changed: PlatformConfig = {
      ...config,
      environments: {
        ...config.environments,
        prod: {
          ...prod,
          plans: {
            subnets: { ...subnets, public: ["10.20.250.0/24", ...subnets.public.slice(1)] },
            routing: {
              ...routing,
              rules: routing.rules.map((r, i) => (i === 0 ? { ...r, priority: 4242 } : r)),
            },
            agentPlacement: {
              ...placement,
              desk1: { ...placement.desk1, privateIp: "10.20.15.200" },
            },
          },
        },
      },
    };
    const [network, services, dcv] = synthConfig(changed, [
      "platform-prod-network",
      "platform-prod-services",
      "platform-prod-dcv",
    ]);
    const cidrs = bodies(network, "aws_subnet").map((s) => s.cidr_block);
    expect(cidrs).toContain("10.20.250.0/24");
    expect(cidrs).not.toContain(subnets.public[0]);
    const priorities = bodies(services, "aws_lb_listener_rule").map((r) => r.priority);
    expect(priorities).toContain(4242);
    const ips = bodies(dcv, "aws_instance").map((i) => i.private_ip);
    expect(ips).toContain("10.20.15.200");
    expect(ips).not.toContain(placement.desk1.privateIp);
  });
});
