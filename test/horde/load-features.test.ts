// The loaded Horde's scenario features: daily profiles, user classes with kudos, per-arrival models, the
// offered load ρ, a failure mode's share of a group, and the wait/processing split of every request.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fleetCapacity, offeredLoad } from "../../src/horde/load-factor.js";
import { parseScenario } from "../../src/scenario-file/load.js";
import { runs } from "../helpers/fast-check-config.js";
import { simulate } from "../../src/experiment/collect-run.js";

const HOURLY = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4];

function yaml(extra: { arrivals?: string; workers?: string; top?: string; horizon?: string } = {}): string {
  return `
name: t
horizon: ${extra.horizon ?? "6h"}
replications: 1
sample_interval: 0
${extra.top ?? ""}
arrivals:
${
  extra.arrivals ??
  `  - name: a
    rate: 120/h
    mix: [{ width: 512, height: 512, steps: 30 }]`
}
workers:
${
  extra.workers ??
  `  - name: w
    count: 4
    speed: 2
    jitter: 0
    overhead: 1s`
}
`;
}

/** Pearson's χ² statistic of observed counts against expected ones. */
function chiSquare(observed: number[], expected: number[]): number {
  return observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0);
}

describe("daily rate profile {mean, hourly}", () => {
  it("submits per hour in proportion to the weights, every day alike (χ², α = 0.001)", () => {
    const run = simulate(
      yaml({
        horizon: "48h",
        arrivals: `  - name: a
    rate: { mean: 100/h, hourly: [${HOURLY.join(", ")}] }
    mix: [{ width: 512, height: 512, steps: 10 }]`,
        workers: "  - { name: w, count: 10, speed: 5, jitter: 0, overhead: 0s }",
      }),
    );
    const total = HOURLY.reduce((a, b) => a + b, 0);
    for (const day of [0, 1]) {
      const counts = new Array(24).fill(0);
      for (const r of run.requests) {
        const h = Math.floor(r.submitted_s / 3600) - 24 * day;
        if (h >= 0 && h < 24) counts[h]++;
      }
      const expected = HOURLY.map((w) => (100 * 24 * w) / total);
      // χ²(23) exceeds 49.73 with probability 0.001
      expect(chiSquare(counts, expected)).toBeLessThan(49.73);
    }
  });

  it("refuses a profile without 24 weights or with no positive hour, naming the field", () => {
    const short = () =>
      parseScenario(yaml({ arrivals: "  - { name: a, rate: { mean: 10/h, hourly: [1, 2] }, mix: [{}] }" }), "p.yaml");
    expect(short).toThrow(/p\.yaml:\d+:\d+: arrivals\[0\]\.rate/);
    const zero = () =>
      parseScenario(
        yaml({
          arrivals: `  - { name: a, rate: { mean: 10/h, hourly: [${new Array(24).fill(0).join(", ")}] }, mix: [{}] }`,
        }),
        "p.yaml",
      );
    expect(zero).toThrow(/arrivals\[0\]\.rate/);
  });
});

describe("user classes and the per-arrival model mix", () => {
  const scenario = yaml({
    horizon: "12h",
    arrivals: `  - name: a
    rate: 600/h
    classes:
      - { name: anonymous, weight: 3, kudos: 0 }
      - { name: registered, weight: 1, kudos: { dist: lognormal, median: 3000, sigma: 1 } }
    models:
      - { name: m1, weight: 1 }
      - { name: m2, weight: 3 }
    mix: [{ width: 512, height: 512, steps: 10, model: ignored }]`,
    workers: `  - { name: w1, count: 3, models: [m1], speed: 4, jitter: 0, overhead: 0s }
  - { name: w2, count: 6, models: [m2], speed: 4, jitter: 0, overhead: 0s }`,
  });
  const run = simulate(scenario);

  it("draws classes and models by weight (4.5 standard errors)", () => {
    const n = run.requests.filter((r) => r.resubmission === 0).length;
    const share = (k: (r: (typeof run.requests)[number]) => boolean) =>
      run.requests.filter((r) => r.resubmission === 0 && k(r)).length / n;
    const tol = 4.5 * Math.sqrt((0.25 * 0.75) / n);
    expect(Math.abs(share((r) => r.user_class === "anonymous") - 0.75)).toBeLessThan(tol);
    expect(Math.abs(share((r) => r.model === "m2") - 0.75)).toBeLessThan(tol);
    expect(run.requests.every((r) => r.model === "m1" || r.model === "m2")).toBe(true);
  });

  it("gives each class its kudos: 0 for anonymous, a lognormal draw with median 3000 for registered", () => {
    const anon = run.requests.filter((r) => r.user_class === "anonymous");
    expect(anon.every((r) => r.kudos === 0)).toBe(true);
    const reg = run.requests.filter((r) => r.user_class === "registered").map((r) => Math.log(r.kudos));
    reg.sort((a, b) => a - b);
    const median = reg[reg.length >> 1];
    // the sample median of n lognormal draws has standard error ≈ 1.2533 σ / √n on the log scale
    expect(Math.abs(median - Math.log(3000))).toBeLessThan((4.5 * 1.2533) / Math.sqrt(reg.length));
  });

  it("pops a request only to a worker that serves its drawn model", () => {
    const byRequest = new Map(run.requests.map((r) => [r.request_id, r.model]));
    for (const a of run.attempts) {
      const model = byRequest.get(a.request_id);
      if (model === undefined) continue;
      expect(a.worker_name.startsWith(model === "m1" ? "w1" : "w2")).toBe(true);
    }
  });

  it("keeps the class, kudos and model through a resubmission", () => {
    const sc = parseScenario(
      yaml({
        top: "client: { resubmit: { max: 1, delay: 5s } }",
        arrivals: `  - name: a
    rate: 60/h
    classes: [{ name: c, kudos: { dist: lognormal, median: 10, sigma: 1 } }]
    models: [{ name: m1, weight: 1 }]
    mix: [{ width: 512, height: 512, steps: 10 }]`,
        workers: `  - name: w
    models: [m1]
    count: 2
    speed: 4
    failures: [{ mode: fault, probability: 0.5, delay: 1s }]`,
        horizon: "3h",
      }).replace("sample_interval: 0", "sample_interval: 0\nserver: { max_faulted_jobs: 0 }"),
      "r.yaml",
    );
    const r = simulate(sc);
    const origin = new Map(r.requests.filter((q) => q.resubmission === 0).map((q) => [q.origin_id, q]));
    const resubmitted = r.requests.filter((q) => q.resubmission > 0);
    expect(resubmitted.length).toBeGreaterThan(5);
    for (const q of resubmitted) {
      const o = origin.get(q.origin_id);
      expect(o).toBeDefined();
      expect([q.user_class, q.kudos, q.model]).toEqual([o?.user_class, o?.kudos, o?.model]);
    }
  });
});

