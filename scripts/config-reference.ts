import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { NGINX_GATEWAY_DEFAULTS } from "../modules/dcv/nginx-config";

/*
 * `npm run docs` (or `node --import tsx scripts/config-reference.ts [--check]`): writes
 * docs/configuration.md from the zod schemas in config/*schema.ts and their JSDoc, the one
 * place each setting is described. `--check` fails when the committed page is stale.
 */

const ROOT = join(__dirname, "..");
export const REFERENCE_FILE = join(ROOT, "docs", "configuration.md");

interface Row {
  readonly key: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

interface Section {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
  readonly rows: readonly Row[];
}

/** Schema files: the environment schema first, then the layers' own. */
function schemaFiles(): string[] {
  const files = readdirSync(join(ROOT, "config"))
    .filter((f) => f.endsWith("-schema.ts"))
    .sort();
  return ["schema.ts", ...files];
}

function jsDoc(node: ts.Node): { text: string; defaultValue?: string } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const tag = docs.flatMap((d) => [...(d.tags ?? [])]).find((t) => t.tagName.text === "default");
  const defaultValue =
    tag === undefined
      ? undefined
      : (ts.getTextOfJSDocComment(tag.comment) ?? "").replace(/\s+/g, " ").trim();
  // An inline `@default x` in the text (e.g. "Seconds. @default 600") counts too.
  const inline = /@default\s+(.+)$/.exec(text);
  return {
    text: text.replace(/\s*@default\s+.+$/, ""),
    defaultValue: defaultValue ?? inline?.[1],
  };
}

/** The object literal of the outermost z.strictObject / z.object call inside `node`. */
function objectShape(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (n: ts.Node) => {
    if (found !== undefined) return;
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      ["strictObject", "object", "looseObject"].includes(n.expression.name.text) &&
      n.arguments[0] !== undefined &&
      ts.isObjectLiteralExpression(n.arguments[0])
    ) {
      found = n.arguments[0];
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** A short type for the table: the zod expression without its default and optional calls. */
function typeOf(init: ts.Expression, source: ts.SourceFile, schemas: ReadonlySet<string>): string {
  if (ts.isIdentifier(init) && schemas.has(init.text))
    return `[${init.text}](#${init.text.toLowerCase()})`;
  let text = init
    .getText(source)
    .replace(/\s+/g, " ")
    .replace(/\.(default|optional|describe|prefault)\((?:[^()]|\([^()]*\))*\)/g, "")
    .replace(/^z\s*\./, "");
  const ref = [...schemas].find((s) => new RegExp(`^${s}\\b`).test(text));
  if (ref !== undefined) return `[${ref}](#${ref.toLowerCase()})`;
  if (text.length > 70) text = `${text.slice(0, 67)}...`;
  return `\`${text.replace(/`/g, "'")}\``;
}

function defaultFromCode(init: ts.Expression, source: ts.SourceFile): string | undefined {
  const text = init.getText(source).replace(/\s+/g, " ");
  // `.prefault({})`: an absent object is parsed as {}, so each field takes its own default.
  if (/\.prefault\(\{\s*\}\)\s*$/.test(text)) return "{} (each field at its default)";
  const m = /\.default\(((?:[^()]|\([^()]*\))*)\)\s*$/.exec(text);
  // A default owned by a module's constant (`NGINX.listenPort`) is shown as its value.
  const owned = /^NGINX\.(\w+)$/.exec(m?.[1] ?? "");
  if (owned !== null && owned[1] in NGINX_GATEWAY_DEFAULTS) {
    return JSON.stringify(NGINX_GATEWAY_DEFAULTS[owned[1] as keyof typeof NGINX_GATEWAY_DEFAULTS]);
  }
  return m?.[1];
}

