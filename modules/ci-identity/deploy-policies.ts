import { computeStatements } from "./deploy-compute";
import { dataStatements } from "./deploy-data";
import { identityStatements } from "./deploy-identity";
import { networkStatements } from "./deploy-network";
import { observabilityStatements } from "./deploy-observability";
import { securityAndEdgeStatements } from "./deploy-security";
import type { DeployScope, Statement } from "./scope";

/**
 * The deploy role's permissions, one managed policy per group. Groups are by layer so each
 * stays under IAM's 6,144-character limit for a managed policy and reads on its own; their
 * names are part of the policies' physical names, so they are stable.
 */
export const DEPLOY_POLICY_GROUPS = [
  "network",
  "compute",
  "data",
  "identity",
  "observability",
  "security",
] as const;
export type DeployPolicyGroup = (typeof DEPLOY_POLICY_GROUPS)[number];

export function deployStatements(scope: DeployScope): Record<DeployPolicyGroup, Statement[]> {
  return {
    network: networkStatements(scope),
    compute: computeStatements(scope),
    data: dataStatements(scope),
    identity: identityStatements(scope),
    observability: observabilityStatements(scope),
    security: securityAndEdgeStatements(scope),
  };
}
