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
      /environments\.dev\.dcv\.agents\[0\]\.address: "desk1\.corp\.example" is not an IPv4 address \(not in a\.b\.c\.d form\); the gateway's egress rule is a \/32 per existing agent/,
    ],
    [
      "existing agent at a created agent's placed address",
      "prod",
      (d) => d.agents.push({ name: "desk3", address: "10.20.15.254", webUrlPath: "/desk3/" }),
      /environments\.prod\.dcv\.agents\[2\]\.address: "10\.20\.15\.254:8443" is already the target of agents\[0\]/,
    ],
    [
      "agent address with a leading zero",
      "dev",
      (d) => (d.agents[0] = { name: "agent1", address: "10.150.248.080" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: "10\.150\.248\.080" is not an IPv4 address \(the octet "080" has a leading zero, which some tools read as octal; write it as 80\)/,
    ],
    [
      "created agent privateIp with a leading zero",
      "prod",
      (d) => (d.agents[0] = { ...d.agents[0], instance: { ...desk, privateIp: "10.20.01.5" } }),
      /environments\.prod\.dcv\.agents\[0\]\.instance\.privateIp: "10\.20\.01\.5" is not an IPv4 address \(the octet "01" has a leading zero/,
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
      /environments\.dev\.dcv\.agents\[1\]\.address: "10\.150\.248\.180:8443" is already the target of agents\[0\]/,
    ],
    [
      "every pool agent a backup",
      "prod",
      (d) => {
        d.affinity = "none";
        d.agents = d.agents.map((a) => ({ ...a, backup: true }));
      },
      /environments\.prod\.dcv\.agents: marks all 2 pool agents as backup/,
    ],
    [
      "weight outside 1..100",
      "prod",
      (d) => (d.agents[0] = { ...d.agents[0], weight: 101 }),
      /environments\.prod\.dcv\.agents\[0\]\.weight: 101 is not allowed; use an integer from 1 to 100/,
    ],
    [
      "web-url-path that is not one",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], webUrlPath: "/agent1" }),
      /environments\.dev\.dcv\.agents\[0\]\.webUrlPath: "\/agent1" is not a web-url-path; use "\/" \(the pool\) or "\/" \+ lower-case letters/,
    ],
    [
      "two agents behind one prefix",
      "dev",
      (d) => (d.agents[1] = { ...d.agents[1], webUrlPath: "/agent1/" }),
      /environments\.dev\.dcv\.agents\[1\]\.webUrlPath: "\/agent1\/" is already the webUrlPath of agents\[0\]/,
    ],
    [
      "a prefixed agent marked as a pool backup",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], backup: true }),
      /environments\.dev\.dcv\.agents\[0\]\.backup: is true but "agent1" is served only under its webUrlPath "\/agent1\/", not in the pool/,
    ],
    [
      "the old pathRoutes list (an agent in the pool and behind a prefix)",
      "dev",
      (d) => Object.assign(d, { pathRoutes: [{ path: "/agent1/", agent: "agent1" }] }),
      /environments\.dev\.dcv\.pathRoutes: .*is gone: a DCV server serves one web-url-path, so an agent is either in the pool or behind its own prefix/,
    ],
    [
      "existing agent that no route reaches",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], address: "10.160.0.5" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: agent "agent1": "10\.160\.0\.5" is outside the VPC \(10\.10\.0\.0\/16\) and no declared route leads there \(network\.externalNetworks: 10\.150\.248\.0\/24\)/,
    ],
    [
      "existing agent with a public address",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], address: "52.1.2.3" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: agent "agent1": "52\.1\.2\.3" is a public address/,
    ],
    [
      "existing agent on loopback",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], address: "127.0.0.1" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: agent "agent1": "127\.0\.0\.1" is a loopback address/,
    ],
    [
      "existing agent on a link-local address",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], address: "169.254.10.1" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: agent "agent1": "169\.254\.10\.1" is a link-local address/,
    ],
    [
      "existing agent in the isolated tier",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], address: "10.10.68.10" }),
      /environments\.dev\.dcv\.agents\[0\]\.address: agent "agent1": "10\.10\.68\.10" is inside the VPC \(10\.10\.0\.0\/16\) but not in its private subnets/,
    ],
    [
      "AMI parameter name that is not one",
      "prod",
      (d) =>
        (d.agents[0] = { name: "desk1", instance: { ...desk, amiParameter: "platform/dcv ami" } }),
      /environments\.prod\.dcv\.agents\[0\]\.instance\.amiParameter: "platform\/dcv ami" is not an SSM parameter name/,
    ],
    [
      "port outside 1..65535",
      "dev",
      (d) => (d.agents[0] = { ...d.agents[0], port: 70000 }),
      /environments\.dev\.dcv\.agents\[0\]\.port: 70000 is not a TCP port; use an integer from 1 to 65535/,
    ],
    [
      "client-ip affinity together with a backup agent",
      "prod",
      (d) => (d.agents[1] = { ...d.agents[1], backup: true }),
      /environments\.prod\.dcv\.agents\[1\]\.backup: is true but affinity is "client-ip", and nginx rejects backup servers in a hash upstream/,
    ],
    [
      "cookie affinity together with a backup agent",
      "prod",
      (d) => {
        d.affinity = "cookie";
        d.agents[1] = { ...d.agents[1], backup: true };
      },
      /environments\.prod\.dcv\.agents\[1\]\.backup: is true but affinity is "cookie"/,
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
      (d) => (d.gateway = { ...d.gateway, minSize: 1 }),
      /environments\.prod\.dcv\.gateway\.minSize: 1 is not highly available; run at least 2 gateways/,
    ],
    [
      "maximum below minimum",
      "prod",
      (d) => (d.gateway = { ...d.gateway, minSize: 3, maxSize: 2 }),
      /environments\.prod\.dcv\.gateway\.maxSize: 2 must be between minSize \(3\) and 20/,
    ],
    [
      "architecture not matching the instance type",
      "prod",
      (d) => (d.gateway = { ...d.gateway, instanceType: "t4g.small" }),
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
      "no fleet certificate",
      "prod",
      (d) => (d.gateway = { minSize: 3 } as typeof d.gateway),
      /environments\.prod\.dcv\.gateway\.tls: /,
    ],
    [
      "certificate secret that is not a Secrets Manager ARN",
      "prod",
      (d) =>
        (d.gateway = {
          ...d.gateway,
          tls: {
            source: "secret",
            secretArn: "arn:aws:acm:ap-northeast-1:222222222222:certificate/x",
          },
        }),
      /environments\.prod\.dcv\.gateway\.tls\.secretArn: "arn:aws:acm:ap-northeast-1:222222222222:certificate\/x" is not a Secrets Manager secret ARN/,
    ],
    [
      "certificate key that is not a KMS ARN",
      "prod",
      (d) =>
        (d.gateway = {
          ...d.gateway,
          tls: {
            source: "secret",
            secretArn: "arn:aws:secretsmanager:ap-northeast-1:222222222222:secret:dcv-AbCdEf",
            kmsKeyArn: "alias/dcv",
          },
        }),
      /environments\.prod\.dcv\.gateway\.tls\.kmsKeyArn: "alias\/dcv" is not a KMS key ARN/,
    ],
    [
      "self-signed certificate in production",
      "prod",
      (d) =>
        (d.gateway = {
          ...d.gateway,
          tls: { source: "self-signed", reason: "no CA in this account yet" },
        }),
      /environments\.prod\.dcv\.gateway\.tls\.source: "self-signed" is not allowed in a production environment/,
    ],
    [
      "self-signed certificate without a reason",
      "dev",
      (d) => (d.gateway = { ...d.gateway, tls: { source: "self-signed", reason: "dev" } }),
      /environments\.dev\.dcv\.gateway\.tls\.reason: "dev" is too short; say why this environment uses a self-signed certificate/,
    ],
    [
      "NLB idle timeout above AWS's maximum",
      "prod",
      (d) => (d.nlbIdleTimeoutSeconds = 7200),
      /environments\.prod\.dcv\.nlbIdleTimeoutSeconds: 7200 is not allowed; the NLB accepts 60 to 6000 seconds/,
    ],
    [
      "nginx read timeout longer than the NLB's",
      "dev",
      (d) => (d.readTimeoutSeconds = 4000),
      /environments\.dev\.dcv\.readTimeoutSeconds: 4000 is longer than nlbIdleTimeoutSeconds \(3600\); the NLB would drop an idle session silently/,
    ],
    [
      "nginx send timeout longer than the NLB's",
      "prod",
      (d) => (d.sendTimeoutSeconds = 6001),
      /environments\.prod\.dcv\.sendTimeoutSeconds: 6001 is longer than nlbIdleTimeoutSeconds \(6000\)/,
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
      /environments\.prod\.dcv\.agents: drains every primary pool agent/,
    ],
  ];

  it.each(cases)("%s", (_name, env, edit, message) => {
    expect(failure(env, edit)).toMatch(message);
  });
});
