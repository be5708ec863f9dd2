import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // vitest leaves one core free by default (os.availableParallelism() − 1): on a 2-core machine that is one
    // worker, idle while a test waits for the CLI processes it spawns
    maxWorkers: 2,
  },
});
