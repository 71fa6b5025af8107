import { rmSync } from "node:fs";
import {
  App,
  Aspects,
  Lazy,
  TerraformResource,
  TerraformStack,
  Testing,
  type IAspect,
} from "cdktf";
import type { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { readTerraformVersion } from "../../config/toolchain";
import { PermissionsBoundaryAspect } from "../../lib/permissions-boundary";
import { buildPlatform, PlatformStack } from "../../stacks";
import { FIXTURE, fixtureInput } from "../fixtures/config";
import { shippedInput } from "../helpers/config";
import { scratchApp } from "../helpers/scratch-app";
import { readStacks, scratch, synthPlatform, synthShipped } from "../helpers/synth";
import type { TfJson } from "../helpers/tf";

/*
 * PlatformStack writes the document cdktf's preparing pass resolved (lib/stack-document)
 * instead of resolving every stack again. What it writes must be what cdktf's own
 * toTerraform resolves, also where that pass changed the stacks: a real cross-stack token
 * (an output added to the origin, a remote state to the consumer) and an aspect.
 */

/** Tags the role with how often it was visited: applied twice, the tag would say so. */
class CountingAspect implements IAspect {
  visits = 0;
  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.tags = { visits: String(++this.visits) };
  }
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

interface Synthesized {
  readonly stacks: readonly PlatformStack[];
  /** Each stack's written cdk.tf.json. */
  readonly written: Map<PlatformStack, TfJson>;
}

/**
 * An origin stack with a role and a consumer stack storing the role's ARN, synthesized;
 * `extend` adds to the origin.
 */
function synthTwoStacks(
  aspect?: IAspect,
  extend?: (origin: PlatformStack, role: IamRole) => void,
): Synthesized {
  const outdir = scratch("resolve-once-");
  outdirs.push(outdir);
  const app = new App({ outdir, stackTraces: false });
  const environment = loadConfig(fixtureInput()).environments[FIXTURE.nonProduction];
  const props = { project: "fixture", environment, terraformVersion: readTerraformVersion() };
  const origin = new PlatformStack(app, "origin", props);
  const role = new IamRole(origin, "role", { name: "origin-role", assumeRolePolicy: "{}" });
  if (aspect !== undefined) Aspects.of(origin).add(aspect);
  extend?.(origin, role);
  const consumer = new PlatformStack(app, "consumer", props);
  new SsmParameter(consumer, "role-arn", { name: "/origin/role", type: "String", value: role.arn });
  app.synth();
  const stacks = [origin, consumer];
  const files = readStacks(outdir);
  const written = new Map(stacks.map((stack) => [stack, files[stack.node.id]]));
  return { stacks, written };
}

/** What cdktf's own TerraformStack.toTerraform resolves for the stack, as JSON. */
function cdktfDocument(stack: PlatformStack): TfJson {
  const json: unknown = TerraformStack.prototype.toTerraform.call(stack);
  return JSON.parse(JSON.stringify(json)) as TfJson;
}

describe("each stack resolved once", () => {
  it("a cross-stack token gives the origin an output and the consumer a remote state, as in cdktf", () => {
    const { stacks, written } = synthTwoStacks();
    const [origin, consumer] = stacks;
    const outputs = Object.entries(written.get(origin)?.output ?? {});
    expect(outputs).toHaveLength(1);
    const [outputName, output] = outputs[0];
    expect(outputName).toBe("cross-stack-output-aws_iam_rolerolearn");
    expect(output).toMatchObject({ value: "${aws_iam_role.role.arn}", sensitive: true });
    const sources = Object.keys(written.get(consumer)?.data?.terraform_remote_state ?? {});
    expect(sources).toEqual([`cross-stack-reference-input-${origin.node.id}`]);
    const parameter = written.get(consumer)?.resource?.aws_ssm_parameter["role-arn"];
    expect(parameter?.value).toBe(
      `\${data.terraform_remote_state.${sources[0]}.outputs.${outputName}}`,
    );
    for (const stack of stacks) expect(written.get(stack)).toEqual(cdktfDocument(stack));
  });

  it("the permissions boundary aspect is on the written role, as in cdktf", () => {
    const { stacks, written } = synthTwoStacks();
    const [origin] = stacks;
    const hasBoundary = Aspects.of(origin).all.some((a) => a instanceof PermissionsBoundaryAspect);
    expect(hasBoundary).toBe(true);
    const role = written.get(origin)?.resource?.aws_iam_role.role;
    expect(role?.permissions_boundary).toMatch(/^arn:aws:iam::\d{12}:policy\//);
    expect(written.get(origin)).toEqual(cdktfDocument(origin));
  });

  it("an aspect that is not known to be idempotent runs once, as in cdktf", () => {
    const aspect = new CountingAspect();
    const { stacks, written } = synthTwoStacks(aspect);
    const [origin] = stacks;
    expect(aspect.visits).toBe(1);
    expect(written.get(origin)?.resource?.aws_iam_role.role.tags).toEqual({ visits: "1" });
    for (const stack of stacks) expect(written.get(stack)).toEqual(cdktfDocument(stack));
  });

  it("a stack override holding a token is resolved, as in cdktf", () => {
    const { stacks, written } = synthTwoStacks(undefined, (origin, role) => {
      origin.addOverride("locals.role_name", role.name);
    });
    const [origin] = stacks;
    expect(written.get(origin)?.locals).toEqual({ role_name: "${aws_iam_role.role.name}" });
    expect(written.get(origin)).toEqual(cdktfDocument(origin));
  });
});

/** Runs `fn` with PlatformStack on cdktf's own prepareStack and toTerraform. */
function onCdktfPath<T>(fn: () => T): T {
  const proto = PlatformStack.prototype;
  const saved = (["prepareStack", "toTerraform"] as const).map(
    (name) => [name, Object.getOwnPropertyDescriptor(proto, name)] as const,
  );
  proto.prepareStack = function (this: PlatformStack) {
    TerraformStack.prototype.prepareStack.call(this);
  };
  proto.toTerraform = function (this: PlatformStack) {
    return TerraformStack.prototype.toTerraform.call(this) as Record<string, unknown>;
  };
  try {
    return fn();
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor !== undefined) Object.defineProperty(proto, name, descriptor);
    }
  }
}

