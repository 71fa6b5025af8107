import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * Construct props document their defaults where the default lives: an optional prop says what
 * happens without it (`@default`), a required one has no default to state. A required prop
 * with `@default` repeats a value some other file owns (usually the config schema) and drifts.
 */
const root = join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file:Interface.prop` of every exported *Props member breaking the rule, with the reason. */
export function propsDocProblems(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isInterfaceDeclaration(node) &&
      node.name.text.endsWith("Props") &&
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
    const text = `export interface XProps {
      /** a @default 1 */ readonly a: number;
      /** b */ readonly b?: number;
      readonly c: number;
      /** d @default none */ readonly d?: number;
      /** e */ readonly e: number;
    }`;
    expect(propsDocProblems("x.ts", text)).toEqual([
      "x.ts:XProps.a is required but carries @default",
      "x.ts:XProps.b is optional but says nothing with @default",
      "x.ts:XProps.c has no JSDoc",
    ]);
  });

  it("holds for every construct's props in modules/ and stacks/", () => {
    const problems = ["modules", "stacks"]
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .flatMap((file) => propsDocProblems(file.slice(root.length + 1), readFileSync(file, "utf8")));
    expect(problems).toEqual([]);
  });
});
