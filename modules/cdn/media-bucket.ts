import { Construct } from "constructs";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { denyInsecureTransport, hardenBucket } from "../../lib/bucket-hardening";
import type { Names } from "../../lib/names";

export interface MediaBucketProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (part of the globally unique name). */
  readonly account: string;
  /** Region (part of the globally unique name). */
  readonly region: string;
  /** Terraform refuses to destroy the bucket (production: uploads are user data). */
  readonly preventDestroy: boolean;
}

/**
 * A private bucket for static and media assets that only CloudFront reads, through Origin
 * Access Control (SigV4-signed requests; the legacy origin access identity is not used).
 * SSE-S3, because OAC with SSE-KMS would need CloudFront in the key policy for no gain here.
 */
export class MediaBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly accessControl: CloudfrontOriginAccessControl;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    const { names } = props;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: names.physical(["media", props.account, props.region], { maxLength: 63 }),
      forceDestroy: false,
      tags: names.nameTag("media"),
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    hardenBucket(this, this.bucket.id, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
    });
    this.accessControl = new CloudfrontOriginAccessControl(this, "oac", {
      name: names.physical("media", { maxLength: 64 }),
      description: "CloudFront reads the media bucket with signed requests",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
  }

  /** Lets only `distributionArn` read objects (and nothing without TLS). */
  allowDistribution(distributionArn: string): S3BucketPolicy {
    const doc = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "CloudFrontReads",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          actions: ["s3:GetObject"],
          resources: [`${this.bucket.arn}/*`],
          condition: [
            { test: "StringEquals", variable: "AWS:SourceArn", values: [distributionArn] },
          ],
        },
        denyInsecureTransport(this.bucket.arn),
      ],
    });
    return new S3BucketPolicy(this, "policy", { bucket: this.bucket.id, policy: doc.json });
  }
}
