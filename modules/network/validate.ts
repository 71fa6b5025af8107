import { isUnresolved } from "../../lib/tokens";
import { zonesOf } from "../../config/aws-catalog/regions";
import { isAzOfRegion } from "../../lib/aws-names";
import { show, type Issue } from "../../lib/validation";
import {
  FARGATE_WITHOUT_NAT,
  INTERFACE_ENDPOINT_SERVICES,
  closestService,
  isInterfaceEndpointService,
} from "./endpoint-services";
import { externalNetworkIssues, type ExternalNetwork } from "./external-networks";
import {
  MAX_AZS,
  planSubnets,
  type SubnetPlan,
  type SubnetTier,
  type TierLayout,
} from "./subnet-plan";

export const NAT_STRATEGIES = ["none", "single", "per-az"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

/** What the network rules look at; a subset of NetworkProps, shaped like the config. */
export interface NetworkShape {
  readonly region: string;
  readonly cidr: string;
  readonly azCount: number;
  readonly availabilityZones?: readonly string[];
  readonly azSlots?: number;
  readonly natGateways: string;
  readonly subnets?: Partial<Record<SubnetTier, TierLayout>>;
  readonly interfaceEndpoints?: readonly string[];
  readonly gatewayEndpoints: readonly string[];
  readonly externalNetworks?: readonly ExternalNetwork[];
}

/**
 * Every network rule in one place, used by the config schema and by the Network construct
 * itself. Paths are relative to the network configuration.
 */
export function networkIssues(shape: NetworkShape): { issues: Issue[]; plan?: SubnetPlan } {
  const issues: Issue[] = [];
  const zones = isUnresolved(shape.region) ? undefined : zonesOf(shape.region);
  if (zones !== undefined && Number.isInteger(shape.azCount) && shape.azCount > zones.max) {
    // The region's own limit is the one that matters (and is never above MAX_AZS).
    issues.push({
      path: ["azCount"],
      message: `${show(shape.azCount)} is more AZs than ${shape.region} offers: it has ${zones.max} (${zones.names.join(", ")}); a second subnet in one AZ would not add resilience and the load balancers refuse it`,
    });
  } else if (!Number.isInteger(shape.azCount) || shape.azCount < 2 || shape.azCount > MAX_AZS) {
    issues.push({
      path: ["azCount"],
      message: `${show(shape.azCount)} is not allowed; use 2 to ${Math.min(MAX_AZS, zones?.max ?? MAX_AZS)} AZs (one subnet per AZ in every tier; the load balancers need two AZs)`,
    });
  }
  if (!(NAT_STRATEGIES as readonly string[]).includes(shape.natGateways)) {
    issues.push({
      path: ["natGateways"],
      message: `${show(shape.natGateways)} is not a NAT strategy; allowed: ${NAT_STRATEGIES.map((s) => show(s)).join(", ")}`,
    });
  }
  if (issues.length > 0) return { issues };

  let plan: SubnetPlan | undefined;
  if (isUnresolved(shape.cidr)) {
    issues.push({
      path: ["cidr"],
      message: "must be known at synth time: subnets are carved from it",
    });
  } else {
    const result = planSubnets({
      vpcCidr: shape.cidr,
      azCount: shape.azCount,
      azSlots: shape.azSlots,
      tiers: shape.subnets,
    });
    if (result.ok) plan = result.plan;
    else issues.push(...result.issues);
  }

  const azs = shape.availabilityZones;
  if (azs !== undefined) {
    if (azs.length !== shape.azCount) {
      issues.push({
        path: ["availabilityZones"],
        message: `lists ${azs.length} AZs but azCount is ${shape.azCount}`,
      });
    }
    azs.forEach((az, i) => {
      if (isUnresolved(az)) return;
      if (zones !== undefined ? !zones.names.includes(az) : !isAzOfRegion(az, shape.region)) {
        issues.push({
          path: ["availabilityZones", i],
          message:
            zones !== undefined
              ? `${show(az)} is not an AZ of ${shape.region}; its AZs are ${zones.names.join(", ")} (maintained in config/aws-catalog/regions.ts)`
              : `${show(az)} is not an AZ of ${shape.region} (expected ${shape.region}a, ${shape.region}c, ...)`,
        });
      } else if (azs.indexOf(az) !== i) {
        issues.push({
          path: ["availabilityZones", i],
          message: `${show(az)} is listed twice; each AZ may appear once`,
        });
      }
    });
  }

  const endpoints = shape.interfaceEndpoints ?? [];
  endpoints.forEach((name, i) => {
    if (isInterfaceEndpointService(name)) {
      if (endpoints.indexOf(name) !== i) {
        issues.push({ path: ["interfaceEndpoints", i], message: `${show(name)} is listed twice` });
      }
      return;
    }
    const hint = closestService(name);
    issues.push({
      path: ["interfaceEndpoints", i],
      message:
        `${show(name)} is not a known interface endpoint service` +
        (hint ? ` (did you mean ${show(hint)}?)` : "") +
        (name === "s3" ? "; S3 is served by the free gateway endpoint (gatewayEndpoints)" : "") +
        `; allowed: ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
    });
  });

  if (shape.natGateways === "none") {
    const missing: string[] = FARGATE_WITHOUT_NAT.filter((s) => !endpoints.includes(s));
    if (!shape.gatewayEndpoints.includes("s3")) missing.push("the s3 gateway endpoint");
    if (missing.length > 0) {
      issues.push({
        path: ["interfaceEndpoints"],
        message:
          `${show(endpoints)} is not enough with natGateways "none": private subnets then have no internet ` +
          `route, and Fargate needs ${FARGATE_WITHOUT_NAT.join(", ")} plus the s3 gateway endpoint to pull ` +
          `images and ship logs (missing: ${missing.join(", ")})`,
      });
    }
  }
  issues.push(...externalNetworkIssues(shape.cidr, shape.externalNetworks ?? []));
  return { issues, plan };
}
