import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // Synth tests build whole apps; one worker per core keeps memory predictable on CI.
    pool: "forks",
    // Test files share their worker's module cache: cdktf, the provider modules and the
    // config load once per worker instead of once per file (the import phase was most of the
    // suite's time), and so does the shipped-configuration synth (helpers/synth.ts). Safe
    // because no test mocks modules, stubs globals or changes process.env in-process; each
    // synth gets a fresh App and scratch directory.
    isolate: false,
    // Leaves out cdktf's per-token creation stack traces, as the precompiled app does: about
    // half of every in-process synth's CPU time.
    setupFiles: ["__tests__/helpers/setup.ts"],
    testTimeout: 60_000,
    reporters: ["default"],
  },
});
