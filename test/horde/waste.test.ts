// Wasted GPU time: what a worker spent on jobs whose result was not used. A job still running at the horizon
// is not wasted (its result was not in yet); a slow job aborted by its timeout is.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/experiment/collect-run.js";

const YAML = `name: waste
horizon: 1h
arrivals:
  - name: a
    rate: 120/h
    mix: [{ width: 512, height: 512, steps: 30, sampler: k_euler }]
workers:
  - name: w
    count: 2
    speed: 1
    failures: [{ mode: slow, probability: 0.2, multiplier: 30 }]
policies:
  - name: short
    timeout: { rule: fixed, ttl: 60s }
    detector: timer
`;

/** One very slow worker: the job it holds at the horizon is still running, its timeout far away. */
const IN_FLIGHT = `name: in-flight
horizon: 15m
arrivals:
  - name: a
    times: [60s]
    mix: [{ width: 512, height: 512, steps: 30, sampler: k_euler }]
workers:
  - { name: w, speed: 0.005 }
policies:
  - name: long
    timeout: { rule: fixed, ttl: 2h }
    detector: timer
`;

describe("wasted GPU time", () => {
  const run = simulate(YAML, { seed: 5 });
  // aborted at its timeout; the worker, not told, finishes it and its result is thrown away
  const aborted = run.attempts.filter((a) => a.end === "late_discarded" || a.end === "stale_abort");

  it("counts the GPU time of slow jobs aborted by their timeout, also after the abort", () => {
    expect(aborted.length).toBeGreaterThan(0);
    // (a job aborted while it still waited for the worker's thread, and not started by the horizon, cost nothing)
    expect(aborted.filter((a) => a.wasted_gpu_s > 0).length).toBeGreaterThan(aborted.length / 2);
    // a 30× slow job runs about 30 × 8.8 s; some of that happens after the 60 s timeout
    expect(Math.max(...aborted.map((a) => a.wasted_gpu_s))).toBeGreaterThan(60);
    for (const a of run.attempts.filter((x) => x.end === "completed")) expect(a.wasted_gpu_s).toBe(0);
  });

  it("counts nothing for a job still running at the horizon, though the worker was busy with it", () => {
    const slow = simulate(IN_FLIGHT, { seed: 1 });
    expect(slow.attempts.map((a) => a.end)).toEqual(["open"]);
    expect(slow.attempts[0].wasted_gpu_s).toBe(0);
    expect(slow.workers[0].wasted_gpu_s).toBe(0);
    expect(slow.workers[0].busy_s).toBeGreaterThan(500);
  });

  it("each worker's waste is the sum of its attempts' waste", () => {
    for (const w of run.workers) {
      const sum = run.attempts.filter((a) => a.worker_id === w.worker_id).reduce((s, a) => s + a.wasted_gpu_s, 0);
      expect(w.wasted_gpu_s).toBeCloseTo(sum, 9);
    }
  });
});
