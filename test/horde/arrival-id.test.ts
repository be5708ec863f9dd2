// arrival_id names the same arrival in every arm (common random numbers), where request ids shift with
// every resubmission an arm causes: the key that compares one request across arms (test/cli/run-decisions.test.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POLICY_ARMS, scenarioYaml, smallScenarioArb } from "../../src/experiment/small-scenarios.js";
import { runs } from "../helpers/fast-check-config.js";
import { simulate } from "../../src/experiment/collect-run.js";

/** The scenario with a client that resubmits and every arm of the catalogue. */
function everyArm(yaml: string): string {
  const arms = Object.entries(POLICY_ARMS)
    .map(([name, arm]) => `  - ${arm.replace("name: arm", `name: ${name}`)}`)
    .join("\n");
  return `${yaml.slice(0, yaml.indexOf("policies:"))}client: { resubmit: { max: 1, delay: 20s } }\npolicies:\n${arms}\n`;
}

describe("arrival_id", () => {
  it("is the same arrival, submitted at the same time, in every arm; resubmissions keep their origin's", () => {
    fc.assert(
      fc.property(smallScenarioArb, (small) => {
        const yaml = everyArm(scenarioYaml(small));
        let reference: Map<number, number> | null = null;
        for (const arm of Object.keys(POLICY_ARMS)) {
          const { requests, users } = simulate(yaml, { arm });
          const firstSubmission = new Map<number, number>();
          for (const r of requests) if (r.resubmission === 0) firstSubmission.set(r.arrival_id, r.submitted_s);
          // Numbered 0, 1, 2, ... in arrival order.
          const ids = [...firstSubmission.keys()].sort((a, b) => a - b);
          expect(ids).toEqual(ids.map((_, i) => i));
          const order = [...firstSubmission.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
          expect(order).toEqual([...order].sort((a, b) => a - b));
          const origin = new Map(requests.filter((r) => r.resubmission === 0).map((r) => [r.request_id, r.arrival_id]));
          for (const r of requests) expect(r.arrival_id).toBe(origin.get(r.origin_id));
          for (const u of users) expect(u.arrival_id).toBe(origin.get(u.origin_id));
          if (reference === null) reference = firstSubmission;
          else expect(firstSubmission).toEqual(reference);
        }
      }),
      { numRuns: runs(15) },
    );
  });
});
