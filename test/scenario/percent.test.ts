// A probability may be written as a percentage, as objectives' bounds may ("20%" is 0.2).
import { describe, expect, it } from "vitest";
import { parsePercent } from "../../src/scenario/units.js";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";

const withFailure = (probability: string, extra = "") =>
  `name: p
horizon: 1h
arrivals: [{ name: a, rate: 60/h, mix: [{ width: 512, height: 512 }] }]
workers:
  - name: w
    failures: [{ mode: hang, probability: ${probability}${extra} }]
policies:
  - name: hedge
    reassignment: [{ rule: hedge, cap: 5% }]
`;

describe("probabilities as percentages", () => {
  it("reads 20% as 0.2, 0.5 % as 0.005, and a plain fraction as before", () => {
    expect(parsePercent("20%")).toBe(0.2);
    expect(parsePercent(" 0.5 % ")).toBe(0.005);
    expect(Number.isNaN(parsePercent("20"))).toBe(true);
    const sc = parseScenario(withFailure("20%", ", share: 50%"), "p.yaml");
    expect(sc.workers[0].failures[0]).toMatchObject({ probability: 0.2, share: 0.5 });
    expect(sc.policies[0].reassignment[0]).toMatchObject({ rule: "hedge", cap: 0.05 });
    expect(parseScenario(withFailure("0.2"), "p.yaml").workers[0].failures[0].probability).toBe(0.2);
  });

  it("refuses a share above 100 % or a word, naming the field", () => {
    for (const bad of ["120%", "1.5", "often"]) {
      let error: unknown;
      try {
        parseScenario(withFailure(bad), "p.yaml");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ScenarioError);
      expect((error as Error).message).toMatch(
        /p\.yaml:6:\d+: workers\[0\]\.failures\[0\]\.probability: expected a probability from 0 to 1 such as 0\.2 or 20%/,
      );
    }
  });
});
