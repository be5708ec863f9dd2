import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioYaml, smallScenarioArb } from "../../src/experiment/small-scenarios.js";
import { runs } from "../helpers/fast-check-config.js";
import { simulate } from "../../src/experiment/collect-run.js";

describe("lazy idle polling", () => {
  it("gives exactly the trajectory of naive polling at every tick, under every policy", () => {
    fc.assert(
      fc.property(smallScenarioArb, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
        const yaml = scenarioYaml(s);
        const lazy = simulate(yaml, { seed });
        const naive = simulate(yaml, { seed, naive: true });
        expect(lazy.trace).toEqual(naive.trace);
        expect(lazy.attempts).toEqual(naive.attempts);
        expect(lazy.events).toBeLessThanOrEqual(naive.events);
      }),
      { numRuns: runs(150) },
    );
  });
});
