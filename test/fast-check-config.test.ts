import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RUNS, fuzzFactor, runs, seedOf } from "./helpers/fast-check-config.js";

describe("fast-check's seeds and runs", () => {
  it("a test's seed is FNV-1a of its full name in npm test, and its runs the property's own", ({ task }) => {
    const { seed, numRuns } = fc.readConfigureGlobal();
    if (fuzzFactor === 0) {
      expect(seed).toBe(seedOf(task.fullName));
      expect(numRuns).toBe(DEFAULT_RUNS);
      expect(runs(300)).toBe(300);
    } else {
      expect(numRuns).toBe(DEFAULT_RUNS * fuzzFactor);
      expect(runs(300)).toBe(300 * fuzzFactor);
    }
  });

  it("FNV-1a's known answers (32-bit, as a signed integer)", () => {
    expect(seedOf("")).toBe(0x811c9dc5 | 0);
    expect(seedOf("a")).toBe(0xe40c292c | 0);
    expect(seedOf("foobar")).toBe(0xbf9cf968 | 0);
  });

  it("a test's properties draw from its one seed: the same values twice", () => {
    const draw = () => fc.sample(fc.integer(), 5);
    expect(draw()).toEqual(draw());
  });

  it("every test that sets numRuns passes it through runs(), so that npm run fuzz scales it", () => {
    const fixed: string[] = [];
    for (const f of readdirSync("test", { recursive: true, encoding: "utf8" })) {
      if (!f.endsWith(".ts")) continue;
      readFileSync(join("test", f), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/numRuns: \d/.test(line) && !line.includes("fc.sample(")) fixed.push(`test/${f}:${i + 1}`);
        });
    }
    expect(fixed).toEqual([]);
  });
});
