import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { denyInsecureTransport, hardenBucket } from "../../lib/bucket-hardening";
import type { Names } from "../../lib/names";

export interface LogRouterConfigBucketProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (part of the globally unique name). */
  readonly account: string;
  /** Region (part of the globally unique name). */
  readonly region: string;
  /** Terraform refuses to destroy the bucket (production). */
  readonly preventDestroy: boolean;
}

/**
 * Where the generated Fluent Bit configurations live, one object per service: Fargate cannot
 * mount files, so the router's init process downloads its file from S3 at start. A bucket of
 * its own because the log bucket archives and expires every object it holds.
 */
export class LogRouterConfigBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: LogRouterConfigBucketProps) {
    super(scope, id);
    const { names } = props;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: names.physical(["log-router", props.account, props.region], { maxLength: 63 }),
      // Every object is generated from the configuration; nothing here needs keeping.
      forceDestroy: true,
      tags: names.nameTag("log-router-config"),
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
          id: "expire-old-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [denyInsecureTransport(this.bucket.arn)],
    });
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policy.json,
      dependsOn: [publicAccessBlock],
    });
  }
}
