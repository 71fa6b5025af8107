import type { TerraformStack } from "cdktf";

/**
 * The stacks each stack reads through remote state, derived from the cross-stack references
 * themselves: cdktf records a dependency only when it resolves a reference from one stack to
 * another (this repository never adds one by hand), and it resolves them while preparing a
 * stack. Preparing is idempotent, so `app.synth()` preparing them again changes nothing.
 */
export function remoteStateReads(
  stacks: readonly TerraformStack[],
): Map<TerraformStack, TerraformStack[]> {
  for (const stack of stacks) stack.prepareStack();
  return new Map(
    stacks.map((stack) => [stack, stack.dependencies.filter((d) => stacks.includes(d))]),
  );
}
