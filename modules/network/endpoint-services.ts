import { editDistance } from "../../config/aws-catalog/regions";
/**
 * Interface endpoint services this platform knows how to use. A name outside this list is a
 * typo more often than a new service, and a wrong name only fails at apply time, so synth
 * rejects it. Names are the suffix of `com.amazonaws.<region>.<name>`.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "application-autoscaling",
  "autoscaling",
  "ec2",
  "ec2messages",
  "ecr.api",
  "ecr.dkr",
  "ecs",
  "ecs-agent",
  "ecs-telemetry",
  "elasticfilesystem",
  "elasticloadbalancing",
  "events",
  "execute-api",
  "kms",
  "lambda",
  "logs",
  "monitoring",
  "rds",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "ssmmessages",
  "states",
  "sts",
  "xray",
] as const;

export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/** Gateway endpoints are free and route-table based; S3 is needed for ECR image layers. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];

/**
 * What a Fargate task needs to start without a NAT gateway: pull the image (ECR api + dkr,
 * layers via the S3 gateway endpoint) and ship its logs.
 */
export const FARGATE_WITHOUT_NAT: readonly InterfaceEndpointService[] = [
  "ecr.api",
  "ecr.dkr",
  "logs",
];

export function isInterfaceEndpointService(name: string): name is InterfaceEndpointService {
  return (INTERFACE_ENDPOINT_SERVICES as readonly string[]).includes(name);
}

/** The closest known name, for "did you mean" hints. */
export function closestService(name: string): InterfaceEndpointService | undefined {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const squashed = (s: string) => s.replace(/[^a-z0-9]/g, "");
  return (
    INTERFACE_ENDPOINT_SERVICES.find((s) => squashed(s) === normalized) ??
    // A dropped or doubled letter ("secretmanager", "sssm").
    INTERFACE_ENDPOINT_SERVICES.find((s) => editDistance(squashed(s), normalized) <= 1)
  );
}
