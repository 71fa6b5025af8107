import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/*
 * Runs before every test file (vitest.config.ts setupFiles). cdktf records a stack trace for
 * every token it creates (thousands per synth), only to quote it if that token later fails to
 * resolve; capturing and formatting them was close to half of an in-process synth's CPU time.
 * The precompiled app leaves them out the same way (scripts/app.cjs). A token error still
 * fails its test with cdktf's message; only the creation stack in it is empty.
 */
const load = createRequire(__filename);
const cdktfLib = dirname(load.resolve("cdktf"));
const stackTrace = load(join(cdktfLib, "tokens", "private", "stack-trace.js")) as {
  captureStackTrace: () => string[];
};
stackTrace.captureStackTrace = () => [];
