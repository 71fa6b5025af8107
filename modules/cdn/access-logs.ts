import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CDN_LOG_PREFIX } from "../../lib/log-prefixes";
import type { Names } from "../../lib/names";

/**
 * What the log bucket's policy must allow for CloudFront standard logs (v2): the log delivery
 * service writes under `cloudfront/` for deliveries of this account only. Known before the
 * distribution exists, so the operations stack adds it to the bucket it owns.
 */
export function cdnLogBucketStatements(
  bucketArn: string,
  account: string,
  partition: string,
): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "CloudFrontLogDelivery",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/${CDN_LOG_PREFIX}/*`],
      condition: [
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
        {
          test: "ArnLike",
          variable: "aws:SourceArn",
          values: [`arn:${partition}:logs:us-east-1:${account}:delivery-source:*`],
        },
      ],
    },
  ];
}

export interface CdnAccessLogsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** The distribution's ARN. */
  readonly distributionArn: string;
  /** ARN of the central log bucket (its policy holds cdnLogBucketStatements()). */
  readonly bucketArn: string;
  /** us-east-1 provider: CloudFront's delivery source lives there. */
  readonly provider: TerraformProvider;
}

/**
 * CloudFront standard logging v2 to S3: no bucket ACLs needed (the log bucket has them off),
 * JSON records, partitioned Hive-style by distribution and date for Athena.
 */
export class CdnAccessLogs extends Construct {
  readonly delivery: CloudwatchLogDelivery;

  constructor(scope: Construct, id: string, props: CdnAccessLogsProps) {
    super(scope, id);
    const { names, provider } = props;
    const source = new CloudwatchLogDeliverySource(this, "source", {
      provider,
      name: names.physical("cdn-access", { maxLength: 60 }),
      logType: "ACCESS_LOGS",
      resourceArn: props.distributionArn,
      tags: names.nameTag("cdn-access"),
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "destination", {
      provider,
      name: names.physical("cdn-access-s3", { maxLength: 60 }),
      outputFormat: "json",
      deliveryDestinationConfiguration: [
        { destinationResourceArn: `${props.bucketArn}/${CDN_LOG_PREFIX}` },
      ],
      tags: names.nameTag("cdn-access-s3"),
    });
    this.delivery = new CloudwatchLogDelivery(this, "delivery", {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      s3DeliveryConfiguration: [
        { enableHiveCompatiblePath: true, suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" },
      ],
      tags: names.nameTag("cdn-access"),
    });
  }
}
