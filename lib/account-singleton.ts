import type { TerraformResource } from "cdktf";

/**
 * How one environment treats a resource AWS allows only once per account (or per account and
 * region): `create` it (this environment owns it), `adopt` an existing one by importing it into
 * this environment's state (`import` block with the given id; it owns it afterwards), or
 * `reference` it (another environment, or something outside this repository, owns it: this
 * environment neither creates nor changes it).
 */
export type SingletonMode = "create" | "reference" | { readonly adopt: string };

/** Whether this environment manages the singleton (creates or adopts it). */
export function ownsSingleton(mode: SingletonMode): boolean {
  return mode !== "reference";
}

/**
 * Turns `resource` into an adoption of the existing singleton when `mode` says so. The
 * `import` block stays in the configuration: once the resource is in state Terraform treats
 * it as done, so adopting is a one-line config change and no manual `terraform import`.
 */
export function adoptIfAsked(resource: TerraformResource, mode: SingletonMode): void {
  if (typeof mode === "object") resource.importFrom(mode.adopt);
}
