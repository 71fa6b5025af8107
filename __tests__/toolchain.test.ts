import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  readTerraformVersion,
  requiredVersionFor,
  satisfies,
  TERRAFORM_REQUIRED_VERSION,
} from "../config/toolchain";
import { packageJson as pkg } from "./helpers/package";

const root = join(__dirname, "..");
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

describe("Terraform version policy", () => {
  const scratch = mkdtempSync(join(tmpdir(), "tfver-"));
  const file = join(scratch, ".terraform-version");
  const read = (text: string) => {
    writeFileSync(file, text);
    return () => readTerraformVersion(file);
  };

  it("accepts every patch of 1.11 to 1.15, including today's 1.14 releases", () => {
    expect(TERRAFORM_REQUIRED_VERSION).toBe(">= 1.11.0, < 1.16.0");
    for (const release of ["1.11.0", "1.11.4", "1.12.2", "1.13.3", "1.14.0", "1.14.9", "1.15.0"]) {
      expect([release, satisfies(release, TERRAFORM_REQUIRED_VERSION)]).toEqual([release, true]);
    }
  });

  it("refuses releases without S3-native locking, untrusted minors and 2.x", () => {
    for (const release of ["1.9.8", "1.10.5", "1.16.0", "2.0.0", "1.14.0-rc1"]) {
      expect([release, satisfies(release, TERRAFORM_REQUIRED_VERSION)]).toEqual([release, false]);
    }
  });

  it("reads ~> as Terraform does (the old pin refused 1.14)", () => {
    expect(satisfies("1.13.9", "~> 1.13.3")).toBe(true);
    expect(satisfies("1.14.0", "~> 1.13.3")).toBe(false);
    expect(satisfies("1.99.0", "~> 1.13")).toBe(true);
    expect(satisfies("2.0.0", "~> 1.13")).toBe(false);
  });

  it("has .terraform-version name a release inside the range, which every stack requires", () => {
    const version = readTerraformVersion();
    expect(satisfies(version, TERRAFORM_REQUIRED_VERSION)).toBe(true);
    expect(requiredVersionFor(version)).toBe(TERRAFORM_REQUIRED_VERSION);
  });

  it("rejects a .terraform-version without S3-native locking", () => {
    expect(read("1.10.5\n")).toThrow(
      `${file}: 1.10.5 is outside the accepted releases >= 1.11.0, < 1.16.0 (1.11 is the first with S3-native locking; newer minor releases are admitted by raising TERRAFORM_NEWEST_TRUSTED in config/toolchain.ts)`,
    );
  });

  it("rejects a .terraform-version newer than the trusted minor releases", () => {
    expect(read("1.16.0\n")).toThrow(`${file}: 1.16.0 is outside the accepted releases`);
    expect(() => requiredVersionFor("1.16.0")).toThrow(
      "Terraform 1.16.0 is outside >= 1.11.0, < 1.16.0",
    );
  });

  it("rejects something that is not a release number", () => {
    expect(read("latest\n")).toThrow(`${file}: "latest" is not a release number such as 1.13.3`);
  });

  it("refuses a constraint term it cannot read", () => {
    expect(() => satisfies("1.13.3", "!= 1.13.3")).toThrow(
      'unsupported version constraint term "!= 1.13.3"',
    );
    rmSync(scratch, { recursive: true, force: true });
  });
});
