import { relative } from "node:path";
import { describeCompileErrors } from "./compile-errors.cjs";
import { ConfigError } from "./validation";

/*
 * How a failed synth reads on every entry path (npm run synth, the cdktf.json app command and
 * so cdktf synth/diff/deploy): one message, the place first, no stack trace. A stack is only
 * useful for a bug in this repository's code, and PLATFORM_DEBUG=1 prints it then.
 */

const POLICY_HINT = /\n*If you wish to ignore these validations.*$/s;

/** `<file>:<line>:<col>` of the first frame in this repository (not node_modules). */
function projectFrame(stack: string, root: string): string | undefined {
  for (const line of stack.split("\n")) {
    const m = /\(?((?:\/|[A-Za-z]:\\)[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m === null || m[1].includes("node_modules") || m[1].startsWith("node:")) continue;
    const file = relative(root, m[1]);
    if (file.startsWith("..")) continue;
    return `${file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** The one message a failed synth prints. */
export function describeError(error: unknown, root: string = process.cwd()): string {
  // A wrong value or a wrong command line: the message already says where and what.
  if (error instanceof ConfigError || (error instanceof Error && error.name === "UsageError")) {
    return error.message;
  }
  if (!(error instanceof Error)) return String(error);
  // esbuild (through tsx) reports a syntax error as "Transform failed with N error(s):" and
  // then one `<file>:<line>:<col>: ERROR: <text>` line per problem.
  const located = [...error.message.matchAll(/^(.+?):(\d+):(\d+): (?:ERROR|error): (.*)$/gm)];
  if (located.length > 0) {
    return describeCompileErrors(
      located.map((m) => ({ file: m[1], line: m[2], column: m[3], text: m[4] })),
      root,
    );
  }
  if (POLICY_HINT.test(error.message)) {
    // cdktf suggests skipping validation; the fix is the resource or a documented exception.
    return error.message.replace(
      POLICY_HINT,
      "\n\nFix the resource, or add { rule, resource, reason } to environments.<env>.policyExceptions.",
    );
  }
  const where = projectFrame(error.stack ?? "", root);
  const what = `${error.name}: ${error.message}`;
  return where === undefined ? what : `${where}: ${what}`;
}

/** Prints the error as one message (with the stack only under PLATFORM_DEBUG) and fails. */
export function reportFailure(error: unknown): void {
  console.error(describeError(error));
  if (process.env.PLATFORM_DEBUG === "1" && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}
