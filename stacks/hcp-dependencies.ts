import { TerraformStack } from "cdktf";

/** What one stack needs from the others of its environment. */
export interface StackDependencies {
  /** Stacks whose state it reads through `terraform_remote_state`. */
  readonly reads: TerraformStack[];
  /** Stacks it must run after: the ones it reads plus explicit ordering dependencies. */
  readonly after: TerraformStack[];
}

/**
 * Each stack's dependencies, derived from the cross-stack references themselves. cdktf
 * resolves references while preparing a stack: a reference adds a dependency and a remote
 * state data source named `cross-stack-reference-input-<producer path>`; `addDependency`
 * (ordering only, e.g. the edge stack after services) adds just the dependency. Preparing is
 * idempotent, so `app.synth()` preparing the stacks again changes nothing.
 */
export function stackDependencies(
  stacks: readonly TerraformStack[],
): Map<TerraformStack, StackDependencies> {
  // cdktf's own prepareStack, not a subclass's: PlatformStack keeps the fragments it resolves
  // for writing, and this early pass runs while the stacks are still being built.
  for (const stack of stacks) TerraformStack.prototype.prepareStack.call(stack);
  return new Map(
    stacks.map((stack) => {
      const after = stack.dependencies.filter((d) => stacks.includes(d));
      const reads = after.filter(
        (d) => stack.node.tryFindChild(`cross-stack-reference-input-${d.node.path}`) !== undefined,
      );
      return [stack, { reads, after }];
    }),
  );
}
