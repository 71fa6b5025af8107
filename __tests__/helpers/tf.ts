/** Just enough of the Terraform JSON shape for assertions. */
export type Block = Record<string, unknown>;
export interface TfJson {
  readonly terraform?: Block & {
    backend?: Record<string, Block>;
    cloud?: Block;
    required_version?: string;
  };
  readonly provider?: Record<string, Block[]>;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly locals?: Block;
  readonly variable?: Record<string, Block>;
  /** `import` blocks (adopted resources). */
  readonly import?: readonly Block[];
  /** `moved` blocks (renamed addresses). */
  readonly moved?: readonly Block[];
}

/** Every resource of a type, as [logical name, body] pairs. */
export function resources(json: TfJson, type: string): [string, Block][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** The bodies of every resource of a type. */
export function bodies(json: TfJson, type: string): Block[] {
  return resources(json, type).map(([, body]) => body);
}

/** The one resource of a type; fails when there are none or several. */
export function only(json: TfJson, type: string): Block {
  const all = bodies(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** The resource whose construct path ends with `suffix`. */
export function byPath(json: TfJson, type: string, suffix: string): Block {
  const found = bodies(json, type).filter((b) => {
    const meta = (b["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
    return meta?.path?.endsWith(suffix) ?? false;
  });
  if (found.length !== 1)
    throw new Error(`expected one ${type} at */${suffix}, found ${found.length}`);
  return found[0];
}

/** `${type.name.attr}` for a resource body found by byPath/only. */
export function refTo(json: TfJson, type: string, body: Block, attr: string): string {
  const entry = resources(json, type).find(([, b]) => b === body);
  if (entry === undefined) throw new Error(`no ${type} with that body`);
  return `\${${type}.${entry[0]}.${attr}}`;
}

/** Every string in a JSON value, depth first. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The bodies of every `${...}` interpolation in a string (brace-balanced). */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  for (let start = text.indexOf("${"); start >= 0; start = text.indexOf("${", start + 1)) {
    let depth = 0;
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) {
        found.push(text.slice(start + 2, i));
        break;
      }
    }
  }
  return found;
}

const NON_ADDRESS_ROOTS = new Set(["each", "count", "self", "path", "terraform"]);

/**
 * Terraform addresses an expression refers to: `data.<type>.<name>`, `<type>.<name>`,
 * `var.<name>`, `local.<name>`. Function names and attribute chains are not addresses.
 */
export function addressesIn(expression: string): string[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const pattern = /(?<![\w.\]-])([a-z_][a-z0-9_]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
  const out: string[] = [];
  for (const m of withoutStrings.matchAll(pattern)) {
    const [, root, second, third] = m;
    if (NON_ADDRESS_ROOTS.has(root)) continue;
    if (root === "data") out.push(`data.${second}.${third ?? ""}`);
    else if (root === "var" || root === "local") out.push(`${root}.${second}`);
    else out.push(`${root}.${second}`);
  }
  return out;
}

/** Every address declared in a stack. */
export function declaredAddresses(json: TfJson): Set<string> {
  const set = new Set<string>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const name of Object.keys(byName)) set.add(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const name of Object.keys(byName)) set.add(`data.${type}.${name}`);
  }
  for (const name of Object.keys(json.variable ?? {})) set.add(`var.${name}`);
  for (const name of Object.keys(json.locals ?? {})) set.add(`local.${name}`);
  return set;
}
