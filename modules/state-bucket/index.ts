import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { s3BucketNameProblem } from "../../lib/aws-names";
import { denyInsecureTransport, hardenBucket } from "../../lib/bucket-hardening";
import type { Names } from "../../lib/names";
import { assertNoIssues, show } from "../../lib/validation";

export interface StateBucketProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Bucket name; must be one S3 accepts. */
  readonly bucketName: string;
  /** KMS alias for the state key, e.g. `alias/platform-dev-tfstate`. */
  readonly kmsAliasName: string;
  /** Days a superseded state version is kept. */
  readonly noncurrentVersionExpirationDays: number;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * The bucket every other stack keeps its state in, hardened because losing or leaking it
 * loses or leaks the whole platform: versioned, SSE-KMS with a rotating key, all public access
 * blocked, ACLs disabled, TLS 1.2+ only, and protected from `terraform destroy`.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly kmsKey: KmsKey;
  readonly kmsAlias: KmsAlias;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const root = props.configPath ?? this.node.path;
    const problem = s3BucketNameProblem(props.bucketName);
    const days = props.noncurrentVersionExpirationDays;
    assertNoIssues(root, [
      ...(problem === undefined
        ? []
        : [{ path: ["bucket"], message: `${show(props.bucketName)} ${problem}` }]),
      ...(Number.isInteger(days) && days >= 1
        ? []
        : [
            {
              path: ["noncurrentVersionExpirationDays"],
              message: `${show(days)} must be a whole number of days >= 1`,
            },
          ]),
    ]);
    const { names } = props;

    this.kmsKey = new KmsKey(this, "key", {
      description: `Terraform state of ${names.prefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: names.nameTag("tfstate"),
      lifecycle: { preventDestroy: true },
    });
    this.kmsAlias = new KmsAlias(this, "key-alias", {
      name: props.kmsAliasName,
      targetKeyId: this.kmsKey.keyId,
    });

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      tags: names.nameTag("tfstate"),
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;

    const { publicAccessBlock } = hardenBucket(this, bucket, {
      applyServerSideEncryptionByDefault: {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: this.kmsKey.arn,
      },
      bucketKeyEnabled: true,
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-superseded-state",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: days }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const objects = [this.bucket.arn, `${this.bucket.arn}/*`];
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        denyInsecureTransport(this.bucket.arn),
        {
          sid: "DenyOutdatedTls",
          effect: "Deny",
          actions: ["s3:*"],
          resources: objects,
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        },
      ],
    });
    // S3 rejects concurrent bucket-level configuration calls, so order them.
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policy.json,
      dependsOn: [publicAccessBlock],
    });
  }
}
