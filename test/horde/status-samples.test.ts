// The queue samples' /status/performance figures: queued_requests and queued_mps as the Horde's count_totals
// counts them, delivered_mps as its past_minute_megapixelsteps (the last 60 s of deliveries).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeliveredWindow } from "../../src/horde/delivered-window.js";
import { queuedTotals } from "../../src/horde/records.js";
import { Request } from "../../src/horde/request.js";
import type { RequestTemplate } from "../../src/scenario/types.js";
import { simulate } from "../../src/experiment/collect-run.js";

const TEMPLATE: RequestTemplate = {
  weight: 1,
  width: 512,
  height: 512,
  steps: 30,
  sampler: "k_euler",
  model: null,
  n: 1,
  kudos: 0,
  user: "anon",
  slow_workers: true,
  extra_slow_workers: false,
  controlnet: false,
  job_time: null,
};

function request(id: number, n: number, attempts: number, completed: number, steps = 30): Request {
  const r = new Request(id, { ...TEMPLATE, n, steps }, "a", 0, id, 0, 1200);
  r.attempts = attempts;
  r.completedJobs = completed;
  return r;
}

describe("count_totals over the waiting requests", () => {
  it("counts n × max(k, 1) + k requests and one image's MPS × max(k, 1), k the jobs without a result", () => {
    // 512² × 30 steps = 7.864320 MPS; 512² × 10 steps = 2.621440 MPS
    const fresh = request(0, 1, 0, 0); // 1 request, 7.86432 MPS
    const batch = request(1, 4, 0, 0); // 4 requests, one image's MPS: 7.86432
    const aborted = request(2, 1, 1, 0); // re-queued after an abort: k = 1 → 1 × 1 + 1 = 2, MPS × 1
    const twice = request(3, 3, 3, 1, 10); // k = 2 → 3 × 2 + 2 = 8, 2.62144 × 2
    const handedOut = request(4, 1, 1, 0); // n = 0: not counted
    handedOut.n = 0;
    const t = queuedTotals([fresh, batch, aborted, twice, handedOut]);
    expect(t.requests).toBe(1 + 4 + 2 + 8);
    expect(t.mps).toBeCloseTo(7.86432 * 3 + 2.62144 * 2, 9);
  });

  it("is nothing for an empty queue", () => {
    expect(queuedTotals([])).toEqual({ requests: 0, mps: 0 });
  });
});

describe("the last minute's deliveries", () => {
  it("sums the deliveries of [now − 60 s, now]", () => {
    const w = new DeliveredWindow(60);
    w.add(0, 1);
    w.add(30, 2);
    w.add(59, 4);
    expect(w.sum(59)).toBe(7);
    expect(w.sum(60)).toBe(7); // created >= now − 60 s: the delivery at 0 still counts
    expect(w.sum(60.5)).toBe(6);
    expect(w.sum(200)).toBe(0);
  });

  it("equals the brute-force sum for any deliveries and query times (growing past its first capacity)", () => {
    // each step moves the clock on by dt, then delivers `mps` or (mps < 0) asks for the sum
    const dt = fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }));
    const step = fc.tuple(dt, fc.double({ min: -20, max: 50, noNaN: true }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const w = new DeliveredWindow(60);
        const seen: [number, number][] = [];
        let t = 0;
        for (const [dt, mps] of steps) {
          t += dt;
          if (mps >= 0) {
            w.add(t, mps);
            seen.push([t, mps]);
          } else {
            const expected = seen.filter(([at]) => at >= t - 60).reduce((acc, [, x]) => acc + x, 0);
            expect(w.sum(t)).toBeCloseTo(expected, 6);
          }
        }
      }),
    );
  });
});

// Overloaded (0.5 requests/s against about 0.25/s of capacity), n = 1, no failures: the waiting requests are
// those submitted and neither popped nor deleted yet.
const OVERLOADED = `name: samples
horizon: 1h
sample_interval: 30s
arrivals:
  - name: a
    rate: 0.5/s
    mix:
      - { weight: 2, width: 512, height: 512, steps: 30, sampler: k_euler }
      - { weight: 1, width: 512, height: 768, steps: 20, sampler: k_euler }
workers:
  - { name: w, count: 2, speed: 1 }
`;

describe("the samples of a run, against its own request and attempt records", () => {
  const run = simulate(OVERLOADED, { seed: 3 });
  const mps = new Map(run.requests.map((r) => [r.request_id, (r.width * r.height * r.steps) / 1e6]));
  const firstPop = new Map<number, number>();
  for (const a of run.attempts)
    firstPop.set(a.request_id, Math.min(firstPop.get(a.request_id) ?? Infinity, a.popped_s));
  const waiting = (t: number) =>
    run.requests.filter(
      (r) => r.submitted_s <= t && !((firstPop.get(r.request_id) ?? Infinity) <= t) && !(r.done_s <= t),
    );

  it("has a queue to measure", () => {
    expect(Math.max(...run.samples.map((s) => s.queued))).toBeGreaterThan(100);
  });

  it("queued_requests and queued_mps are the waiting requests and their MPS", () => {
    for (const s of run.samples) {
      const w = waiting(s.t_s);
      expect(s.queued_requests).toBe(w.length);
      expect(s.queued).toBe(w.length);
      expect(s.queued_mps).toBeCloseTo(
        w.reduce((acc, r) => acc + (mps.get(r.request_id) ?? 0), 0),
        6,
      );
    }
  });

  it("delivered_mps is the MPS of the jobs completed in the last 60 s", () => {
    let nonZero = 0;
    for (const s of run.samples) {
      const done = run.attempts.filter((a) => a.end === "completed" && a.ended_s >= s.t_s - 60 && a.ended_s <= s.t_s);
      const expected = done.reduce((acc, a) => acc + (mps.get(a.request_id) ?? 0), 0);
      expect(s.delivered_mps).toBeCloseTo(expected, 6);
      if (expected > 0) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(100);
  });
});
