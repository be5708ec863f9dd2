// The optional `targets:` block: a /status/performance snapshot's figures a run is compared with.
import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";

const base = (targets: string, sampleInterval = "30s") => `name: t
horizon: 1h
sample_interval: ${sampleInterval}
targets: ${targets}
arrivals: [{ name: a, rate: 1/s, mix: [{ width: 512, height: 512, steps: 30 }] }]
workers: [{ name: w }]
`;

function problem(yaml: string): string {
  try {
    parseScenario(yaml, "t.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("targets", () => {
  it("is absent from a scenario that names none", () => {
    const sc = parseScenario(base("{ source: s.json, queued_mps: 4063 }").replace(/^targets:.*\n/m, ""), "t.yaml");
    expect(sc.targets).toBeUndefined();
  });

  it("keeps the figures it names, and only those", () => {
    const sc = parseScenario(base("{ source: s.json, queued_requests: 395, delivered_mps_per_s: 8.87 }"), "t.yaml");
    expect(sc.targets).toEqual({ source: "s.json", queued_requests: 395, delivered_mps_per_s: 8.87 });
  });

  it("refuses a negative figure, an unknown key, no figure at all, and no samples to average", () => {
    expect(problem(base("{ source: s.json, queued_requests: -3 }"))).toBe(
      "t.yaml:4:45: targets.queued_requests: must be at least 0, got -3",
    );
    expect(problem(base("{ source: s.json, queued_mpss: 3 }"))).toContain(
      't.yaml:4:28: targets.queued_mpss: unknown key "queued_mpss" (did you mean "queued_mps"?)',
    );
    expect(problem(base("{ source: s.json }"))).toBe(
      "t.yaml:4:10: targets: name at least one of queued_requests, queued_mps, delivered_mps_per_s",
    );
    expect(problem(base("{ source: s.json, queued_mps: 1 }", "0"))).toBe(
      "t.yaml:3:18: sample_interval: must be more than 0 with targets: the figures are time-averages of the queue samples",
    );
  });
});
