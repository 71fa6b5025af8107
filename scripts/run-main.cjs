"use strict";

/**
 * Runs an entry's main(args) as a command (scripts/app.cjs's snapshot and scripts/run.cjs):
 * an exit code it returns, or a promise of it resolves to, becomes the process's; a rejection
 * goes to `onRejected` where one is given.
 */
function runMain(main, args, onRejected) {
  const result = main(args);
  if (typeof result === "number") process.exitCode = result;
  else if (typeof result?.then === "function") {
    result.then((code) => {
      if (typeof code === "number") process.exitCode = code;
    }, onRejected);
  }
}

module.exports = { runMain };
