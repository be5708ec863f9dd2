import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";
import { simulate } from "../../src/experiment/collect-run.js";

function scenarioWith(failures: string, extra = ""): string {
  return `name: modes
horizon: 2h
seed: 3
arrivals:
  - name: a
    rate: 120/h
    mix:
      - { width: 512, height: 512, steps: 20 }
      - { width: 1024, height: 1024, steps: 20 }
workers:
  - name: w
    count: 3
    speed: 1
    overhead: 1s
    failures: ${failures}
${extra}`;
}

function problemsOf(text: string): { path: string; message: string }[] {
  try {
    parseScenario(text, "m.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  return [];
}

describe("failure modes as modules", () => {
  it("lets modes whose filters never overlap each have probability 1, and each strikes only its jobs", () => {
    const run = simulate(
      scenarioWith("[{mode: hang, hold: 30s, when: {width: 512}}, {mode: fault, delay: 2s, when: {width: 1024}}]"),
      { seed: 5 },
    );
    const width = (rid: number) => run.model.requests[rid].template.width;
    const faulted = run.trace.filter((e) => e.kind === "fault").map((e) => width(e.a));
    expect(faulted.length).toBeGreaterThan(5);
    expect(new Set(faulted)).toEqual(new Set([1024]));
    // every 512² job hangs: none is delivered
    const delivered = run.trace.filter((e) => e.kind === "deliver").map((e) => width(e.a));
    expect(delivered).toEqual([]);
  });

  it("still refuses modes that can strike the same job with probabilities over 1, naming them", () => {
    const ps = problemsOf(
      scenarioWith(
        "[{mode: hang, probability: 0.7, when: {width: 512}}, {mode: fault, probability: 1, when: {width: 1024}}, {mode: slow, probability: 0.5, active: [{from: 0, to: 1h}]}]",
      ),
    );
    expect(ps.map((p) => p.path)).toEqual(["workers[0].failures"]);
    expect(ps[0].message).toMatch(/got 1\.5 \(failures\[1\], failures\[2\] can strike the same job\)/);
    expect(
      problemsOf(
        scenarioWith(
          "[{mode: hang, probability: 0.7, active: [{from: 0, to: 1h}]}, {mode: fault, active: [{from: 1h, to: 2h}]}]",
        ),
      ),
    ).toEqual([]);
  });

  it("draws a hang's hold per job when it is a distribution", () => {
    const run = simulate(scenarioWith("[{mode: hang, hold: {dist: uniform, min: 10s, max: 20s}}]"), { seed: 2 });
    const popped = new Map<number, number>();
    const holds: number[] = [];
    for (const e of run.trace) {
      if (e.kind === "pop") popped.set(e.b, e.t);
      if (e.kind === "drop") holds.push(e.t - (popped.get(e.b) ?? Number.NaN));
    }
    expect(holds.length).toBeGreaterThan(20);
    for (const h of holds) {
      expect(h).toBeGreaterThanOrEqual(10);
      expect(h).toBeLessThanOrEqual(20);
    }
    expect(new Set(holds.map((h) => h.toFixed(3))).size).toBeGreaterThan(10);
  });

  it("keeps a crashed worker offline for the downtime of the mode that struck, not the first crash mode's", () => {
    const run = simulate(
      scenarioWith(
        "[{mode: crash, downtime: 1m, when: {width: 512}}, {mode: crash, downtime: 10m, when: {width: 1024}}]",
      ),
      { seed: 7 },
    );
    const running = new Map<number, number>();
    const downtimes: number[] = [];
    for (const e of run.trace) {
      if (e.kind === "offline") running.set(e.c, e.t);
      if (e.kind === "online") downtimes.push(Math.round(e.t - (running.get(e.c) ?? Number.NaN)));
    }
    expect(downtimes.length).toBeGreaterThan(3);
    // both sizes' jobs crash their workers: each outage lasts its own mode's downtime
    expect([...new Set(downtimes)].sort((a, b) => a - b)).toEqual([60, 600]);
  });
});
