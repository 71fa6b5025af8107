import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { Names } from "../../lib/names";
import { fixtureInput } from "../fixtures/config";
import { StateBucket } from "../../modules/state-bucket";
import { synthConstruct } from "../helpers/synth";
import { synthFixture } from "../fixtures/synth";
import { only, refTo, type Block } from "../helpers/tf";

describe("bootstrap stack", () => {
  const { stacks } = synthFixture();
  const json = stacks["fixture-live-bootstrap"];
  const bucketRef = refTo(json, "aws_s3_bucket", only(json, "aws_s3_bucket"), "id");

  it("exists for each environment with S3 state, with local state next to the project", () => {
    const config = loadConfig(fixtureInput());
    expect(Object.keys(stacks).filter((s) => s.endsWith("-bootstrap"))).toEqual(
      Object.values(config.environments)
        .filter((e) => e.state.backend === "s3" && e.state.bootstrap)
        .map((e) => `${config.project}-${e.name}-bootstrap`)
        .sort(),
    );
    expect(json.terraform?.backend).toEqual({
      local: { path: "../../../terraform.fixture-live-bootstrap.tfstate" },
    });
  });

  it("creates the bucket the other stacks' backend names, protected from destroy", () => {
    const backendBucket = stacks["fixture-live-network"].terraform?.backend?.s3.bucket;
    expect(only(json, "aws_s3_bucket")).toMatchObject({
      bucket: backendBucket,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("versions the bucket", () => {
    expect(only(json, "aws_s3_bucket_versioning")).toMatchObject({
      bucket: bucketRef,
      versioning_configuration: { status: "Enabled" },
    });
  });

  it("encrypts with SSE-KMS under a rotating, destroy-protected key whose alias the backend uses", () => {
    const key = only(json, "aws_kms_key");
    expect(key).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      bucket: bucketRef,
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: refTo(json, "aws_kms_key", key, "arn"),
          },
          bucket_key_enabled: true,
        },
      ],
    });
    const alias = only(json, "aws_kms_alias");
    expect(alias.name).toBe("alias/fixture-live-tfstate");
    expect(String(stacks["fixture-live-network"].terraform?.backend?.s3.kms_key_id)).toMatch(
      /:alias\/fixture-live-tfstate$/,
    );
  });

  it("blocks all four kinds of public access and disables ACLs", () => {
    expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: bucketRef,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(json, "aws_s3_bucket_ownership_controls")).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("denies every request without TLS, and TLS older than 1.2", () => {
    const doc = Object.values(json.data?.aws_iam_policy_document ?? {})[0];
    const statements = doc.statement as Block[];
    const bucketArn = refTo(json, "aws_s3_bucket", only(json, "aws_s3_bucket"), "arn");
    expect(statements).toEqual([
      expect.objectContaining({
        effect: "Deny",
        actions: ["s3:*"],
        resources: [bucketArn, `${bucketArn}/*`],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      }),
      expect.objectContaining({
        effect: "Deny",
        condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
      }),
    ]);
    expect(only(json, "aws_s3_bucket_policy").bucket).toBe(bucketRef);
  });

  it("expires superseded state versions after the configured days and cleans up aborted uploads", () => {
    expect(only(json, "aws_s3_bucket_lifecycle_configuration")).toMatchObject({
      bucket: bucketRef,
      rule: [
        {
          status: "Enabled",
          noncurrent_version_expiration: [{ noncurrent_days: 365 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
    });
    const dev = stacks["fixture-sandbox-bootstrap"];
    expect(only(dev, "aws_s3_bucket_lifecycle_configuration")).toMatchObject({
      rule: [{ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }],
    });
  });
});

describe("StateBucket validation", () => {
  const names = new Names({ project: "acme", environment: "test" });

  it("rejects a bucket name S3 would refuse, naming the config path", () => {
    expect(() =>
      synthConstruct(
        (stack) =>
          new StateBucket(stack, "state", {
            names,
            bucketName: "acme..state",
            kmsAliasName: "alias/acme",
            noncurrentVersionExpirationDays: 90,
            configPath: "environments.test.state",
          }),
      ),
    ).toThrow(
      'Invalid configuration: environments.test.state.bucket: "acme..state" must not contain two adjacent dots',
    );
  });

  it("rejects a non-positive expiry", () => {
    expect(() =>
      synthConstruct(
        (stack) =>
          new StateBucket(stack, "state", {
            names,
            bucketName: "acme-state",
            kmsAliasName: "alias/acme",
            noncurrentVersionExpirationDays: 0,
          }),
      ),
    ).toThrow("test/state.noncurrentVersionExpirationDays: 0 must be a whole number of days >= 1");
  });
});
