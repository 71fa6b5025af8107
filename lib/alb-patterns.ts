/*
 * ALB wildcard semantics for listener rule conditions, shared by the routing planner
 * (modules/alb/routing.ts: can two rules compete?) and the route explainer (does a request
 * match?).
 */
/*
 * Wildcard matching: `*` is zero or more characters (including "/"), `?` exactly one.
 * Greedy with one backtrack point, so it stays linear-ish whatever the pattern.
 */
function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** The path ALB compares: no query string, no fragment. */
export function requestPath(target: string): string {
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

/** ALB path-pattern semantics: case-sensitive, against the path only. */
export function matchesPath(pattern: string, path: string): boolean {
  return globMatch(pattern, requestPath(path));
}

/** ALB host-header semantics: case-insensitive. */
export function matchesHost(pattern: string, host: string): boolean {
  return globMatch(pattern.toLowerCase(), host.toLowerCase());
}

/**
 * Whether some string matches both wildcard patterns (lowercase hosts first: host matching
 * ignores case). Decides if two rules can compete for the same request.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === "*") result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === "*") result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i < a.length && j < b.length)
      result = (a[i] === b[j] || a[i] === "?" || b[j] === "?") && go(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}
