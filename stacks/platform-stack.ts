import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../config/resolve";
import { requiredVersionFor } from "../config/toolchain";
import { partitionOf } from "../lib/arn";
import { Names } from "../lib/names";
import { PermissionsBoundaryAspect } from "../lib/permissions-boundary";
import { permissionsBoundaryArn } from "../modules/ci-identity/deploy-permissions";
import { MANUAL_LAYERS } from "../modules/ci-identity/manual-layers";
import { checkPolicies, formatViolation, type StackJson } from "../lib/policy";
import { documentOf, prepareFragments, type PreparedFragments } from "../lib/stack-document";
import { configureBackend } from "./backend";

export interface PlatformStackProps {
  /** Project name, first part of the stack id. */
  readonly project: string;
  /** The validated environment this stack belongs to. */
  readonly environment: EnvironmentConfig;
  /** Terraform release from `.terraform-version`; the stack requires the trusted range that admits it. */
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
  /** The JSON the policy check resolved, handed to the synthesizer instead of resolving twice. */
  private checked: unknown;
  /** What cdktf's preparing pass resolved (lib/stack-document), until the document is built. */
  private prepared: PreparedFragments | undefined;

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
    this.node.addValidation({ validate: () => this.policyErrors() });
    // Where a CI identity applies the environment, every role it creates carries the boundary
    // its stack makes (ci for GitHub Actions, hcp for HCP Terraform runs).
    const manual = (MANUAL_LAYERS as readonly string[]).includes(layer);
    if (!manual && appliedByCiIdentity(props.environment)) {
      const arn = permissionsBoundaryArn(
        names,
        partitionOf(props.environment.region),
        props.environment.account,
      );
      Aspects.of(this).add(new PermissionsBoundaryAspect(arn));
    }
  }

  /**
   * cdktf resolves every element here to register references to other stacks, then resolves
   * the stack again to write it; the fragments of this first pass are kept and the document is
   * built from them (lib/stack-document), so each element is resolved once.
   */
  override prepareStack(): void {
    this.prepared = prepareFragments(this, (a) => a instanceof PermissionsBoundaryAspect);
    if (this.prepared === undefined) super.prepareStack();
  }

  /** The stack's document: from the prepared fragments where possible, else resolved afresh. */
  private document(): unknown {
    const prepared = this.prepared;
    this.prepared = undefined;
    return (prepared === undefined ? undefined : documentOf(this, prepared)) ?? super.toTerraform();
  }

  /**
   * The security and data-safety rules (lib/policy), run on the stack exactly as it will be
   * written. Any violation without an exception, or an exception that no longer matches
   * anything, fails the synth before this stack's JSON is written.
   */
  private policyErrors(): string[] {
    // Only a prepared stack's document is kept for writing: on cdktf's path, custom synthesis
    // (assets) runs between validation and writing, so that document is resolved again.
    const prepared = this.prepared !== undefined;
    const json = this.document();
    if (prepared) this.checked = json;
    const exceptions = this.environment.policyExceptions.filter((e) =>
      e.resource.startsWith(`${this.node.id}/`),
    );
    const result = checkPolicies(json as StackJson, this.environment.production, exceptions);
    const stale = exceptions.filter(
      (e) => !result.excepted.some((x) => x.rule === e.rule && x.resource.path === e.resource),
    );
    return [
      ...result.violations.map((v) => `POLICY ${formatViolation(v)}`),
      ...stale.map(
        (e) => `POLICY exception ${e.rule} for ${e.resource} matches no violation; remove it`,
      ),
    ];
  }

  /**
   * cdktf validates a stack (policyErrors above) and then resolves it again to write it, with
   * nothing in between that can change it (no assets or custom synthesis here). Resolving is
   * the largest part of synth time, so the validated JSON is written as is, once.
   */
  override toTerraform(): Record<string, unknown> {
    const json = this.checked ?? this.document();
    this.checked = undefined;
    return json as Record<string, unknown>;
  }

  /** Path prefix for validation errors about this environment's config. */
  configPath(...parts: string[]): string {
    return ["environments", this.environment.name, ...parts].join(".");
  }
}

/** Whether an identity created by this repository (GitHub Actions or HCP Terraform) applies the environment. */
export function appliedByCiIdentity(env: EnvironmentConfig): boolean {
  if (env.ci !== undefined) return true;
  return env.state.backend === "cloud" && env.state.executionMode !== "local";
}
