import type { z } from "zod";
import { ConfigError, show, type Issue } from "../lib/validation";
import { dev } from "./dev";
import { prod } from "./prod";
import { checkPlatform } from "./semantic-rules";
import { unionFormsAt, unknownKeyMessage } from "./schema-keys";
import { PlatformSchema, type PlatformInput } from "./schema";
import {
  resolvePlatform,
  type EnvironmentConfig,
  type EnvironmentPlans,
  type PlatformConfig,
} from "./resolve";

export * from "./schema";
export {
  resolveEnvironment,
  type EnvironmentConfig,
  type EnvironmentPlans,
  type PlatformConfig,
} from "./resolve";

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
    // Derived defaults are filled in first so the cross-field rules see what the stacks get.
    const config = resolvePlatform(result.data);
    const { issues, plans } = checkPlatform(config);
    if (issues.length > 0) throw new ConfigError("", issues);
    // Validation planned subnets, routes and agent placement; the stacks use these plans.
    const planOf = (key: string): EnvironmentPlans => {
      const plan = plans[key];
      if (plan === undefined) throw new Error(`unreachable: environments.${key} has no plans`);
      return plan;
    };
    return {
      ...config,
      environments: Object.fromEntries(
        Object.entries(config.environments).map(([key, env]) => [
          key,
          { ...env, plans: planOf(key) },
        ]),
      ),
    };
  }
  const issues: Issue[] = result.error.issues.flatMap((issue): Issue[] => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...path, key],
        message:
          unknownKeyMessage(PlatformSchema, input, path, key) ??
          `${show(key)} is not a setting here (a misspelt or misplaced setting is never ignored)`,
      }));
    }
    if (issue.code === "invalid_union" && "discriminator" in issue && "options" in issue) {
      const options = (issue.options as unknown[]).map((o) => show(o)).join(", ");
      return [
        {
          path,
          message: `${show(offendingValue(issue.input, path))} is not allowed; ${String(issue.discriminator)} must be one of ${options}`,
        },
      ];
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const forms = unionFormsAt(PlatformSchema, input, path);
      return [{ path, message: unionMessage(issue.input, issue.errors, forms) }];
    }
    return [oneIssue(issue, path)];
  });
  throw new ConfigError("", issues);
}

function oneIssue(issue: z.core.$ZodIssue, path: (string | number)[]): Issue {
  if (issue.code === "custom") {
    return {
      path,
      message: issue.input === undefined ? issue.message : `${show(issue.input)} ${issue.message}`,
    };
  }
  if (issue.input === undefined && issue.code === "invalid_type") {
    return { path, message: `is required (${issue.message})` };
  }
  if (issue.code === "invalid_key") {
    return {
      path,
      message: `${show(issue.input)} is not allowed as a key here: ${issue.issues.map((i) => i.message).join("; ")}`,
    };
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    return { path, message: unionMessage(issue.input, issue.errors) };
  }
  return { path, message: `got ${show(offendingValue(issue.input, path))}: ${issue.message}` };
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

/**
 * A value that fits none of a union's forms: say why each form refused it, so the reader sees
 * both what is allowed and which form they were closest to (the one listed with fewest
 * problems first).
 */
function unionMessage(
  input: unknown,
  errors: readonly (readonly z.core.$ZodIssue[])[],
  shapes?: readonly string[],
): string {
  const describe = (i: z.core.$ZodIssue): string => {
    const where = i.path.length === 0 ? "" : `${i.path.map(String).join(".")} `;
    if (i.code === "invalid_type" && i.input === undefined) return `${where}is required`;
    if (i.code === "invalid_type")
      return `${where}must be ${i.expected === "object" ? "an object" : `a ${i.expected}`}`;
    if (i.code === "unrecognized_keys") {
      return `${i.keys.map((k) => show(k)).join(", ")} ${i.keys.length === 1 ? "is" : "are"} not a setting of this form`;
    }
    if (i.code === "invalid_value") {
      return `${where}must be ${i.values.map((v) => show(v)).join(" or ")}`;
    }
    return `${where}${i.message}`;
  };
  // Literal alternatives (60 | 600): name the allowed values, not the forms.
  const literals = errors.every(
    (issues) =>
      issues.length === 1 && issues[0].code === "invalid_value" && issues[0].path.length === 0,
  );
  if (literals) {
    const values = errors.flatMap((issues) =>
      issues[0].code === "invalid_value" ? issues[0].values.map((v) => show(v)) : [],
    );
    return `got ${show(input)}; allowed: ${values.join(" or ")}`;
  }
  const forms = errors
    .map((issues, index) => ({ index, issues }))
    .sort((a, b) => a.issues.length - b.issues.length)
    .map(
      (f) =>
        `form ${f.index + 1}${shapes?.[f.index] === undefined ? "" : ` ${shapes[f.index]}`}: ${f.issues.map(describe).join(", ")}`,
    );
  return `got ${show(input)}, which fits none of the ${errors.length} allowed forms (${forms.join("; ")})`;
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
