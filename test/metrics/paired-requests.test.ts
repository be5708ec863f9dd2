import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dominantReplication, grubbsCritical } from "../../src/metrics/dominance.js";
import { tInterval } from "../../src/metrics/intervals.js";
import {
  type PairedReplicationInput,
  pairedHitDifference,
  type RequestLatencies,
} from "../../src/metrics/paired-requests.js";

const NaN_ = Number.NaN;
const req = (latency: number[], hit: number[]): RequestLatencies => ({
  latency: Float64Array.from(latency),
  hit: Uint8Array.from(hit),
});

describe("the paired estimator, worked by hand", () => {
  const reps: PairedReplicationInput[] = [
    {
      // H = {1, 3, 4}; 4 failed in the baseline. Pairs 1 and 3: −150 and −150.
      baseline: req([10, 200, 12, 210, NaN_, 11], [0, 1, 0, 1, 1, 0]),
      arm: req([10, 50, 12, 60, 40, 11], [0, 1, 0, 1, 1, 0]),
    },
    {
      // H = {0, 2}; the arm failed 2. One pair: −170.
      baseline: req([220, 10, 240, 11, 12, 10], [1, 0, 1, 0, 0, 0]),
      arm: req([50, 10, NaN_, 11, 12, 10], [1, 0, 1, 0, 0, 0]),
    },
    {
      // H = {3}; the arm's job never failed. One pair: −160.
      baseline: req([10, 10, 10, 300, 10, 10], [0, 0, 0, 1, 0, 0]),
      arm: req([10, 10, 10, 140, 10, 10], [0, 0, 0, 0, 0, 0]),
    },
  ];
  const e = pairedHitDifference(reps);

  it("per replication: the pairs, what was left out and why, the paired and the unpaired differences", () => {
    expect(e.replications).toEqual([
      {
        hit: 3,
        pairs: 2,
        baseline_failed: 1,
        arm_failed: 0,
        mean_difference: -150,
        baseline_mean: 205,
        arm_mean: 55,
        unpaired_difference: 50 - 205,
      },
      {
        hit: 2,
        pairs: 1,
        baseline_failed: 0,
        arm_failed: 1,
        mean_difference: -170,
        baseline_mean: 220,
        arm_mean: 50,
        unpaired_difference: 50 - 230,
      },
      {
        hit: 1,
        pairs: 1,
        baseline_failed: 0,
        arm_failed: 0,
        mean_difference: -160,
        baseline_mean: 300,
        arm_mean: 140,
        unpaired_difference: NaN_,
      },
    ]);
  });

  it("across replications: mean −160, S = 10, t(0.975, 2) · 10/√3 = 24.8413771 (scipy); pooled −630/4", () => {
    expect(e.n).toBe(3);
    expect(e.mean).toBeCloseTo(-160, 12);
    expect(e.sd).toBeCloseTo(10, 12);
    expect(e.ci95?.[0]).toBeCloseTo(-184.8413771175, 8);
    expect(e.ci95?.[1]).toBeCloseTo(-135.1586228825, 8);
    expect(e.pooled).toBe(-157.5);
    // G = 10/10 = 1 < G_crit(3) = 1.1543: not dominated; that replication holds half of the spread.
    expect(e.dominance).toMatchObject({ replication: 0, dominated: false });
    expect(e.dominance?.share).toBeCloseTo(0.5, 12);
  });

  it("refuses arms that do not list the same arrivals", () => {
    expect(() => pairedHitDifference([{ baseline: req([1, 2], [1, 1]), arm: req([1], [1]) }])).toThrow(/same arrivals/);
  });
});

describe("one replication dominating the interval (Grubbs, two-sided 5 %)", () => {
  it("has the published critical values", () => {
    // The formula evaluated with scipy's t quantile; they round to the two-sided 5 % table of Grubbs (1969)
    // and ASTM E178: 1.155, 1.481, 1.715, 2.290, 2.709 (n = 3, 4, 5, 10, 20).
    expect(grubbsCritical(3)).toBeCloseTo(1.1543048513, 8);
    expect(grubbsCritical(4)).toBeCloseTo(1.48125, 8);
    expect(grubbsCritical(5)).toBeCloseTo(1.7150373123, 8);
    expect(grubbsCritical(10)).toBeCloseTo(2.2899540845, 8);
    expect(grubbsCritical(20)).toBeCloseTo(2.7082456458, 8);
  });

  it("flags the one replication where a hanging worker met 1 % of requests, and gives the interval without it", () => {
    const d = [1, 1.1, 0.9, 1.05, 0.95, 1, 1.02, 0.98, 1.01, 10];
    const dom = dominantReplication(d);
    expect(dom?.replication).toBe(9);
    // mean 1.901, S = 2.8462039, G = 8.099/2.8462039 = 2.8455 > 2.2900.
    expect(dom?.g).toBeCloseTo(2.8455445, 6);
    expect(dom?.dominated).toBe(true);
    expect(dom?.without.mean).toBeCloseTo(1.0011111, 6);
    // Without it: S = 0.0618, t(0.975, 8) · S / 3 = 0.0437271 (scipy).
    expect(dom?.without.ci95?.[1]).toBeCloseTo(1.0011111 + 0.0437271, 6);
  });

  it("does not flag evenly spread replications, and needs three with some spread", () => {
    expect(dominantReplication([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])?.dominated).toBe(false);
    expect(dominantReplication([1, 5])).toBeNull();
    expect(dominantReplication([2, 2, 2, 2])).toBeNull();
  });

  it("its share is G²/(n−1) and it flags exactly when G > G_crit; the rest's interval is theirs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 3, maxLength: 30 }),
        (xs) => {
          const dom = dominantReplication(xs);
          fc.pre(dom !== null);
          if (dom === null) return;
          expect(dom.share).toBeCloseTo((dom.g * dom.g) / (xs.length - 1), 9);
          expect(dom.share).toBeLessThanOrEqual(1 + 1e-12);
          expect(dom.dominated).toBe(dom.g > dom.critical);
          expect(dom.without.ci95).toEqual(tInterval(xs.filter((_, i) => i !== dom.replication)));
        },
      ),
    );
  });
});

