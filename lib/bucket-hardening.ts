import type { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import {
  S3BucketServerSideEncryptionConfigurationA,
  type S3BucketServerSideEncryptionConfigurationRuleA,
} from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

/**
 * The settings every bucket of the platform gets: versioning, default encryption, all four
 * public access blocks and ACLs disabled. Created in the caller's scope with fixed ids, so
 * using this never moves an existing bucket's resources to new addresses.
 */
export function hardenBucket(
  scope: Construct,
  bucket: string,
  encryption: S3BucketServerSideEncryptionConfigurationRuleA,
): { publicAccessBlock: S3BucketPublicAccessBlock } {
  new S3BucketVersioningA(scope, "versioning", {
    bucket,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    bucket,
    rule: [encryption],
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "public-access-block", {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, "ownership", {
    bucket,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  return { publicAccessBlock };
}

/** Denies every request to the bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: "*", identifiers: ["*"] }],
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}
