import type { EnvironmentInput } from "./schema";

/**
 * dev: two AZs and no NAT gateway. Private subnets reach AWS through VPC endpoints only
 * (the cost-saving design of seed 002: about $35/month less than two NAT gateways).
 */
export const dev: EnvironmentInput = {
  name: "dev",
  account: "111111111111",
  region: "ap-northeast-1",
  tags: { CostCenter: "platform-dev", Owner: "platform-team" },
  state: {
    backend: "s3",
    bucket: "platform-tfstate-111111111111-ap-northeast-1",
    noncurrentVersionExpirationDays: 30,
  },
  network: {
    cidr: "10.10.0.0/16",
    azCount: 2,
    availabilityZones: ["ap-northeast-1a", "ap-northeast-1c"],
    natGateways: "none",
    interfaceEndpoints: [
      "ecr.api",
      "ecr.dkr",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "ec2messages",
    ],
    flowLogs: { retentionDays: 7, trafficType: "REJECT" },
  },
};
