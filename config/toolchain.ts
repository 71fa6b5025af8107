import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `.terraform-version` (the tfenv convention) names the release CI and the team install. The
 * stacks themselves accept a range (TERRAFORM_REQUIRED_VERSION), so a workstation one minor
 * release ahead or behind still works; docs/toolchain.md explains the bounds.
 */
export const TERRAFORM_VERSION_FILE = join(__dirname, "..", ".terraform-version");

/**
 * Oldest accepted release: 1.11 made S3-native state locking (`use_lockfile`, which every
 * stack's backend relies on) generally available.
 */
export const TERRAFORM_MINIMUM = [1, 11] as const;

/**
 * Newest accepted minor release: the newest whose upgrade guide says it honors the v1.0
 * compatibility promises without steps that affect this repository (1.12 to 1.15 do). Raise it
 * after reading the next guide, never blindly: a newer Terraform writing a shared state file
 * can lock the older releases of teammates out of it.
 */
export const TERRAFORM_NEWEST_TRUSTED = [1, 15] as const;

/** The `required_version` of every stack: the trusted minor releases, any patch. */
export const TERRAFORM_REQUIRED_VERSION = `>= ${TERRAFORM_MINIMUM.join(".")}.0, < ${TERRAFORM_NEWEST_TRUSTED[0]}.${TERRAFORM_NEWEST_TRUSTED[1] + 1}.0`;

type Release = readonly [number, number, number];

function parseRelease(text: string): Release | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether a release satisfies a Terraform constraint made of `>=`, `>`, `<=`, `<`, `=` and `~>`
 * terms joined by commas (the subset this repository writes), as `terraform init` decides it.
 * Pre-releases (1.15.0-rc1) are never admitted by a range, as in Terraform.
 */
export function satisfies(release: string, constraint: string): boolean {
  const version = parseRelease(release);
  if (version === undefined) return false;
  return constraint.split(",").every((term) => {
    const m = /^\s*(>=|<=|>|<|=|~>)?\s*(\d+(?:\.\d+){0,2})\s*$/.exec(term);
    if (!m) throw new Error(`unsupported version constraint term ${JSON.stringify(term)}`);
    const op = m[1] ?? "=";
    const bound = m[2].split(".").map(Number);
    const c = compare(version, bound);
    switch (op) {
      case ">=":
        return c >= 0;
      case ">":
        return c > 0;
      case "<=":
        return c <= 0;
      case "<":
        return c < 0;
      case "=":
        return c === 0;
      default: {
        // ~> 1.13.3 allows >= 1.13.3, < 1.14.0; ~> 1.13 allows >= 1.13, < 2.0.
        const upper = bound.slice(0, -1);
        upper[upper.length - 1] += 1;
        return c >= 0 && compare(version, upper) < 0;
      }
    }
  });
}

export function readTerraformVersion(file = TERRAFORM_VERSION_FILE): string {
  const version = readFileSync(file, "utf8").trim();
  if (parseRelease(version) === undefined)
    throw new Error(`${file}: ${JSON.stringify(version)} is not a release number such as 1.13.3`);
  if (!satisfies(version, TERRAFORM_REQUIRED_VERSION)) {
    throw new Error(
      `${file}: ${version} is outside the accepted releases ${TERRAFORM_REQUIRED_VERSION} ` +
        `(${TERRAFORM_MINIMUM.join(".")} is the first with S3-native locking; newer minor releases ` +
        `are admitted by raising TERRAFORM_NEWEST_TRUSTED in config/toolchain.ts)`,
    );
  }
  return version;
}

/**
 * The `required_version` a stack built for `version` (from `.terraform-version`) declares: the
 * whole trusted range, which must admit that release.
 */
export function requiredVersionFor(version: string): string {
  if (!satisfies(version, TERRAFORM_REQUIRED_VERSION)) {
    throw new Error(`Terraform ${version} is outside ${TERRAFORM_REQUIRED_VERSION}`);
  }
  return TERRAFORM_REQUIRED_VERSION;
}
