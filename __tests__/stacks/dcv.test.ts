import { describe, expect, it } from "vitest";
import { synthShipped } from "../helpers/synth";
import { bodies, only } from "../helpers/tf";

const { stacks } = synthShipped();

describe.each(["dev", "prod"])("platform-%s-dcv", (env) => {
  const json = stacks[`platform-${env}-dcv`];

  it("reads the VPC, private subnets and endpoint SG from the network stack's state", () => {
    const sources = Object.values(json.data?.terraform_remote_state ?? {});
    // The network's state for placement, the ops stack's for the alarm topics.
    expect(sources.map((src) => (src.config as { key: string }).key).sort()).toEqual([
      `platform/${env}/network.tfstate`,
      `platform/${env}/ops.tfstate`,
    ]);
    const nlb = only(json, "aws_lb");
    for (const subnet of nlb.subnets as string[]) {
      expect(subnet).toMatch(/^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.[^}]+\}$/);
    }
    expect(String(only(json, "aws_lb_target_group").vpc_id)).toMatch(/terraform_remote_state/);
  });

  it("outputs the endpoint service name and id and the NLB DNS name", () => {
    expect(json.output).toMatchObject({
      endpoint_service_name: {
        value: expect.stringMatching(/aws_vpc_endpoint_service\.[^.]+\.service_name/) as unknown,
      },
      endpoint_service_id: {
        value: expect.stringMatching(/aws_vpc_endpoint_service\.[^.]+\.id/) as unknown,
      },
      nlb_dns_name: { value: expect.stringMatching(/aws_lb\.[^.]+\.dns_name/) as unknown },
    });
  });
});

describe("shipped DCV shapes", () => {
  it("dev proxies to today's two DCV servers by address, with /agent1/ and /agent2/ routes and an endpoint in its own VPC", () => {
    const dev = stacks["platform-dev-dcv"];
    expect(bodies(dev, "aws_instance")).toEqual([]);
    const egress = bodies(dev, "aws_vpc_security_group_egress_rule")
      .map((r) => r.cidr_ipv4)
      .filter((c) => c !== undefined);
    expect(egress.sort()).toEqual(["10.150.248.136/32", "10.150.248.180/32"]);
    expect(Object.keys(dev.output ?? {})).toContain("consumer_endpoint_dns_names");
    expect(only(dev, "aws_vpc_endpoint_service").allowed_principals).toEqual([
      "arn:aws:iam::111111111111:root",
    ]);
    const conf = JSON.parse(
      Buffer.from(String(only(dev, "aws_launch_template").user_data), "base64")
        .toString("utf8")
        .replace(/^#cloud-config\n/, ""),
    ) as { write_files: { path: string; content: string }[] };
    const nginx = conf.write_files[0].content;
    expect(nginx).toContain("location ^~ /agent1/ {");
    expect(nginx).toContain("server 10.150.248.180:8443");
  });

  it("prod creates two desktops, protected from destroy, behind at least three gateways, for the client account", () => {
    const prod = stacks["platform-prod-dcv"];
    const desks = bodies(prod, "aws_instance");
    expect(desks).toHaveLength(2);
    for (const d of desks) expect(d.lifecycle).toMatchObject({ prevent_destroy: true });
    expect(only(prod, "aws_autoscaling_group").min_size).toBe(3);
    expect(only(prod, "aws_lb").enable_deletion_protection).toBe(true);
    expect(only(prod, "aws_vpc_endpoint_service")).toMatchObject({
      acceptance_required: true,
      allowed_principals: ["arn:aws:iam::333333333333:root"],
    });
    expect(bodies(prod, "aws_vpc_endpoint")).toEqual([]);
  });
});
