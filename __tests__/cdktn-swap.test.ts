import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CDKTN,
  classify,
  compareOutputs,
  jsonDiff,
  swapImports,
  swapManifest,
} from "../scripts/cdktn-swap";

/*
 * The offline half of the cdktn check: the swap and the comparison. The online half (npm
 * install of CDK Terrain, both synths) runs as `npm run cdktn:check` in .ci/run.
 */
const root = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "cdktn-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("cdktn swap", () => {
  it("rewrites module specifiers only, never string values", () => {
    expect(
      swapImports(
        [
          'import { App, Fn } from "cdktf";',
          'import { Vpc } from "@cdktf/provider-aws/lib/vpc";',
          "export { Token } from 'cdktf';",
          'const lib = require("cdktf/lib/tokens");',
          'import { Workspace } from "@cdktf/provider-tfe/lib/workspace";',
          'const tags = { ManagedBy: "cdktf" };',
        ].join("\n"),
      ).split("\n"),
    ).toEqual([
      'import { App, Fn } from "cdktn";',
      'import { Vpc } from "@cdktn/provider-aws/lib/vpc";',
      "export { Token } from 'cdktn';",
      'const lib = require("cdktn/lib/tokens");',
      'import { Workspace } from "@cdktf/provider-tfe/lib/workspace";',
      'const tags = { ManagedBy: "cdktf" };',
    ]);
  });

  it("swaps the packages of this package.json, aliasing cdktf for providers without a cdktn build", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const swapped = swapManifest(pkg);
    const all = { ...swapped.dependencies, ...swapped.devDependencies };
    expect(all.cdktn).toBe(CDKTN.cdktn);
    expect(all["cdktn-cli"]).toBe(CDKTN["cdktn-cli"]);
    expect(all["@cdktn/provider-aws"]).toBe(CDKTN["@cdktn/provider-aws"]);
    expect(all.constructs).toBe(CDKTN.constructs);
    expect(all["cdktf-cli"]).toBeUndefined();
    expect(all["@cdktf/provider-aws"]).toBeUndefined();
    const others = Object.keys(all).filter((n) => n.startsWith("@cdktf/"));
    expect(all.cdktf).toBe(others.length > 0 ? `npm:cdktn@${CDKTN.cdktn}` : undefined);
    // Everything else is untouched.
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (!["cdktf", "cdktf-cli", "@cdktf/provider-aws", "constructs"].includes(name)) {
        expect([name, all[name]]).toEqual([name, version]);
      }
    }
  });

  it("classifies differences: cdktf metadata, the provider's version and source, anything else", () => {
    expect(classify("//.metadata.version")).toBe("metadata");
    expect(classify("resource.aws_vpc.v.//.metadata.path")).toBe("metadata");
    expect(classify("terraform.required_providers.aws.version")).toBe("provider");
    expect(classify("terraform.required_providers.aws.source")).toBe("provider");
    expect(classify("resource.aws_vpc.v.cidr_block")).toBe("other");
    expect(jsonDiff({ a: [1, { b: 2 }], c: 1 }, { a: [1, { b: 3 }], c: 1, d: 0 })).toEqual([
      "a.1.b",
      "d",
    ]);
  });

  it("reports per stack, and stacks only one side wrote", () => {
    const write = (dir: string, stack: string, json: unknown) => {
      mkdirSync(join(scratch, dir, "stacks", stack), { recursive: true });
      writeFileSync(join(scratch, dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
    };
    const stack = (version: string, source: string, cidr: string) => ({
      "//": { metadata: { version } },
      terraform: { required_providers: { aws: { source, version } } },
      resource: { aws_vpc: { v: { cidr_block: cidr } } },
    });
    write("a", "x-dev-network", stack("0.21.0", "aws", "10.0.0.0/16"));
    write("b", "x-dev-network", stack("0.24.0", "hashicorp/aws", "10.1.0.0/16"));
    write("a", "x-dev-data", {});
    const { reports, missing } = compareOutputs(join(scratch, "a"), join(scratch, "b"));
    expect(missing).toEqual(["x-dev-data"]);
    expect(reports).toEqual([
      {
        stack: "x-dev-network",
        counts: { metadata: 1, provider: 2, other: 1 },
        other: ["resource.aws_vpc.v.cidr_block"],
        providerVersions: "aws 0.21.0 -> 0.24.0",
      },
    ]);
  });
});
