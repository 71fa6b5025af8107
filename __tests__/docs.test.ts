import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvironmentSchema } from "../config/schema";
import { REFERENCE_FILE, configSections, renderReference } from "../scripts/config-reference";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const pages = [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f)),
];

describe("documentation", () => {
  it("has a configuration reference generated from the current schemas (npm run docs)", () => {
    expect(readFileSync(REFERENCE_FILE, "utf8")).toBe(renderReference(configSections()));
  });

  it("documents every key of an environment", () => {
    const env = configSections().find((s) => s.name === "EnvironmentSchema");
    expect(env?.rows.filter((r) => !r.key.includes(".")).map((r) => r.key)).toEqual(
      Object.keys(EnvironmentSchema.shape),
    );
  });

  it("keeps the README to 300 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  });

  it.each(pages.map((p) => [p.slice(root.length + 1), p]))(
    "%s links only to files inside the repository that exist",
    (_name, page) => {
      const text = readFileSync(page, "utf8");
      // Code (fenced or inline) holds regular expressions, not links.
      const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
      const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
      const outside = links.filter((l) => /^[a-z]+:/i.test(l));
      expect(outside).toEqual([]);
      const dead = links
        .filter((l) => !l.startsWith("#"))
        .map((l) => l.split("#")[0])
        .filter(
          (l) =>
            !existsSync(resolve(dirname(page), l)) || !resolve(dirname(page), l).startsWith(root),
        );
      expect(dead).toEqual([]);
      expect(text).not.toMatch(/\.\.\/shared|seeds?\/\d{3}|seed \d{3}/i);
    },
  );

  it("shows dev's generated diagram in the README", () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(join(root, "docs", "diagrams", "dev.mmd"), "utf8"));
  });
});
