import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTerraformVersion, requiredVersionFor } from "../config/toolchain";

const root = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version: string }>;
};

describe("pinned toolchain", () => {
  it.each([
    ["cdktf", "0.21.0"],
    ["cdktf-cli", "0.21.0"],
    ["@cdktf/provider-aws", "21.22.1"],
  ])("%s is pinned to exactly %s, in package.json and the lock file", (name, version) => {
    expect({ ...pkg.dependencies, ...pkg.devDependencies }[name]).toBe(version);
    expect(lock.packages[`node_modules/${name}`].version).toBe(version);
  });

  it("pins every dependency to an exact version", () => {
    const ranges = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      ([, v]) => !/^\d+\.\d+\.\d+$/.test(v),
    );
    expect(ranges).toEqual([]);
    expect(pkg.dependencies.constructs).toMatch(/^10\./);
    expect(pkg.devDependencies.typescript).toMatch(/^5\./);
  });

  it("imports the AWS provider only by resource module, never the package root", () => {
    // git grep exits 1 when nothing matches.
    const grep = spawnSync(
      "git",
      [
        "grep",
        "--untracked",
        "-nE",
        `(from|require\\()\\s*["']@cdktf/provider-aws["']`,
        "--",
        "*.ts",
      ],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(grep.stdout).toBe("");
    expect(grep.status).toBe(1);
  });
});

describe(".terraform-version", () => {
  const scratch = mkdtempSync(join(tmpdir(), "tfver-"));
  const file = join(scratch, ".terraform-version");
  const read = (text: string) => {
    writeFileSync(file, text);
    return () => readTerraformVersion(file);
  };

  it("names a release >= 1.11 and the stacks require its minor release", () => {
    const version = readTerraformVersion();
    const [major, minor] = version.split(".").map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(111);
    expect(requiredVersionFor(version)).toBe(`~> ${version}`);
  });

  it("rejects a release without S3-native locking", () => {
    expect(read("1.10.5\n")).toThrow(
      `${file}: 1.10.5 is older than 1.11, the first release with S3-native locking`,
    );
  });

  it("rejects something that is not a release number", () => {
    expect(read("latest\n")).toThrow(`${file}: "latest" is not a release number such as 1.13.3`);
    rmSync(scratch, { recursive: true, force: true });
  });
});
