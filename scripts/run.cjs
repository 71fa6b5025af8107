"use strict";
/*
 * `node --require tsx/cjs scripts/run.cjs <entry.ts> [args]`: runs a TypeScript entry's exported
 * main() from source, through tsx. scripts/app.cjs falls back to it when the precompiled app
 * cannot be built (which is what a syntax or reference error in config/*.ts does). Only tsx's
 * require hook loads the entry: its ESM loader runs on a thread of its own and costs more than
 * the rest of a failing run, so it is registered after the entry loaded, for a main() that
 * import()s a module lazily (scripts/routes.ts does).
 *
 * A syntax or reference error in config/*.ts is thrown while the entry's imports load, before
 * any of its own code runs. Loading the entry here, inside a try, lets that error print like
 * every other failure: one message with `file:line:col` first, no esbuild or Node stack.
 */
const { resolve } = require("node:path");
const { reportFailure } = require("../lib/error-report.ts");
const { runMain } = require("./run-main.cjs");

const entry = process.argv[2];
if (entry === undefined) {
  console.error("usage: node --require tsx/cjs scripts/run.cjs <entry.ts> [args]");
  process.exit(2);
}
let loaded;
try {
  loaded = require(resolve(entry));
} catch (error) {
  reportFailure(error);
  process.exit(1);
}
// tsx's ESM loader, as `--import tsx` registers it (with its require hook again, which is
// harmless), then main() as scripts/app.cjs runs it.
import("tsx").then(() => {
  try {
    runMain(loaded.main, process.argv.slice(3), reportFailure);
  } catch (error) {
    reportFailure(error);
  }
}, reportFailure);
