import { Construct } from "constructs";
import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import type { Names } from "../../lib/names";

/** The header CloudFront adds to every origin request and the ALB's web ACL requires. */
export const ORIGIN_HEADER = "X-Origin-Verify";

export interface OriginSecretProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /**
   * Days Secrets Manager keeps the deleted secret recoverable.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
}

/**
 * The shared secret between CloudFront and the ALB: a random value generated once (the
 * version ignores later draws of the generator) and kept in Secrets Manager, so the edge
 * stack reads it by ARN and nobody writes it into configuration.
 */
export class OriginSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly version: SecretsmanagerSecretVersion;
  /** The header value (sensitive in plans). */
  readonly value: string;

  constructor(scope: Construct, id: string, props: OriginSecretProps) {
    super(scope, id);
    const random = new DataAwsSecretsmanagerRandomPassword(this, "random", {
      passwordLength: 48,
      excludePunctuation: true,
    });
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.names.physical("cdn-origin-header", { maxLength: 256 }),
      description: `Value of ${ORIGIN_HEADER}, sent by CloudFront and required by the ALB's web ACL`,
      recoveryWindowInDays: props.recoveryWindowInDays ?? 30,
      tags: props.names.nameTag("cdn-origin-header"),
    });
    this.version = new SecretsmanagerSecretVersion(this, "value", {
      secretId: this.secret.id,
      secretString: random.randomPassword,
      // The generator draws a new value on every plan; the first one stays until rotated by hand.
      lifecycle: { ignoreChanges: ["secret_string"] },
    });
    this.value = this.version.secretString;
  }
}
