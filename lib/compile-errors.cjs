"use strict";
const { relative } = require("node:path");

/**
 * Compile errors located in the repository's code, as every entry path prints them: each
 * `<file>:<line>:<col>: <text>` with the file relative to `cwd`, then what they mean. Shared by
 * lib/error-report.ts (esbuild's errors through tsx) and scripts/app.cjs (its own bundle's), so
 * CommonJS: the launcher loads it without tsx.
 */
function describeCompileErrors(errors, cwd) {
  return errors
    .map((e) => `${relative(cwd, e.file)}:${e.line}:${e.column}: ${e.text}`)
    .concat("(the file could not be compiled)")
    .join("\n");
}

module.exports = { describeCompileErrors };