/** The shipped configuration with dev on HCP Terraform (an hcp stack, its early prepare). */
function cloudInput() {
  const input = shippedInput();
  const dev = input.environments.dev;
  delete dev.ci;
  dev.state = { backend: "cloud", organization: "acme", project: "platform" };
  return input;
}

describe("the same files as cdktf's own path", () => {
  // The shipped side reuses the worker's shared synth; the HCP variant builds dev, the
  // environment it changes (its hcp stack looks at the dependencies early).
  it.each([
    ["shipped", () => synthShipped(), () => synthPlatform()],
    [
      "shipped with dev on HCP Terraform",
      () => synthPlatform(cloudInput(), { environments: ["dev"] }),
      () => synthPlatform(cloudInput(), { environments: ["dev"] }),
    ],
  ])(
    "writes every stack of the %s configuration byte for byte as cdktf does",
    (_name, ours, theirs) => {
      const text = (stacks: Record<string, TfJson>) =>
        Object.fromEntries(Object.entries(stacks).map(([id, json]) => [id, JSON.stringify(json)]));
      const once = text(ours().stacks);
      const cdktf = text(onCdktfPath(() => theirs().stacks));
      expect(Object.keys(once).length).toBeGreaterThan(8);
      expect(once).toEqual(cdktf);
    },
  );

  it("resolves each token once (cdktf resolves it for preparing, validating and writing)", () => {
    const counted = () => {
      let calls = 0;
      const { stacks, written } = synthTwoStacks(undefined, (origin) => {
        new SsmParameter(origin, "counted", {
          name: "/origin/counted",
          type: "String",
          value: Lazy.stringValue({ produce: () => String(++calls) }),
        });
      });
      return written.get(stacks[0])?.resource?.aws_ssm_parameter.counted.value;
    };
    expect(counted()).toBe("1");
    expect(onCdktfPath(counted)).not.toBe("1");
  });

  it("resolves list tokens, token keys and undefined list items in stack overrides, as cdktf", () => {
    const { stacks, written } = synthTwoStacks(undefined, (origin, role) => {
      origin.addOverride("locals.arns", role.managedPolicyArns);
      origin.addOverride("locals.keyed", { [role.name]: "x" });
      origin.addOverride("locals.sparse", ["a", undefined, "b"]);
    });
    const [origin] = stacks;
    expect(JSON.stringify(written.get(origin))).not.toMatch(/TfToken|null/);
    expect(written.get(origin)).toEqual(cdktfDocument(origin));
  });

  it("writes a change made after the hcp stack's early look at the dependencies", () => {
    const app = scratchApp();
    const config = loadConfig(cloudInput());
    // dev alone: the changed stack and the hcp stack that looked at it early are both dev's.
    const built = buildPlatform(app, {
      config,
      environments: [config.environments.dev],
      terraformVersion: readTerraformVersion(),
    });
    const network = built.dev.network;
    const vpc = network.node
      .findAll()
      .find(
        (c): c is TerraformResource =>
          c instanceof TerraformResource && c.terraformResourceType === "aws_vpc",
      );
    if (vpc === undefined) throw new Error("no VPC in the network stack");
    vpc.addOverride("tags.ChangedAfterBuild", "yes");
    const json = JSON.parse(Testing.synth(network)) as TfJson;
    const vpcs = Object.values(json.resource?.aws_vpc ?? {});
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0].tags).toMatchObject({ ChangedAfterBuild: "yes" });
  });
});