describe("offered load ρ", () => {
  it("works out ρ by hand: 120/h of 7.86432 MPS on 4 workers at 2 MPS/s with 1 s overhead", () => {
    const sc = parseScenario(yaml(), "l.yaml");
    const mps = (512 * 512 * 30) / 1e6;
    const capacity = (4 * mps) / (mps / 2 + 1);
    expect(fleetCapacity(sc.workers, mps)).toBeCloseTo(capacity, 10);
    expect(offeredLoad(sc.arrivals, sc.workers, sc.horizon)).toBeCloseTo(((120 / 3600) * mps) / capacity, 10);
  });

  it("scales every rate so that the offered load is the one asked for (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.integer({ min: 1, max: 20 }), (rho, count) => {
        const sc = parseScenario(
          yaml({
            top: `load: ${rho}`,
            workers: `  - { name: w, count: ${count}, speed: { dist: lognormal, median: 1.5, sigma: 0.3 }, overhead: 2s }`,
            arrivals: `  - name: a
    rate: { mean: 100/h, hourly: [${HOURLY.join(", ")}] }
    mix: [{ width: 512, height: 768, steps: 30, n: 2 }, { weight: 2, width: 512, height: 512, steps: 20 }]`,
          }),
          "l.yaml",
        );
        expect(offeredLoad(sc.arrivals, sc.workers, sc.horizon)).toBeCloseTo(rho, 9);
      }),
      { numRuns: runs(50) },
    );
  });

  it("refuses a load with replayed times, naming the field", () => {
    const bad = yaml({ top: "load: 0.8", arrivals: "  - { name: a, times: [1s, 2s], mix: [{}] }" });
    expect(() => parseScenario(bad, "l.yaml")).toThrow(/l\.yaml:\d+:\d+: load: cannot scale arrivals\[0\]/);
  });
});

describe("a failure mode's share of its group", () => {
  it("gives the mode to the first round(share × count) workers only", () => {
    const run = simulate(
      yaml({
        workers: `  - name: w
    count: 10
    speed: 2
    failures: [{ mode: fault, probability: 1, delay: 1s, share: 0.3 }]`,
      }),
    );
    const faulted = new Set(run.attempts.filter((a) => a.end === "reported_fault").map((a) => a.worker_name));
    const clean = new Set(run.attempts.filter((a) => a.end === "completed").map((a) => a.worker_name));
    expect([...faulted].sort()).toEqual(["w-01", "w-02", "w-03"]);
    for (const w of faulted) expect(clean.has(w)).toBe(false);
    expect(clean.size).toBe(7);
  });
});

describe("queue wait and processing of each request", () => {
  it("splits every completed request's latency into wait ≥ 0 and processing ≥ 0, first pop after submission", () => {
    const run = simulate(
      yaml({
        top: "load: 1.1",
        horizon: "4h",
        workers: `  - name: w
    count: 3
    speed: 2
    failures: [{ mode: hang, probability: 0.1, hold: 5s }]`,
      }),
    );
    const done = run.requests.filter((r) => r.outcome === "completed");
    expect(done.length).toBeGreaterThan(100);
    expect(done.some((r) => r.wait_s > 60)).toBe(true);
    for (const r of done) {
      expect(r.wait_s).toBeGreaterThanOrEqual(0);
      expect(r.wait_s).toBeLessThanOrEqual(r.latency_s + 1e-9);
      expect(r.first_pop_s).toBeGreaterThanOrEqual(r.submitted_s);
      // the first spell ends at the first pop; later spells (re-queues after aborts) add to the wait
      expect(r.wait_s).toBeGreaterThanOrEqual(r.first_pop_s - r.submitted_s - 1e-9);
    }
    const requeued = done.filter((r) => r.attempts > 1);
    expect(requeued.some((r) => r.wait_s > r.first_pop_s - r.submitted_s + 1e-6)).toBe(true);
  });
});
