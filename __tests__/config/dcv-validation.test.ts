import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../config";
import { withEnv, rejection } from "../helpers/config";

type DcvInput = NonNullable<EnvironmentInput["dcv"]>;

function failure(env: "dev" | "prod", edit: (dcv: DcvInput) => void): string {
  const input = withEnv(env, (e) => {
    if (e.dcv === undefined) throw new Error("shipped environment without dcv");
    edit(e.dcv);
  });
  return rejection(input);
}

const desk = { instanceType: "g4dn.xlarge", amiParameter: "/platform/dcv/agent-ami" };

describe("dcv validation rules (config paths)", () => {
  const cases: [string, "dev" | "prod", (dcv: DcvInput) => void, RegExp][] = [
    [
      "agent with both an address and an instance",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], instance: desk }),
      /environments\.dev\.dcv\.agents\[0\]: "agent1" must have exactly one of address \(an existing DCV server\) or instance/,
    ],
    [
      "agent with neither",
      "dev",
      (d) => (d.agents[1] = { name: "agent2" }),
      /environments\.dev\.dcv\.agents\[1\]: "agent2" must have exactly one of address/,
    ],
    [
      "agent address that is not IPv4",
      "dev",
      (d) => (d.agents[0] = { name: "agent1", address: "desk1.corp.example" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: "desk1\.corp\.example" is not an IPv4 address; the gateway's egress rule is a \/32 per existing agent/,
    ],
    [
      "duplicate agent names",
      "dev",
      (d) => (d.agents[1] = { name: "agent1", address: "10.150.248.136" }),
      /environments\.dev\.dcv\.agents\[1\]\.name: "agent1" is already the name of agents\[0\]; agent names must be unique/,
    ],
    [
      "duplicate agent addresses",
      "dev",
      (d) => (d.agents[1] = { name: "agent2", address: "10.150.248.180" }),
      /environments\.dev\.dcv\.agents\[1\]\.port: "10\.150\.248\.180:8443" is already the target of agents\[0\]/,
    ],
    [
      "every agent a backup",
      "dev",
      (d) => {
        d.affinity = "none";
        d.agents = d.agents.map((a) => ({ ...a, backup: true }));
      },
      /environments\.dev\.dcv\.agents: marks all 2 agents as backup/,
    ],
    [
      "weight outside 1..100",
      "prod",
      (d) => (d.agents[0] = { ...d.agents[0], weight: 101 }),
      /environments\.prod\.dcv\.agents\[0\]\.weight: 101 is not allowed; use an integer from 1 to 100/,
    ],
    [
      "path route to an unknown agent",
      "dev",
      (d) => (d.pathRoutes = [{ path: "/agent3/", agent: "agent3" }]),
      /environments\.dev\.dcv\.pathRoutes\[0\]\.agent: "agent3" is not an agent; known agents: "agent1", "agent2"/,
    ],
    [
      "port outside 1..65535",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], port: 70000 }),
      /environments\.dev\.dcv\.agents\[0\]\.port: 70000 is not a TCP port; use an integer from 1 to 65535/,
    ],
    [
      "client-ip affinity together with a backup agent",
      "dev",
      (d) => (d.agents[1] = { ...d.agents[1], backup: true }),
      /environments\.dev\.dcv\.agents\[1\]\.backup: is true but affinity is "client-ip", and nginx rejects backup servers in a hash upstream/,
    ],
    [
      "instance type that is not one",
      "prod",
      (d) => (d.agents[0] = { name: "desk1", instance: { ...desk, instanceType: "gpu-large" } }),
      /environments\.prod\.dcv\.agents\[0\]\.instance\.instanceType: "gpu-large" is not an EC2 instance type this platform knows \(such as "g4dn\.xlarge"\); families: t3, /,
    ],
    [
      "agent address outside the private subnets",
      "prod",
      (d) => (d.agents[0] = { name: "desk1", instance: { ...desk, privateIp: "10.20.64.10" } }),
      /environments\.prod\.dcv\.agents\[0\]\.instance\.privateIp: "10\.20\.64\.10" is not a usable address of the private subnets \(10\.20\.0\.0\/20, 10\.20\.16\.0\/20, 10\.20\.32\.0\/20\)/,
    ],
    [
      "two agents on one address",
      "prod",
      (d) => (d.agents[1] = { name: "desk2", instance: { ...desk, privateIp: "10.20.15.254" } }),
      /environments\.prod\.dcv\.agents\[1\]\.instance\.privateIp: "10\.20\.15\.254" is already agent "desk1"'s address/,
    ],
    [
      "agent instance with both an AMI parameter and an AMI id",
      "prod",
      (d) =>
        (d.agents[0] = { name: "desk1", instance: { ...desk, amiId: "ami-0123456789abcdef0" } }),
      /environments\.prod\.dcv\.agents\[0\]\.instance: "desk1" needs exactly one of amiParameter \(an SSM parameter\) or amiId/,
    ],
    [
      "a single gateway",
      "prod",
      (d) => (d.gateway = { minSize: 1 }),
      /environments\.prod\.dcv\.gateway\.minSize: 1 is not highly available; run at least 2 gateways/,
    ],
    [
      "maximum below minimum",
      "prod",
      (d) => (d.gateway = { minSize: 3, maxSize: 2 }),
      /environments\.prod\.dcv\.gateway\.maxSize: 2 must be between minSize \(3\) and 20/,
    ],
    [
      "architecture not matching the instance type",
      "prod",
      (d) => (d.gateway = { instanceType: "t4g.small" }),
      /environments\.prod\.dcv\.gateway\.architecture: "x86_64" does not match "t4g\.small", which is arm64/,
    ],
    [
      "everyone allowed to connect",
      "prod",
      (d) => (d.endpointService = { allowedPrincipals: ["*"] }),
      /environments\.prod\.dcv\.endpointService\.allowedPrincipals\[0\]: "\*" would let every AWS account request a connection/,
    ],
    [
      "principal that is not an IAM ARN",
      "prod",
      (d) => (d.endpointService = { allowedPrincipals: ["333333333333"] }),
      /environments\.prod\.dcv\.endpointService\.allowedPrincipals\[0\]: "333333333333" is not an IAM principal ARN such as arn:aws:iam::123456789012:root/,
    ],
    [
      "private DNS name that is not a DNS name",
      "prod",
      (d) => (d.endpointService = { allowedPrincipals: [], privateDnsName: "DCV gateway" }),
      /environments\.prod\.dcv\.endpointService\.privateDnsName: "DCV gateway" is not a DNS name/,
    ],
    [
      "consumer VPC id malformed",
      "dev",
      (d) =>
        (d.consumer = {
          vpcId: "my-vpc",
          subnetIds: ["subnet-0123456789abcdef0"],
          clientCidrs: ["10.0.0.0/8"],
        }),
      /environments\.dev\.dcv\.consumer\.vpcId: "my-vpc" must be "self" or a VPC id/,
    ],
    [
      "consumer VPC without subnets",
      "dev",
      (d) => (d.consumer = { vpcId: "vpc-0123456789abcdef0", clientCidrs: ["10.0.0.0/8"] }),
      /environments\.dev\.dcv\.consumer\.subnetIds: are required with a VPC id/,
    ],
    [
      "consumer open to everyone",
      "dev",
      (d) => (d.consumer = { vpcId: "self", clientCidrs: ["0.0.0.0/0"] }),
      /environments\.dev\.dcv\.consumer\.clientCidrs\[0\]: "0\.0\.0\.0\/0" admits everyone; list the client networks/,
    ],
    [
      "listener certificate that is not an ACM ARN",
      "prod",
      (d) => (d.listenerCertificateArn = "arn:aws:iam::222222222222:server-certificate/dcv"),
      /environments\.prod\.dcv\.listenerCertificateArn: "arn:aws:iam::222222222222:server-certificate\/dcv" is not an ACM certificate ARN/,
    ],
    [
      "read timeout beyond a week",
      "prod",
      (d) => (d.readTimeoutSeconds = 700000),
      /environments\.prod\.dcv\.readTimeoutSeconds: 700000 is not allowed; use a whole number of seconds from 1 to 604800/,
    ],
    [
      "every primary agent drained",
      "prod",
      (d) => (d.agents = d.agents.map((a) => ({ ...a, drain: true }))),
      /environments\.prod\.dcv\.agents: drains every primary agent/,
    ],
  ];

  it.each(cases)("%s", (_name, env, edit, message) => {
    expect(failure(env, edit)).toMatch(message);
  });
});
