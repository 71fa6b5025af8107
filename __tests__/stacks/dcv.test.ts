import { fixtureInput } from "../fixtures/config";
import { describe, expect, it } from "vitest";
import { synthFixture } from "../fixtures/synth";
import { bodies, only, type TfJson } from "../helpers/tf";

interface CloudConfig {
  packages: string[];
  write_files: { path: string; content: string }[];
  runcmd: string[][];
}
const cloudConfigOf = (json: TfJson) =>
  JSON.parse(
    Buffer.from(String(only(json, "aws_launch_template").user_data), "base64")
      .toString("utf8")
      .replace(/^#cloud-config\n/, ""),
  ) as CloudConfig;

const { stacks } = synthFixture();

describe.each(Object.keys(fixtureInput().environments))("fixture-%s-dcv", (env) => {
  const json = stacks[`fixture-${env}-dcv`];

  it("reads the VPC, private subnets and endpoint SG from the network stack's state", () => {
    const sources = Object.values(json.data?.terraform_remote_state ?? {});
    // The network's state for placement, the ops stack's for the alarm topics.
    expect(sources.map((src) => (src.config as { key: string }).key).sort()).toEqual([
      `fixture/${env}/network.tfstate`,
      `fixture/${env}/ops.tfstate`,
    ]);
    const nlb = only(json, "aws_lb");
    for (const subnet of nlb.subnets as string[]) {
      expect(subnet).toMatch(/^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.[^}]+\}$/);
    }
    expect(String(only(json, "aws_lb_target_group").vpc_id)).toMatch(/terraform_remote_state/);
  });

  it("presents one certificate per fleet: no gateway makes its own at boot", () => {
    const conf = cloudConfigOf(json);
    const tls = conf.write_files.find((f) => f.path === "/usr/local/sbin/dcv-gateway-tls");
    const script = tls?.content ?? "";
    // Whatever is installed is the secret's value; a certificate is generated only as an offer
    // for an empty secret (dev), never installed without going through the secret.
    expect(script).toMatch(/secretsmanager get-secret-value/);
    const lines = script.split("\n");
    const generate = lines.findIndex((l) => l.includes("openssl req -x509"));
    if (generate >= 0) {
      expect(lines.slice(0, generate)).toContain("if ! fetch; then");
      expect(lines.slice(generate).join("\n")).toMatch(/--client-request-token [\w-]+/);
    }
    for (const f of conf.write_files) expect(f).not.toHaveProperty("defer");
  });

  it("keeps idle sessions up to the configured NLB idle timeout, and nginx's within it", () => {
    const idle = only(json, "aws_lb_listener").tcp_idle_timeout_seconds as number;
    expect(idle).toBeGreaterThanOrEqual(3600);
    expect(idle).toBeLessThanOrEqual(6000);
    const nginx = cloudConfigOf(json).write_files[0].content;
    for (const directive of ["proxy_read_timeout", "proxy_send_timeout"]) {
      const seconds = Number(new RegExp(`${directive} (\\d+)s;`).exec(nginx)?.[1]);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(idle);
    }
    expect(nginx).toContain("proxy_set_header Host $http_host;");
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

describe("DCV shapes", () => {
  it("sandbox proxies to two existing DCV servers by address, each behind its prefix, with an endpoint in its own VPC", () => {
    const dev = stacks["fixture-sandbox-dcv"];
    expect(bodies(dev, "aws_instance")).toEqual([]);
    const egress = bodies(dev, "aws_vpc_security_group_egress_rule")
      .map((r) => r.cidr_ipv4)
      .filter((c) => c !== undefined);
    // Only the agents: the AWS APIs are reached through the interface endpoints (no NAT here).
    expect(egress.sort()).toEqual(["10.150.248.136/32", "10.150.248.180/32"]);
    expect(Object.keys(dev.output ?? {})).toContain("consumer_endpoint_dns_names");
    expect(only(dev, "aws_vpc_endpoint_service").allowed_principals).toEqual([
      "arn:aws:iam::444444444444:root",
    ]);
    const nginx = cloudConfigOf(dev).write_files[0].content;
    expect(nginx).toContain("location ^~ /agent1/ {");
    expect(nginx).toContain("location ^~ /agent2/ {");
    expect(nginx).toContain("server 10.150.248.180:8443");
    // Each agent has one web-url-path: behind a prefix means not in the pool.
    expect(nginx).not.toContain("upstream dcv-pool");
    // dev's self-signed certificate lives in one secret the gateways share.
    expect(only(dev, "aws_secretsmanager_secret").name).toBe("fixture-sandbox-dcv-gateway-tls");
  });

  it("dev reaches its agents: the network stack routes their network to the transit gateway", () => {
    const net = stacks["fixture-sandbox-network"];
    const attachment = only(net, "aws_ec2_transit_gateway_vpc_attachment");
    expect(attachment.transit_gateway_id).toMatch(/^tgw-/);
    const routes = bodies(net, "aws_route").filter(
      (r) => r.destination_cidr_block === "10.150.248.0/24",
    );
    // One per private route table (two AZs).
    expect(routes).toHaveLength(2);
    for (const r of routes) expect(r.transit_gateway_id).toBe(attachment.transit_gateway_id);
  });

  it("prod creates two desktops, protected from destroy, behind at least three gateways, for the client account", () => {
    const prod = stacks["fixture-live-dcv"];
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
    // An issued certificate from a named secret: nothing to generate, nothing created here.
    expect(bodies(prod, "aws_secretsmanager_secret")).toEqual([]);
  });

  it("prod's desktops may fetch their DCV licence from the region's licence bucket", () => {
    const prod = stacks["fixture-live-dcv"];
    const statements = Object.values(prod.data?.aws_iam_policy_document ?? {}).flatMap(
      (d) => d.statement as { actions: string[]; resources: string[] }[],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::dcv-license.ap-northeast-1/*"],
      }),
    );
  });
});
