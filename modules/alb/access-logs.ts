import { Construct } from "constructs";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { denyInsecureTransport, hardenBucket } from "../../lib/bucket-hardening";
import type { Names } from "../../lib/names";

export interface AccessLogBucketProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (part of the globally unique bucket name and the log prefix). */
  readonly account: string;
  /** Region of the ALB (selects the ELB log-delivery account). */
  readonly region: string;
  /** Days before logs move to Glacier Flexible Retrieval. */
  readonly glacierAfterDays: number;
  /** Days before logs are deleted. */
  readonly expireAfterDays: number;
  /** Key prefix the ALB writes under. */
  readonly prefix: string;
  /** Terraform refuses to destroy the bucket (production: logs are evidence). */
  readonly preventDestroy: boolean;
}

/**
 * The ALB access-log bucket: SSE-S3 (the only encryption ELB log delivery supports), all
 * public access blocked, ACLs off, TLS only, Glacier after 90 days and expiry after a year
 * (seed 002), writable only by the region's ELB log-delivery account under the ALB's prefix.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const { names } = props;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: names.physical(["alb-logs", props.account, props.region], { maxLength: 63 }),
      forceDestroy: false,
      tags: names.nameTag("alb-logs"),
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    const bucket = this.bucket.id;
    const { publicAccessBlock: block } = hardenBucket(this, bucket, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "archive-then-expire",
          status: "Enabled",
          filter: [{ prefix: "" }],
          transition: [{ days: props.glacierAfterDays, storageClass: "GLACIER" }],
          expiration: [{ days: props.expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const elb = new DataAwsElbServiceAccount(this, "elb-account", {});
    const objects = `${this.bucket.arn}/${props.prefix}/AWSLogs/${props.account}/*`;
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "ElbLogDelivery",
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [objects],
          principals: [{ type: "AWS", identifiers: [elb.arn] }],
        },
        denyInsecureTransport(this.bucket.arn),
      ],
    });
    new S3BucketPolicy(this, "policy", { bucket, policy: policy.json, dependsOn: [block] });
  }
}
