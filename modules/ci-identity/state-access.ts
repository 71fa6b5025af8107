import { Token } from "cdktf";
import { allow, deny, type Condition, type Statement } from "./scope";

export interface StateLocation {
  readonly partition: string;
  /** State bucket name. */
  readonly bucket: string;
  /** KMS key or alias ARN the backend encrypts state with; none for SSE-S3. */
  readonly kmsKeyArn?: string;
  /** Key prefix of the environment's state objects, e.g. `platform/dev/`. */
  readonly keyPrefix: string;
  /** Layers applied by hand, whose state CI must neither write nor lock. */
  readonly manualLayers: readonly string[];
}

/**
 * The key statements must name. IAM ignores alias ARNs in `Resource`, so an alias becomes
 * "any key of that account and region that carries this alias".
 */
export function stateKeyTarget(kmsKeyArn: string): {
  resources: string[];
  condition?: Condition[];
} {
  const alias = Token.isUnresolved(kmsKeyArn)
    ? undefined
    : /^(arn:[^:]+:kms:[^:]+:\d{12}):(alias\/.+)$/.exec(kmsKeyArn);
  if (alias === null || alias === undefined) return { resources: [kmsKeyArn] };
  return {
    resources: [`${alias[1]}:key/*`],
    condition: [
      { test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [alias[2]] },
    ],
  };
}

/**
 * Terraform's S3 backend with `use_lockfile`: state objects `<key>.tfstate` and lock objects
 * `<key>.tfstate.tflock` (created, then deleted to unlock). Plan reads state but still takes
 * the lock, so both roles write lock objects; only deploy writes state. Only the environment's
 * own keys, never the state of the layers applied by hand; nothing may delete a state object
 * or touch other objects in the bucket.
 */
export function stateStatements(location: StateLocation, mode: "deploy" | "plan"): Statement[] {
  const bucketArn = `arn:${location.partition}:s3:::${location.bucket}`;
  const keys = `${bucketArn}/${location.keyPrefix}`;
  const statements = [
    allow("StateList", ["s3:ListBucket"], [bucketArn]),
    allow(
      mode === "deploy" ? "StateReadWrite" : "StateRead",
      mode === "deploy" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"],
      [`${keys}*.tfstate`],
    ),
    allow(
      "StateLock",
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      [`${keys}*.tfstate.tflock`],
    ),
  ];
  if (location.manualLayers.length > 0) {
    statements.push(
      deny(
        "ManualLayersState",
        ["s3:PutObject", "s3:DeleteObject"],
        location.manualLayers.flatMap((l) => [`${keys}${l}.tfstate`, `${keys}${l}.tfstate.tflock`]),
      ),
    );
  }
  if (location.kmsKeyArn !== undefined) {
    const key = stateKeyTarget(location.kmsKeyArn);
    // Only through S3: the key protects state, nothing else may use it on CI's behalf.
    const viaS3: Condition = {
      test: "StringLike",
      variable: "kms:ViaService",
      values: ["s3.*.amazonaws.com"],
    };
    statements.push(
      allow(
        "StateKey",
        // GenerateDataKey: lock objects are written with SSE-KMS too, by plan as well.
        mode === "deploy"
          ? ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
          : ["kms:Decrypt", "kms:GenerateDataKey"],
        key.resources,
        [...(key.condition ?? []), viaS3],
      ),
    );
  }
  return statements;
}

/**
 * The bootstrap stack's bucket and key are applied by hand; CI may use them but never
 * reconfigure them, even when their names fall under the project prefix.
 */
export function protectState(location: StateLocation): Statement[] {
  const bucketArn = `arn:${location.partition}:s3:::${location.bucket}`;
  const statements = [
    deny(
      "ProtectStateBucket",
      [
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:DeleteObjectVersion",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
      ],
      [bucketArn, `${bucketArn}/*`],
    ),
  ];
  if (location.kmsKeyArn !== undefined) {
    const key = stateKeyTarget(location.kmsKeyArn);
    statements.push(
      deny(
        "ProtectStateKey",
        [
          "kms:DisableKey",
          "kms:PutKeyPolicy",
          "kms:ScheduleKeyDeletion",
          "kms:DeleteAlias",
          "kms:UpdateAlias",
        ],
        key.resources,
        key.condition,
      ),
    );
  }
  return statements;
}
