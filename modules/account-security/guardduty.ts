import { Construct } from "constructs";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { adoptIfAsked, type SingletonMode } from "../../lib/account-singleton";
import type { Names } from "../../lib/names";

/** GuardDuty protection plans managed here (EKS runtime monitoring is part of RUNTIME_MONITORING). */
export type GuardDutyFeature =
  | "S3_DATA_EVENTS"
  | "EBS_MALWARE_PROTECTION"
  | "RDS_LOGIN_EVENTS"
  | "EKS_AUDIT_LOGS"
  | "LAMBDA_NETWORK_LOGS"
  | "RUNTIME_MONITORING";

/**
 * What a new detector gets anyway (AWS turns on every plan but runtime monitoring), written
 * down so a plan switched off in the console shows up as drift. Runtime monitoring injects a
 * GuardDuty sidecar into every Fargate task and needs a guardduty-data endpoint in VPCs
 * without NAT, so it is a decision, not a default.
 */
export const DEFAULT_GUARDDUTY_FEATURES: Readonly<Record<GuardDutyFeature, boolean>> = {
  S3_DATA_EVENTS: true,
  EBS_MALWARE_PROTECTION: true,
  RDS_LOGIN_EVENTS: true,
  EKS_AUDIT_LOGS: true,
  LAMBDA_NETWORK_LOGS: true,
  RUNTIME_MONITORING: false,
};

export interface ThreatDetectionProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Plans to switch on or off; unlisted ones keep their default. */
  readonly features: Readonly<Partial<Record<GuardDutyFeature, boolean>>>;
  /**
   * Create the detector, or adopt an existing one (`{ adopt: "<detector id>" }`).
   * @default "create"
   */
  readonly mode?: SingletonMode;
}

/**
 * The region's GuardDuty detector, publishing updated findings every 15 minutes (the default
 * is 6 hours, too slow for an alert). Plans are `aws_guardduty_detector_feature` resources:
 * the detector's `datasources` block is deprecated in provider 6.
 */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;
  readonly features: Readonly<Record<GuardDutyFeature, GuarddutyDetectorFeature>>;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
      tags: props.names.nameTag("guardduty"),
    });
    adoptIfAsked(this.detector, props.mode ?? "create");
    const features = {} as Record<GuardDutyFeature, GuarddutyDetectorFeature>;
    for (const name of Object.keys(DEFAULT_GUARDDUTY_FEATURES) as GuardDutyFeature[]) {
      const status =
        (props.features[name] ?? DEFAULT_GUARDDUTY_FEATURES[name]) ? "ENABLED" : "DISABLED";
      features[name] = new GuarddutyDetectorFeature(this, name.toLowerCase().replace(/_/g, "-"), {
        detectorId: this.detector.id,
        name,
        status,
        // GuardDuty manages the Fargate agent itself; without it nothing would be monitored.
        additionalConfiguration:
          name === "RUNTIME_MONITORING"
            ? [{ name: "ECS_FARGATE_AGENT_MANAGEMENT", status }]
            : undefined,
      });
    }
    this.features = features;
  }
}
