import {
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  type TerraformStack,
} from "cdktf";
import type { CloudStateConfig } from "../config/schema";
import type { EnvironmentConfig } from "../config/resolve";
import { partitionOf } from "../lib/arn";
import type { Names } from "../lib/names";

/** The KMS alias of an environment's state key; the bootstrap stack creates it. */
export function stateKeyAlias(names: Names): string {
  return `alias/${names.physical("tfstate", { maxLength: 250 })}`;
}

/** `<keyPrefix>/<environment>/<layer>.tfstate`: one object per stack, readable at a glance. */
export function stateKey(names: Names, keyPrefix: string | undefined, layer: string): string {
  return `${keyPrefix ?? names.context.project}/${names.context.environment}/${layer}.tfstate`;
}

/** The HCP Terraform project of an environment's workspaces: configured, else the platform's name. */
export function hcpProjectName(names: Names, state: CloudStateConfig): string {
  return state.project ?? names.context.project;
}

/**
 * Wires the stack's state to where the environment's config says: S3 (with S3-native locking)
 * or one HCP Terraform workspace per stack. `local` is only for the bootstrap stack, which
 * creates the bucket the others need.
 */
export function configureBackend(
  stack: TerraformStack,
  names: Names,
  env: EnvironmentConfig,
  layer: string,
  mode: "remote" | "local",
): void {
  const stackId = names.stackId(layer);
  if (mode === "local") {
    // Relative to the stack's working directory (cdktf.out/stacks/<stack>), so the state file
    // lands in the project root instead of an absolute path of whoever synthesized last.
    new LocalBackend(stack, { path: `../../../terraform.${stackId}.tfstate` });
    return;
  }
  const state = env.state;
  if (state.backend === "cloud") {
    new CloudBackend(stack, {
      organization: state.organization,
      hostname: state.hostname,
      workspaces: new NamedCloudWorkspace(stackId, hcpProjectName(names, state)),
    });
    return;
  }
  const region = state.region ?? env.region;
  const kmsKeyId =
    state.kmsKeyId ??
    (state.bootstrap
      ? `arn:${partitionOf(region)}:kms:${region}:${env.account}:${stateKeyAlias(names)}`
      : undefined);
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: stateKey(names, state.keyPrefix, layer),
    region,
    encrypt: true,
    kmsKeyId,
    dynamodbTable: state.dynamodbTable,
  });
  // S3-native locking (Terraform >= 1.11). cdktf 0.21's S3Backend has no typed prop for it.
  backend.addOverride("use_lockfile", true);
}
