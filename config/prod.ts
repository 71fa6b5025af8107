import type { EnvironmentInput } from "./schema";

/**
 * prod: three AZs with a NAT gateway in each, so losing one AZ never cuts the others off.
 * Endpoints stay on to keep image pulls, logs and secrets off the NAT data path.
 */
export const prod: EnvironmentInput = {
  name: "prod",
  account: "222222222222",
  region: "ap-northeast-1",
  tags: { CostCenter: "platform-prod", Owner: "platform-team" },
  state: {
    backend: "s3",
    bucket: "platform-tfstate-222222222222-ap-northeast-1",
    noncurrentVersionExpirationDays: 365,
  },
  network: {
    cidr: "10.20.0.0/16",
    azCount: 3,
    availabilityZones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
    natGateways: "per-az",
    interfaceEndpoints: [
      "ecr.api",
      "ecr.dkr",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "ec2messages",
    ],
    flowLogs: { retentionDays: 90, maxAggregationInterval: 60 },
  },
};
