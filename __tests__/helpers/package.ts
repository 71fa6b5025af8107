import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository's package.json, as far as the tests read it. */
export interface PackageJson {
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** The checkout's root package.json, parsed (a repository copy's is read from the copy). */
export const packageJson = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"),
) as PackageJson;

/** The root package.json's scripts. */
export const packageScripts = packageJson.scripts;

/**
 * A package.json or cdktf.json command line as its words: the lines tests run this way are
 * plain words separated by single spaces (no quoting), e.g. `node scripts/app.cjs main.ts`.
 */
export function commandWords(line: string): string[] {
  return line.split(" ");
}
