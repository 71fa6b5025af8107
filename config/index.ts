import { ConfigError, show, type Issue } from "../lib/validation";
import { dev } from "./dev";
import { prod } from "./prod";
import { semanticIssues } from "./semantic-rules";
import {
  PlatformSchema,
  type EnvironmentConfig,
  type PlatformConfig,
  type PlatformInput,
} from "./schema";

export * from "./schema";

/** The shipped configuration: one file per environment, one project. */
export const platformInput: PlatformInput = {
  project: "platform",
  environments: { dev, prod },
};

/**
 * Validates the whole configuration and fills in defaults. Every problem is collected into
 * one ConfigError whose lines read `<path>: <value> <what is wrong / allowed>`.
 */
export function loadConfig(input: unknown = platformInput): PlatformConfig {
  const result = PlatformSchema.safeParse(input, { reportInput: true });
  if (result.success) {
    const issues = semanticIssues(result.data);
    if (issues.length > 0) throw new ConfigError("", issues);
    return result.data;
  }
  const issues: Issue[] = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    if (issue.code === "custom") {
      return {
        path,
        message:
          issue.input === undefined ? issue.message : `${show(issue.input)} ${issue.message}`,
      };
    }
    if (issue.code === "unrecognized_keys") {
      return {
        path,
        message: `${issue.message} (a misspelt or misplaced setting is never ignored)`,
      };
    }
    if (issue.input === undefined && issue.code === "invalid_type") {
      return { path, message: `is required (${issue.message})` };
    }
    return { path, message: `got ${show(offendingValue(issue.input, path))}: ${issue.message}` };
  });
  throw new ConfigError("", issues);
}

/**
 * The environments to synthesize. `selector` is a comma-separated list (from
 * PLATFORM_ENVIRONMENTS or --env); empty means all of them.
 */
export function selectEnvironments(
  config: PlatformConfig,
  selector: string | undefined,
  source: string = "PLATFORM_ENVIRONMENTS",
): EnvironmentConfig[] {
  const known = Object.keys(config.environments);
  const wanted = (selector ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (wanted.length === 0) return Object.values(config.environments);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new ConfigError(source, [
      {
        path: [],
        message: `${show(unknown.join(","))} names no configured environment; known: ${known.join(", ")}`,
      },
    ]);
  }
  return wanted.map((w) => config.environments[w]);
}

/** Zod reports a bad discriminator against the whole object; show the field itself. */
function offendingValue(input: unknown, path: readonly (string | number)[]): unknown {
  const last = path[path.length - 1];
  if (
    input !== null &&
    typeof input === "object" &&
    !Array.isArray(input) &&
    typeof last === "string" &&
    last in input
  ) {
    return (input as Record<string, unknown>)[last];
  }
  return input;
}
