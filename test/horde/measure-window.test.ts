// The measurement window: requests submitted before the warm-up ends or at or after measure_until run as any
// other, but their records say they are outside it (the `warmup` flag), so no statistic counts them.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/experiment/collect-run.js";
import { parseScenario } from "../../src/scenario-file/load.js";

const yaml = (window: string) => `
name: window
horizon: 1h
warmup: 10m
${window}
replications: 1
arrivals:
  - name: a
    rate: 120/h
    mix: [{ width: 512, height: 512, steps: 20 }]
workers:
  - { name: w, count: 2 }
`;

describe("measure_until", () => {
  it("marks requests submitted at or after it as outside the window; they still run", () => {
    const run = simulate(yaml("measure_until: 40m"));
    expect(run.requests.length).toBeGreaterThan(60);
    for (const r of run.requests) expect(r.warmup).toBe(r.submitted_s < 600 || r.submitted_s >= 2400);
    for (const u of run.users) expect(u.warmup).toBe(u.submitted_s < 600 || u.submitted_s >= 2400);
    expect(run.requests.filter((r) => r.submitted_s >= 2400 && r.outcome === "completed").length).toBeGreaterThan(0);
  });

  it("changes no trajectory: the same pops and deliveries as without it", () => {
    expect(simulate(yaml("measure_until: 40m")).trace).toEqual(simulate(yaml("")).trace);
  });

  it("must lie after the warm-up and not after the horizon", () => {
    expect(() => parseScenario(yaml("measure_until: 5m"), "w.yaml")).toThrow(/measure_until/);
    expect(() => parseScenario(yaml("measure_until: 2h"), "w.yaml")).toThrow(/measure_until/);
  });
});
