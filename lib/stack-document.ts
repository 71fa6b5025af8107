import { isDeepStrictEqual } from "node:util";
import { Aspects, TerraformElement, TerraformOutput, TerraformStack, type IAspect } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { deepMerge } from "cdktf/lib/util";
import type { IConstruct } from "constructs";

/*
 * cdktf resolves every stack twice: App.synth first resolves all elements with `preparing`
 * set, so that a reference to another stack's resource registers an output in the origin
 * stack and a remote state in the consumer (tfExpression Reference.resolve), then resolves
 * everything again to write. Resolving is most of synth time. prepareFragments keeps what the
 * first pass resolves, and documentOf builds the document from it, resolving only the
 * elements added since (those cross-stack outputs and remote states).
 *
 * Why the kept fragments are what a second resolve would give: a reference resolves, in
 * either pass, to the expression registered for the stack it is resolved in, and that is
 * registered during this stack's own preparing pass; other stacks' passes only add elements
 * (appended, so resolved here afresh); aspects run before the first pass, and only those that
 * leave the tree as it is when applied again (cdktf applies them once more before writing);
 * nothing else runs between App.synth's two passes but validations and custom synthesis
 * (assets), and a stack with custom synthesis is resolved twice, as cdktf does.
 *
 * This mirrors TerraformStack.toTerraform and prepareStack of cdktf 0.21.0 (pinned exactly):
 * the same elements in the same order, fragments resolved with `preparing` as prepareStack
 * does, metadata, outputs, overrides and the final resolve without it as toTerraform does.
 * It reaches into three of cdktf's private modules (lib/_tokens, lib/synthesize/synthesizer,
 * lib/util) and two private fields (StackInternals below): the checklist for a cdktf upgrade,
 * with __tests__/stacks/resolve-once.test.ts, which compares against cdktf's own path.
 *
 * Two deliberate differences from cdktf, neither reachable by the platform's stacks today:
 * - Aspects run before the preparing pass, not after it. A value an aspect replaces (the
 *   permissions boundary) is never resolved, so it cannot leave a cross-stack output and
 *   remote state behind that nothing reads, as cdktf would.
 * - Each token is resolved once, in the preparing pass. A Lazy with side effects or that
 *   reads the tree, or a token whose value depends on `context.preparing`, gives its first
 *   answer, where cdktf writes its second. The platform has no Lazy values.
 */

/** What cdktf keeps private on a stack and reads in toTerraform. */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: string | undefined;
}

/** A stack's elements at preparation and their fragments as the preparing pass resolved them. */
export interface PreparedFragments {
  readonly elements: readonly TerraformElement[];
  readonly fragments: readonly unknown[];
}

/** The elements toTerraform writes: the stack's subtree without nested stacks. */
export function stackElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) stackElements(child, into);
  }
  return into;
}

const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

/**
 * Whether the document can be built at preparation: every aspect of the subtree is one that
 * `idempotent` admits (it is applied here, before resolving, and cdktf applies it again
 * before writing, which must change nothing), and no construct synthesizes something of its
 * own (assets), which cdktf runs after validation.
 */
function preparable(stack: TerraformStack, idempotent: (aspect: IAspect) => boolean): boolean {
  return stack.node
    .findAll()
    .every(
      (node) => Aspects.of(node).all.every(idempotent) && !Object.hasOwn(node, CUSTOM_SYNTHESIS),
    );
}

/**
 * Does what cdktf's prepareStack does (backend, `preparing` resolve of every element) and
 * keeps the fragments, or returns undefined without resolving where they could differ from
 * what toTerraform resolves later: then the caller runs cdktf's prepareStack.
 */
export function prepareFragments(
  stack: TerraformStack,
  idempotent: (aspect: IAspect) => boolean,
): PreparedFragments | undefined {
  stack.ensureBackendExists();
  if (!preparable(stack, idempotent)) return undefined;
  invokeAspects(stack);
  const elements = stackElements(stack);
  return {
    elements,
    fragments: elements.map((e) => resolve<unknown>(stack, e.toTerraform(), true)),
  };
}

/**
 * The stack's document, exactly as toTerraform returns it, from the prepared fragments and
 * the elements added since; undefined if an element went away or moved (never in cdktf's
 * own flow), and the caller resolves everything again.
 */
export function documentOf(
  stack: TerraformStack,
  prepared: PreparedFragments,
): Record<string, unknown> | undefined {
  const elements = stackElements(stack);
  const kept = prepared.elements;
  if (elements.length < kept.length || kept.some((e, i) => e !== elements[i])) return undefined;
  const added = elements.slice(kept.length).map((e) => resolve<unknown>(stack, e.toTerraform()));
  return assemble(stack, elements, [...prepared.fragments, ...added]);
}

/** TerraformStack.toTerraform with the element fragments already resolved. */
function assemble(
  stack: TerraformStack,
  elements: readonly TerraformElement[],
  fragments: readonly unknown[],
): Record<string, unknown> {
  const internals = stack as unknown as StackInternals;
  const tf: Record<string, unknown> = {};
  const metadata: Record<string, unknown> = {
    version: internals.cdktfVersion,
    stackName: stack.node.id,
    backend: "local",
    cloud: undefined,
    ...(Object.keys(internals.rawOverrides).length > 0
      ? { overrides: { stack: Object.keys(internals.rawOverrides) } }
      : {}),
  };
  for (const meta of elements.map((e) => resolve<unknown>(stack, e.toMetadata()))) {
    deepMerge(metadata, meta);
  }
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(
      outputs,
      item.node.path
        .split("/")
        .reduceRight<Record<string, unknown>>(
          (inner, part) =>
            Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner },
          {},
        ),
    );
  }
  // toTerraform resolves the merged document once more, for the stack's overrides: on the
  // fragments, already resolved, that changes nothing (no token marker is left in them, and
  // undefined values are gone), so it is left out where resolving the overrides changes
  // nothing either. Comparing the resolved overrides catches every kind of token (string,
  // list, map, number, in keys) and undefined in arrays, which cdktf's resolve drops.
  const overridesResolve = !isDeepStrictEqual(
    resolve(stack, internals.rawOverrides),
    internals.rawOverrides,
  );
  tf["//"] = overridesResolve ? { metadata, outputs } : resolve(stack, { metadata, outputs });
  for (const fragment of fragments) deepMerge(tf, fragment);
  deepMerge(tf, internals.rawOverrides);
  // Otherwise the returned document shares arrays with the fragments and overrides: it is
  // written once.
  return overridesResolve ? resolve(stack, tf) : tf;
}
