import { show, type Issue } from "../lib/validation";
import type { ResolvedEnvironment } from "./resolve";

/**
 * Documentation values the shipped examples use: harmless in an example, a silent mistake in a
 * real account (a bucket named after someone else's account, alarms mailed to example.com, an
 * ALB open to a range nobody owns).
 */
export const PLACEHOLDERS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  {
    pattern: /(?<!\d)(?:(\d)\1{11}|123456789012)(?!\d)/,
    what: "an example AWS account id (111111111111, 123456789012, ...)",
  },
  {
    pattern: /(?:^|[.@/])example\.(?:com|org|net)\b|\.(?:example|test|invalid)\b/,
    what: "a documentation domain (example.com, .example, .test, .invalid; RFC 2606)",
  },
  {
    pattern: /(?<![\d.])(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}/,
    what: "a documentation address range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 5737)",
  },
  { pattern: /\b2001:db8:/i, what: "the IPv6 documentation prefix 2001:db8::/32 (RFC 3849)" },
  { pattern: /\bexample-org\b/, what: "the example GitHub organization example-org" },
  {
    pattern: /0123456789abcdef/i,
    what: "a made-up resource id (0123456789abcdef..., Z0123456789ABCDEF...)",
  },
];

function strings(value: unknown, path: (string | number)[]): [(string | number)[], string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  }
  return [];
}

/**
 * In an environment marked `real`, every string that still holds a documentation value, by
 * path relative to the environment.
 */
export function placeholderIssues(env: ResolvedEnvironment): Issue[] {
  if (!env.real) return [];
  return strings(env, []).flatMap(([path, value]) => {
    const hit = PLACEHOLDERS.find((p) => p.pattern.test(value));
    return hit === undefined
      ? []
      : [
          {
            path,
            message: `${show(value)} is ${hit.what}; real is true, so replace it with this environment's own value`,
          },
        ];
  });
}