// ------------------------------------------------------------------------------------------ properties

/** Replications of random arrivals: latencies (NaN = did not complete) and hit flags. */
const requestsArb = (n: number) =>
  fc.record({
    latency: fc.array(fc.oneof(fc.double({ min: 1, max: 600, noNaN: true }), fc.constant(NaN_)), {
      minLength: n,
      maxLength: n,
    }),
    hit: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
  });

const replicationsArb = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.array(fc.tuple(requestsArb(n), requestsArb(n)), { minLength: 1, maxLength: 6 }));

const close = (a: number, b: number) => {
  if (Number.isNaN(a) || Number.isNaN(b)) expect(Number.isNaN(a) && Number.isNaN(b)).toBe(true);
  else expect(a).toBeCloseTo(b, 9);
};

describe("paired against unpaired", () => {
  it("when no arm changes any request, the paired estimate equals the unpaired one: both 0", () => {
    fc.assert(
      fc.property(replicationsArb, (reps) => {
        const e = pairedHitDifference(
          reps.map(([b]) => ({ baseline: req(b.latency, b.hit), arm: req(b.latency, b.hit) })),
        );
        for (const r of e.replications) {
          close(r.mean_difference, r.pairs === 0 ? NaN_ : 0);
          close(r.unpaired_difference, r.mean_difference);
          expect(r.arm_failed).toBe(0);
        }
        if (e.mean !== null) expect(e.mean).toBe(0);
      }),
    );
  });

  it("when the hit set and the completed requests are the same in both arms, paired == difference of unpaired means", () => {
    fc.assert(
      fc.property(replicationsArb, (reps) => {
        const inputs = reps.map(([b, a]) => ({
          baseline: req(b.latency, b.hit),
          // The arm changes every latency but completes the same requests and is hit on the same ones.
          arm: req(
            b.latency.map((x, i) => (Number.isNaN(x) ? NaN_ : Number.isNaN(a.latency[i]) ? 7 : a.latency[i])),
            b.hit,
          ),
        }));
        for (const r of pairedHitDifference(inputs).replications) close(r.mean_difference, r.unpaired_difference);
      }),
    );
  });

  it("only the baseline's hit set counts: changing the arm elsewhere, or its own hit flags, changes nothing", () => {
    fc.assert(
      fc.property(replicationsArb, (reps) => {
        const e = pairedHitDifference(
          reps.map(([b, a]) => ({ baseline: req(b.latency, b.hit), arm: req(a.latency, a.hit) })),
        );
        const changed = pairedHitDifference(
          reps.map(([b, a]) => ({
            baseline: req(b.latency, b.hit),
            arm: req(
              a.latency.map((x, i) => (b.hit[i] === 1 ? x : x + 1000)),
              a.hit.map((h) => 1 - h),
            ),
          })),
        );
        expect(changed.replications.map((r) => r.mean_difference)).toEqual(
          e.replications.map((r) => r.mean_difference),
        );
        expect(changed.mean).toBe(e.mean);
      }),
    );
  });

  it("an arm that adds c seconds to every request moves every paired difference by c; the counts add up", () => {
    fc.assert(
      fc.property(replicationsArb, fc.double({ min: -100, max: 100, noNaN: true }), (reps, c) => {
        const e = pairedHitDifference(
          reps.map(([b]) => ({
            baseline: req(b.latency, b.hit),
            arm: req(
              b.latency.map((x) => x + c),
              b.hit,
            ),
          })),
        );
        for (const r of e.replications) {
          if (r.pairs > 0) expect(r.mean_difference).toBeCloseTo(c, 9);
          expect(r.pairs + r.baseline_failed + r.arm_failed).toBe(r.hit);
        }
      }),
    );
  });
});
