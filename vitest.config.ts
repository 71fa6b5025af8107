import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import SizeSequencer from "./__tests__/helpers/sequencer";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // Synth tests build whole apps; one worker per core keeps memory predictable on CI.
    pool: "forks",
    // One worker per core, not vitest's cores - 1: a good part of the suite waits for fresh
    // processes (synth entry points, nginx, openssl, bash steps), and on a 2-core machine a
    // single worker left a core idle while it waited.
    maxWorkers: availableParallelism(),
    // Test files share their worker's module cache: cdktf, the provider modules and the
    // config load once per worker instead of once per file (the import phase was most of the
    // suite's time), and so do the shared synths (helpers/synth.ts, fixtures/synth.ts). Safe
    // because no test mocks modules or changes process.env in-process, a console spy is
    // restored within its test, and each synth gets a fresh App and scratch directory.
    isolate: false,
    // The same file order on every run, with or without timings (helpers/sequencer.ts).
    sequence: { sequencer: SizeSequencer },
    // Leaves out cdktf's per-token creation stack traces, as the precompiled app does: about
    // half of every in-process synth's CPU time.
    setupFiles: ["__tests__/helpers/setup.ts"],
    // Removes the synths the workers shared in this run (helpers/synth.ts) when it ends.
    globalSetup: ["__tests__/helpers/global-setup.ts"],
    testTimeout: 60_000,
    reporters: ["default"],
  },
});
