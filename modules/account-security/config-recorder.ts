import { Construct } from "constructs";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { adoptIfAsked, ownsSingleton, type SingletonMode } from "../../lib/account-singleton";
import type { Names } from "../../lib/names";

export interface ConfigRecordingProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account whose configuration is recorded (delivery path). */
  readonly account: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** Record global resources (IAM) in this region; false in every other region of the account. */
  readonly recordGlobalResources: boolean;
  /** Create, adopt (by ARN) or reference AWSServiceRoleForConfig. */
  readonly serviceLinkedRole: SingletonMode;
  /**
   * Create the recorder and delivery channel, or adopt existing ones (`{ adopt: "<name>" }`,
   * the name both share).
   * @default "create"
   */
  readonly mode?: SingletonMode;
  /** Bucket the delivery channel writes snapshots and history to. */
  readonly bucketName: string;
  /** Key prefix of the delivered files; "" for none. */
  readonly keyPrefix: string;
}

/**
 * AWS Config recording every supported resource type, delivering history and daily snapshots
 * to the log bucket.
 *
 * The recorder runs as the service-linked role AWSServiceRoleForConfig rather than a role with
 * the AWS_ConfigRole policy: AWS keeps its permissions in step with the resource types Config
 * supports, nothing else can assume or change it, and delivery then uses the
 * `config.amazonaws.com` principal the bucket policy names (bucketPolicyStatements). It exists
 * once per account, so only one region (or none, where it already exists) creates it.
 */
export class ConfigRecording extends Construct {
  readonly serviceLinkedRole?: IamServiceLinkedRole;
  readonly recorder: ConfigConfigurationRecorder;
  readonly deliveryChannel: ConfigDeliveryChannel;
  readonly status: ConfigConfigurationRecorderStatus;
  /** Managed rules that report NON_COMPLIANT resources. */
  readonly rules: readonly ConfigConfigRule[];

  constructor(scope: Construct, id: string, props: ConfigRecordingProps) {
    super(scope, id);
    const { names } = props;
    let roleArn = `arn:${props.partition}:iam::${props.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
    if (ownsSingleton(props.serviceLinkedRole)) {
      this.serviceLinkedRole = new IamServiceLinkedRole(this, "service-linked-role", {
        awsServiceName: "config.amazonaws.com",
      });
      adoptIfAsked(this.serviceLinkedRole, props.serviceLinkedRole);
      roleArn = this.serviceLinkedRole.arn;
    }
    const mode = props.mode ?? "create";
    // An adopted recorder keeps its name: renaming would replace the region's only recorder.
    const name =
      typeof mode === "object" ? mode.adopt : names.physical("config", { maxLength: 256 });
    this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
      name,
      roleArn,
      recordingGroup: {
        allSupported: true,
        // IAM is global: recording it in every region would store each change once per region.
        includeGlobalResourceTypes: props.recordGlobalResources,
      },
    });
    this.deliveryChannel = new ConfigDeliveryChannel(this, "delivery-channel", {
      name,
      s3BucketName: props.bucketName,
      s3KeyPrefix: props.keyPrefix === "" ? undefined : props.keyPrefix,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      // Config refuses a delivery channel before a recorder exists.
      dependsOn: [this.recorder],
    });
    adoptIfAsked(this.recorder, mode);
    adoptIfAsked(this.deliveryChannel, mode);
    this.status = new ConfigConfigurationRecorderStatus(this, "status", {
      name: this.recorder.name,
      isEnabled: true,
      // Recording cannot start without somewhere to deliver to.
      dependsOn: [this.deliveryChannel],
    });
    // A few AWS managed rules that restate this platform's own policy checks in the account,
    // so drift made outside Terraform raises the NON_COMPLIANT alert.
    this.rules = MANAGED_CONFIG_RULES.map(
      (identifier) =>
        new ConfigConfigRule(this, identifier.toLowerCase(), {
          name: props.names.physical(identifier.toLowerCase().replace(/_/g, "-"), {
            maxLength: 128,
          }),
          source: { owner: "AWS", sourceIdentifier: identifier },
          dependsOn: [this.status],
        }),
    );
  }
}

/** AWS managed Config rules enabled with the recorder. */
export const MANAGED_CONFIG_RULES = [
  "S3_BUCKET_PUBLIC_READ_PROHIBITED",
  "S3_BUCKET_SSL_REQUESTS_ONLY",
  "RDS_STORAGE_ENCRYPTED",
  "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
  "ENCRYPTED_VOLUMES",
  "EC2_IMDSV2_CHECK",
  "RESTRICTED_INCOMING_TRAFFIC",
] as const;
