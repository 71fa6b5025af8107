/**
 * One error type for every configuration problem, so that a wrong value always fails the
 * same way: the config path, the value that was given and what is allowed.
 */
export type IssuePath = readonly (string | number)[];

export interface Issue {
  /** Where the bad value sits, relative to the root the issue is reported under. */
  readonly path: IssuePath;
  /** What is wrong and what is allowed; includes the offending value. */
  readonly message: string;
}

export function formatPath(root: string, path: IssuePath): string {
  return path.reduce<string>(
    (acc, part) =>
      typeof part === "number" ? `${acc}[${part}]` : acc === "" ? part : `${acc}.${part}`,
    root,
  );
}

/** A short, unambiguous rendering of a configuration value for error messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export class ConfigError extends Error {
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(root: string, issues: readonly Issue[]) {
    const located = issues.map((i) => ({ path: formatPath(root, i.path), message: i.message }));
    const lines = located.map((i) => `  ${i.path}: ${i.message}`);
    super(
      located.length === 1
        ? `Invalid configuration: ${located[0].path}: ${located[0].message}`
        : `Invalid configuration (${located.length} problems):\n${lines.join("\n")}`,
    );
    this.name = "ConfigError";
    this.issues = located;
  }
}

/** Throws a ConfigError when there is anything to report. */
export function assertNoIssues(root: string, issues: readonly Issue[]): void {
  if (issues.length > 0) throw new ConfigError(root, issues);
}

/**
 * Values of a list that repeat an earlier one. A keyed list (names, CIDRs, addresses, ARNs)
 * with a repeat either creates the same AWS object twice or lets the later entry silently
 * replace the earlier one, so every keyed list is checked with this.
 * @param at the path of item i
 * @param key what makes two items the same (default: the item itself)
 */
export function repeatIssues<T>(
  items: readonly T[],
  at: (index: number) => IssuePath,
  key: (item: T) => unknown = (item) => item,
): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  items.forEach((item, i) => {
    const k = JSON.stringify(key(item));
    const earlier = first.get(k);
    if (earlier === undefined) {
      first.set(k, i);
      return;
    }
    issues.push({
      path: at(i),
      message: `${show(key(item))} is listed twice (first at [${earlier}]); give each value once`,
    });
  });
  return issues;
}

/** Issues reported relative to a part of the configuration, re-rooted at `prefix`. */
export function under(prefix: IssuePath, issues: readonly Issue[]): Issue[] {
  return issues.map((i) => ({ ...i, path: [...prefix, ...i.path] }));
}
