import { Construct } from "constructs";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { denyInsecureTransport, hardenBucket } from "../../lib/bucket-hardening";
import { ALB_LOG_PREFIX } from "../../lib/log-prefixes";
import type { Names } from "../../lib/names";

/** The log bucket's name, known before the bucket exists (AWS Config needs it first). */
export function logBucketName(names: Names, account: string, region: string): string {
  return names.physical(["logs", account, region], { maxLength: 63 });
}

export interface LogBucketProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (part of the globally unique name and the log prefixes). */
  readonly account: string;
  /** Region (selects the ELB log-delivery account). */
  readonly region: string;
  /** Days before logs move to Glacier Flexible Retrieval. */
  readonly glacierAfterDays: number;
  /** Days before logs are deleted. */
  readonly expireAfterDays: number;
  /**
   * More bucket policy statements from other log producers (e.g. AWS Config delivery).
   * @default []
   */
  readonly extraStatements?: readonly DataAwsIamPolicyDocumentStatement[];
  /** Terraform refuses to destroy the bucket (production: logs are evidence). */
  readonly preventDestroy: boolean;
}

/**
 * The environment's central log bucket: SSE-S3 (the only encryption ELB log
 * delivery supports), all public access blocked, ACLs off, TLS only, Glacier after 90 days,
 * expiry after a year. ALB access logs go under `alb/`, writable only by the region's ELB
 * log-delivery account; other producers add their own statements.
 */
export class LogBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket policy; delivery channels that test their access must wait for it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const { names } = props;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: logBucketName(names, props.account, props.region),
      forceDestroy: false,
      tags: names.nameTag("logs"),
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    const bucket = this.bucket.id;
    const { publicAccessBlock } = hardenBucket(this, bucket, {
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
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "ElbLogDelivery",
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/${ALB_LOG_PREFIX}/AWSLogs/${props.account}/*`],
          principals: [{ type: "AWS", identifiers: [elb.arn] }],
        },
        ...(props.extraStatements ?? []),
        denyInsecureTransport(this.bucket.arn),
      ],
    });
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policy.json,
      dependsOn: [publicAccessBlock],
    });
  }
}
