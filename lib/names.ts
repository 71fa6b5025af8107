import { createHash } from "node:crypto";

/**
 * The one place physical names and tags are made, so every resource of every stack reads the
 * same way in the console and in the bill: `<project>-<environment>-<purpose>`.
 */
export interface NamingContext {
  /** Project name, e.g. `platform`. */
  readonly project: string;
  /** Environment name, e.g. `dev`. */
  readonly environment: string;
}

export interface PhysicalNameOptions {
  /**
   * Longest name the target AWS resource accepts. Longer names are shortened deterministically
   * (prefix kept, a hash of the full name appended) so they stay stable across synths.
   * @default 63
   */
  readonly maxLength?: number;
}

/** Tags the platform sets on every resource itself (defaultTags); they win over the environment's. */
export const PLATFORM_TAG_KEYS = ["Project", "Environment", "Stack", "ManagedBy"] as const;

type PlatformTagKey = (typeof PLATFORM_TAG_KEYS)[number];

/** `catalog()` of the names under `prefix`, for callers that hold a prefix, not a Names. */
export function catalogName(prefix: string, purpose: string): string {
  return `${prefix.replaceAll("-", "_")}_${purpose}`;
}

export class Names {
  readonly prefix: string;

  constructor(readonly context: NamingContext) {
    this.prefix = `${context.project}-${context.environment}`;
  }

  /** Terraform stack id, `<project>-<environment>-<layer>`. */
  stackId(layer: string): string {
    return `${this.prefix}-${layer}`;
  }

  /** Physical name for an AWS resource: lower case, `[a-z0-9-]`, within maxLength. */
  physical(purpose: string | readonly string[], options: PhysicalNameOptions = {}): string {
    const parts = typeof purpose === "string" ? [purpose] : purpose;
    const full = [this.prefix, ...parts]
      .join("-")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/-$/, "");
    const max = options.maxLength ?? 63;
    if (full.length <= max) return full;
    const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, max - hash.length - 1).replace(/-$/, "")}-${hash}`;
  }

  /**
   * A Glue catalog name, `<project>_<environment>_<purpose>`: Athena queries would have to
   * quote a name with hyphens. `catalog("*")` is the pattern IAM grants over all of them.
   */
  catalog(purpose: string): string {
    return catalogName(this.prefix, purpose);
  }

  /** A log group path, `/<project>/<environment>/<parts...>`, so groups sort by environment. */
  logGroup(...parts: readonly string[]): string {
    return ["", this.context.project, this.context.environment, ...parts].join("/");
  }

  /** The `Name` tag for a resource (other tags come from the provider's default_tags). */
  nameTag(purpose: string | readonly string[]): { Name: string } {
    return { Name: this.physical(purpose, { maxLength: 255 }) };
  }

  /** Tags applied to every resource of a stack through the provider's default_tags. */
  defaultTags(layer: string, extra: Readonly<Record<string, string>>): Record<string, string> {
    const own: Record<PlatformTagKey, string> = {
      Project: this.context.project,
      Environment: this.context.environment,
      Stack: this.stackId(layer),
      ManagedBy: "cdktf",
    };
    return { ...extra, ...own };
  }
}
