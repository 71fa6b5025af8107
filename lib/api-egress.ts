/**
 * How a workload's security group reaches the AWS APIs it needs (HTTPS): through the VPC's
 * interface endpoints, through a NAT gateway, or both (some services have endpoints, others not).
 */
export interface ApiEgress {
  /** Allow 443 to the interface endpoints' security group. */
  readonly viaEndpoints: boolean;
  /** Allow 443 to 0.0.0.0/0 (leaves through the NAT gateway). */
  readonly viaNat: boolean;
}

/** The interface endpoints a DCV gateway or agent instance calls (SSM agent, TLS secret, logs). */
export const DCV_API_ENDPOINTS = ["secretsmanager", "ssm", "ssmmessages", "ec2messages"] as const;

/** The interface endpoints every Fargate task needs to start (image pull, log driver). */
export const FARGATE_API_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs"] as const;

/**
 * Egress to the AWS APIs for a workload needing `needed` endpoints, in a VPC with `endpoints`
 * and (or not) a NAT gateway. An API without an endpoint is only reachable through the NAT.
 */
export function apiEgress(
  needed: readonly string[],
  endpoints: readonly string[],
  hasNat: boolean,
): ApiEgress {
  return {
    viaEndpoints: needed.some((e) => endpoints.includes(e)),
    viaNat: hasNat && !needed.every((e) => endpoints.includes(e)),
  };
}

/** The needed endpoints missing from `endpoints` when the VPC has no NAT gateway (else none). */
export function unreachableApis(
  needed: readonly string[],
  endpoints: readonly string[],
  hasNat: boolean,
): string[] {
  return hasNat ? [] : needed.filter((e) => !endpoints.includes(e));
}

/** What a workload module needs to know of its VPC to choose its egress to the AWS APIs. */
export interface ApiRoutes {
  /** The VPC's interface endpoint services (e.g. "ecr.api"). */
  readonly interfaceEndpoints: readonly string[];
  /** Whether the private subnets route to a NAT gateway. */
  readonly hasNat: boolean;
}
