// The seed and number of runs of fast-check's properties (test/helpers/fast-check-setup.ts applies them to every
// test). In `npm test` a test's seed is derived from its full name and a property makes its own number of runs; in
// `npm run fuzz` each test draws a fresh seed and every property makes fuzzFactor times more runs. A test that
// sets numRuns passes it through runs() so that fuzzing scales it like the default.
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** 0 in `npm test`; in `npm run fuzz`, how many times more runs every property makes. */
    fuzzFactor: number;
  }
}

/** fast-check's number of runs for a property that sets none. */
export const DEFAULT_RUNS = 100;

export const fuzzFactor: number = inject("fuzzFactor") ?? 0;

export function runs(n: number): number {
  return fuzzFactor > 0 ? n * fuzzFactor : n;
}

/** FNV-1a of a test's full name: its seed in `npm test`, the same on every machine and run. */
export function seedOf(testName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < testName.length; i++) {
    h ^= testName.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
