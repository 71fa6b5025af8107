import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import type { Names } from "../../lib/names";
import type { InstanceRole } from "./instance-role";
import type { DcvGatewayFleetSettings } from "./settings";

export interface GatewayFleetProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Fleet size, type and disk. */
  readonly settings: DcvGatewayFleetSettings;
  /** Private subnets, one per AZ; the group spreads over all of them. */
  readonly subnetIds: readonly string[];
  /** The gateway security group. */
  readonly securityGroupId: string;
  /** Role and instance profile (SSM, TLS secret). */
  readonly role: InstanceRole;
  /** Cloud-init document (plain text; base64-encoded here). */
  readonly userData: string;
  /** NLB target group the instances register with. */
  readonly targetGroupArn: string;
  /**
   * What must exist before the first gateway boots (its permissions, the certificate secret).
   * @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The SSM public parameter of the current Amazon Linux 2023 AMI for an architecture. */
export function al2023Parameter(architecture: "x86_64" | "arm64"): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

/**
 * nginx gateways in an Auto Scaling group across the private subnets. Every configuration
 * change is a new launch template version, and the group rolls it out with an instance
 * refresh that keeps at least half of the gateways in service.
 */
export class GatewayFleet extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: GatewayFleetProps) {
    super(scope, id);
    const { names, settings: s } = props;

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: names.physical("dcv-gateway", { maxLength: 128 }),
      description: "nginx DCV gateway (generated configuration)",
      // Resolved by EC2 at each launch: new gateways get the current AL2023 without a plan.
      imageId: `resolve:ssm:${al2023Parameter(s.architecture)}`,
      instanceType: s.instanceType,
      iamInstanceProfile: { arn: props.role.profile.arn },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: s.rootVolumeGb,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          securityGroups: [props.securityGroupId],
          deleteOnTermination: "true",
        },
      ],
      monitoring: { enabled: true },
      userData: Buffer.from(props.userData, "utf8").toString("base64"),
      updateDefaultVersion: true,
      tagSpecifications: [
        { resourceType: "instance", tags: names.nameTag("dcv-gateway") },
        { resourceType: "volume", tags: names.nameTag("dcv-gateway") },
      ],
      tags: names.nameTag("dcv-gateway"),
    });

    this.group = new AutoscalingGroup(this, "group", {
      name: names.physical("dcv-gateway", { maxLength: 255 }),
      dependsOn: props.dependsOn === undefined ? undefined : [...props.dependsOn],
      minSize: s.minSize,
      maxSize: s.maxSize,
      vpcZoneIdentifier: [...props.subnetIds],
      targetGroupArns: [props.targetGroupArn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: 300,
      launchTemplate: {
        id: this.launchTemplate.id,
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      instanceRefresh: {
        strategy: "Rolling",
        // No auto_rollback: EC2 cannot roll back to a template whose AMI is an SSM alias.
        preferences: { minHealthyPercentage: 50, instanceWarmup: "120" },
      },
      enabledMetrics: [
        "GroupInServiceInstances",
        "GroupDesiredCapacity",
        "GroupMinSize",
        "GroupTotalInstances",
      ],
      tag: [
        {
          key: "Name",
          value: names.physical("dcv-gateway", { maxLength: 255 }),
          propagateAtLaunch: true,
        },
      ],
    });
  }
}
