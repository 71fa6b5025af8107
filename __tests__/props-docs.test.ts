import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * Construct props and settings document their defaults where the default lives: an optional
 * member says what happens without it (`@default`), a required one has no default to state. A
 * required member with `@default` repeats a value some other file owns (for settings, the
 * config schema, whose defaults docs/configuration.md shows) and drifts from it.
 */
const root = join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file:Interface.prop` of every exported *Props / *Settings member breaking the rule, and why. */
export function propsDocProblems(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isInterfaceDeclaration(node) &&
      /(Props|Settings)$/.test(node.name.text) &&
      node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true
    ) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member)) continue;
        const docs = ts.getJSDocCommentsAndTags(member).map((d) => d.getText(source));
        const where = `${file}:${node.name.text}.${member.name.getText(source)}`;
        const hasDefault = docs.some((d) => /@default\b/.test(d));
        if (docs.length === 0) problems.push(`${where} has no JSDoc`);
        else if (member.questionToken !== undefined && !hasDefault) {
          problems.push(`${where} is optional but says nothing with @default`);
        } else if (member.questionToken === undefined && hasDefault) {
          problems.push(`${where} is required but carries @default`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe("props documentation", () => {
  it("finds each kind of problem", () => {
    const text = `export interface XSettings {
      /** a @default 1 */ readonly a: number;
      /** b */ readonly b?: number;
      readonly c: number;
      /** d @default none */ readonly d?: number;
      /** e */ readonly e: number;
    }`;
    expect(propsDocProblems("x.ts", text)).toEqual([
      "x.ts:XSettings.a is required but carries @default",
      "x.ts:XSettings.b is optional but says nothing with @default",
      "x.ts:XSettings.c has no JSDoc",
    ]);
  });

  it("holds for every construct's props and settings in modules/ and stacks/", () => {
    const problems = ["modules", "stacks"]
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .flatMap((file) => propsDocProblems(file.slice(root.length + 1), readFileSync(file, "utf8")));
    expect(problems).toEqual([]);
  });
});
