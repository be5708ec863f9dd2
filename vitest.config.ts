import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/** The test files with fast-check properties: all that `npm run fuzz` runs. */
function propertyTestFiles(): string[] {
  return readdirSync("test", { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join("test", f).replaceAll("\\", "/"))
    .filter((f) => readFileSync(f, "utf8").includes('from "fast-check"'));
}

/** `npm run fuzz` (vitest --mode fuzz) gives every property HORDESIM_FUZZ_FACTOR (default 10) times its runs. */
function fuzzFactorOf(env: string | undefined): number {
  const factor = Number(env ?? 10);
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`HORDESIM_FUZZ_FACTOR: expected a whole number ≥ 1, got ${env}`);
  return factor;
}

export default defineConfig(({ mode }) => {
  const fuzzFactor = mode === "fuzz" ? fuzzFactorOf(process.env.HORDESIM_FUZZ_FACTOR) : 0;
  return {
    test: {
      include: fuzzFactor > 0 ? propertyTestFiles() : ["test/**/*.test.ts"],
      setupFiles: ["test/helpers/fast-check-setup.ts"],
      provide: { fuzzFactor },
      // a fuzzed property runs fuzzFactor times longer
      testTimeout: 120_000 * Math.max(1, fuzzFactor),
      hookTimeout: 120_000,
      pool: "forks",
      // vitest leaves one core free by default (os.availableParallelism() − 1): on a 2-core machine that is one
      // worker, idle while a test waits for the CLI processes it spawns
      maxWorkers: 2,
    },
  };
});