function rowsOf(
  shape: ts.ObjectLiteralExpression,
  source: ts.SourceFile,
  schemas: ReadonlySet<string>,
  locals: ReadonlyMap<string, ts.Expression>,
  prefix: string,
): Row[] {
  const rows: Row[] = [];
  for (const prop of shape.properties) {
    if (ts.isSpreadAssignment(prop)) {
      // `...common`: a shared object of fields declared once in the same file.
      const shared = ts.isIdentifier(prop.expression)
        ? locals.get(prop.expression.text)
        : undefined;
      if (shared !== undefined && ts.isObjectLiteralExpression(shared)) {
        rows.push(...rowsOf(shared, source, schemas, locals, prefix));
      }
      continue;
    }
    if (ts.isShorthandPropertyAssignment(prop)) {
      // `region,`: a field whose schema is a const of the same name.
      const doc = jsDoc(prop);
      rows.push({
        key: `${prefix}${prop.name.text}`,
        type: `\`${prop.name.text}\``,
        defaultValue: doc.defaultValue ?? "required",
        description: doc.text,
      });
      continue;
    }
    if (!ts.isPropertyAssignment(prop)) continue;
    const key = `${prefix}${prop.name.getText(source).replace(/^["']|["']$/g, "")}`;
    const doc = jsDoc(prop);
    const init = prop.initializer;
    const nested = ts.isIdentifier(init) && schemas.has(init.text) ? undefined : objectShape(init);
    const optional = /\.optional\(\)/.test(init.getText(source));
    const list = /^z\s*\.\s*array\(/.test(init.getText(source));
    rows.push({
      key,
      type:
        nested === undefined ? typeOf(init, source, schemas) : list ? "list of objects" : "object",
      defaultValue:
        doc.defaultValue ?? defaultFromCode(init, source) ?? (optional ? "(unset)" : "required"),
      description: doc.text,
    });
    if (nested !== undefined) {
      rows.push(...rowsOf(nested, source, schemas, locals, `${key}${list ? "[]" : ""}.`));
    }
  }
  return rows;
}

/** Every schema of config/, as sections of rows. */
export function configSections(): Section[] {
  const parsed = schemaFiles().map((file) => {
    const text = readFileSync(join(ROOT, "config", file), "utf8");
    return { file, source: ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true) };
  });
  const declarations = parsed.flatMap(({ file, source }) =>
    source.statements.filter(ts.isVariableStatement).flatMap((s) =>
      s.declarationList.declarations
        .filter((d) => ts.isIdentifier(d.name) && d.initializer !== undefined)
        .map((d) => ({
          file,
          source,
          statement: s,
          name: (d.name as ts.Identifier).text,
          init: d.initializer as ts.Expression,
        })),
    ),
  );
  const exported = (s: ts.VariableStatement) =>
    s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
  const schemas = new Set(
    declarations.filter((d) => exported(d.statement) && /Schema$/.test(d.name)).map((d) => d.name),
  );
  return declarations
    .filter((d) => schemas.has(d.name))
    .map((d) => {
      const locals = new Map(
        declarations.filter((x) => x.file === d.file).map((x) => [x.name, x.init]),
      );
      const shape = objectShape(d.init);
      const doc = jsDoc(d.statement);
      const forms = [...d.init.getText(d.source).matchAll(/\b([A-Z]\w*Schema)\b/g)]
        .map((m) => m[1])
        .filter((n) => n !== d.name && schemas.has(n));
      const summary =
        shape === undefined && forms.length > 0
          ? `One of: ${[...new Set(forms)].map((f) => `[${f}](#${f.toLowerCase()})`).join(", ")}.`
          : doc.text;
      return {
        name: d.name,
        file: `config/${d.file}`,
        summary,
        rows: shape === undefined ? [] : rowsOf(shape, d.source, schemas, locals, ""),
      };
    });
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The page: a section per schema, a row per setting. */
export function renderReference(sections: readonly Section[]): string {
  const out = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs` from the zod schemas in config/*schema.ts and their JSDoc. Do not edit. -->",
    "",
    "Every environment in `config/<env>.ts` is an [EnvironmentSchema](#environmentschema). Keys are",
    "strict: a misspelt key is an error. Defaults apply when a key is left out; `required` keys",
    "must be given; `(unset)` means the feature is off or derived when absent.",
    "",
  ];
  for (const s of sections) {
    out.push(
      `## ${s.name}`,
      "",
      `Defined in \`${s.file}\`.${s.summary === "" ? "" : ` ${s.summary}`}`,
      "",
    );
    if (s.rows.length === 0) continue;
    out.push("| Key | Type | Default | Description |", "| --- | --- | --- | --- |");
    for (const r of s.rows) {
      out.push(
        `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.defaultValue)} | ${cell(r.description)} |`,
      );
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export function main(): void {
  const text = renderReference(configSections());
  if (process.argv.includes("--check")) {
    const current = readFileSync(REFERENCE_FILE, "utf8");
    if (current !== text) {
      console.error("docs/configuration.md is stale: run npm run docs");
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(REFERENCE_FILE, text);
  console.log(`wrote ${REFERENCE_FILE}`);
}

if (require.main === module) main();
