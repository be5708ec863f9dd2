// Vitest setup file: gives every test its fast-check seed and number of runs (test/helpers/fast-check-config.ts).
// A failing test prints its seed; fast-check's own report gives it too, with the path of the shrunk counterexample.
import fc from "fast-check";
import { beforeEach } from "vitest";
import { DEFAULT_RUNS, fuzzFactor, runs, seedOf } from "./fast-check-config.js";

// HORDESIM_PRINT_SEEDS=1 prints every test's seed, to compare two runs
const printSeeds = process.env.HORDESIM_PRINT_SEEDS === "1";

// a property drawn while a file is collected (outside any test) gets a fixed seed too
fc.configureGlobal({ seed: seedOf(""), numRuns: runs(DEFAULT_RUNS) });

beforeEach(({ task, onTestFailed }) => {
  const seed = fuzzFactor > 0 ? (Math.random() * 2 ** 32) | 0 : seedOf(task.fullName);
  fc.configureGlobal({ seed, numRuns: runs(DEFAULT_RUNS) });
  if (printSeeds) console.log(`fast-check seed ${seed}: ${task.fullName}`);
  onTestFailed(() => {
    console.error(
      `fast-check seed ${seed}${fuzzFactor > 0 ? ` (fuzz, ${fuzzFactor}× the runs)` : ""}: ${task.fullName}`,
    );
  });
});
