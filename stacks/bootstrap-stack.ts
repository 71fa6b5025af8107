import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { S3StateConfig } from "../config/schema";
import { StateBucket } from "../modules/state-bucket";
import { stateKeyAlias } from "./backend";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface BootstrapStackProps extends Omit<PlatformStackProps, "state"> {
  /** The environment's S3 state settings (the bucket to create). */
  readonly state: S3StateConfig;
}

/**
 * `<project>-<env>-bootstrap`: creates the state bucket and its KMS key. Its own state is
 * local, since the bucket it would live in does not exist yet; apply it once per account and
 * region before any other stack (see README).
 */
export class BootstrapStack extends PlatformStack {
  readonly stateBucket: StateBucket;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, "bootstrap", { ...props, state: "local" });
    this.stateBucket = new StateBucket(this, "state", {
      names: this.names,
      bucketName: props.state.bucket,
      kmsAliasName: stateKeyAlias(this.names),
      noncurrentVersionExpirationDays: props.state.noncurrentVersionExpirationDays,
      configPath: this.configPath("state"),
    });
    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateBucket.kmsKey.arn });
    new TerraformOutput(this, "state_kms_alias_arn", { value: this.stateBucket.kmsAlias.arn });
  }
}
