import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `.terraform-version` (the tfenv convention) is the single source of the Terraform version:
 * every stack requires the same minor release, so a workstation on another minor fails at
 * init instead of silently upgrading the state format.
 */
export const TERRAFORM_VERSION_FILE = join(__dirname, "..", ".terraform-version");

/** Oldest release with S3-native state locking (`use_lockfile`), which every stack relies on. */
const MINIMUM = [1, 11] as const;

export function readTerraformVersion(file = TERRAFORM_VERSION_FILE): string {
  const version = readFileSync(file, "utf8").trim();
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m)
    throw new Error(`${file}: ${JSON.stringify(version)} is not a release number such as 1.13.3`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
    throw new Error(
      `${file}: ${version} is older than ${MINIMUM.join(".")}, the first release with S3-native locking`,
    );
  }
  return version;
}

/** `~> X.Y.Z`: at least the pinned patch, never another minor release. */
export function requiredVersionFor(version: string): string {
  return `~> ${version}`;
}
