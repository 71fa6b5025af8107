import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../config/schema";
import { requiredVersionFor } from "../config/toolchain";
import { Names } from "../lib/names";
import { configureBackend } from "./backend";

export interface PlatformStackProps {
  /** Project name, first part of the stack id. */
  readonly project: string;
  /** The validated environment this stack belongs to. */
  readonly environment: EnvironmentConfig;
  /** Terraform release from `.terraform-version`; the stack requires that minor release. */
  readonly terraformVersion: string;
  /**
   * Where state lives: the environment's backend, or local (bootstrap only).
   * @default "remote"
   */
  readonly state?: "remote" | "local";
}

/**
 * Base of every stack: id `<project>-<env>-<layer>`, an AWS provider locked to the
 * environment's account and region with default tags, the state backend and the Terraform
 * version requirement.
 */
export class PlatformStack extends TerraformStack {
  readonly names: Names;
  readonly environment: EnvironmentConfig;
  readonly layer: string;
  readonly provider: AwsProvider;

  constructor(scope: Construct, layer: string, props: PlatformStackProps) {
    const names = new Names({ project: props.project, environment: props.environment.name });
    super(scope, names.stackId(layer));
    this.names = names;
    this.environment = props.environment;
    this.layer = layer;

    this.provider = new AwsProvider(this, "aws", {
      region: props.environment.region,
      // Credentials for the wrong account make plan fail instead of touching it.
      allowedAccountIds: [props.environment.account],
      defaultTags: [{ tags: names.defaultTags(layer, props.environment.tags) }],
    });
    configureBackend(this, names, props.environment, layer, props.state ?? "remote");
    this.addOverride("terraform.required_version", requiredVersionFor(props.terraformVersion));
  }

  /** Path prefix for validation errors about this environment's config. */
  configPath(...parts: string[]): string {
    return ["environments", this.environment.name, ...parts].join(".");
  }
}
