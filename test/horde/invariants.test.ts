import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioYaml, smallScenarioArb } from "../../src/experiment/small-scenarios.js";
import { runs } from "../helpers/fast-check-config.js";
import { checkInvariants } from "../../src/experiment/invariants.js";
import { simulate } from "../../src/experiment/collect-run.js";

describe("scheduler invariants over random small scenarios, under every policy", () => {
  it("holds every invariant", () => {
    fc.assert(
      fc.property(smallScenarioArb, fc.integer({ min: 1, max: 10_000 }), (s, seed) => {
        const run = simulate(scenarioYaml(s), { seed });
        expect(checkInvariants(run)).toEqual([]);
      }),
      { numRuns: runs(300) },
    );
  });

  it("does not depend on the order in which worker groups are listed", () => {
    fc.assert(
      fc.property(
        smallScenarioArb.filter((s) => s.groups.length > 1),
        fc.integer({ min: 1, max: 10_000 }),
        (s, seed) => {
          const forward = simulate(scenarioYaml(s), { seed });
          const reversed = simulate(
            scenarioYaml(
              s,
              s.groups.map((_, i) => s.groups.length - 1 - i),
            ),
            { seed },
          );
          expect(reversed.requests).toEqual(forward.requests);
          expect(reversed.attempts).toEqual(forward.attempts);
        },
      ),
      { numRuns: runs(100) },
    );
  });
});
