import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // Synth tests build whole apps; one worker per core keeps memory predictable on CI.
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
  },
});
