import fc from "fast-check";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { pairedDifference, tInterval } from "../../src/metrics/intervals.js";
import { tCdf, tQuantile } from "../../src/metrics/student-t.js";

describe("Student t quantiles (table values)", () => {
  const table: [number, number][] = [
    [1, 12.7062],
    [2, 4.3027],
    [4, 2.7764],
    [9, 2.2622],
    [24, 2.0639],
    [29, 2.0452],
    [120, 1.9799],
  ];
  for (const [df, t] of table) {
    it(`t(0.975, ${df}) = ${t}`, () => expect(tQuantile(0.975, df)).toBeCloseTo(t, 3));
  }

  it("is symmetric and inverts the CDF", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 200 }), (p, df) => {
        const q = tQuantile(p, df);
        expect(tCdf(q, df)).toBeCloseTo(p, 8);
        expect(tQuantile(1 - p, df)).toBeCloseTo(-q, 6);
      }),
    );
  });
});

describe("t interval of the mean", () => {
  it("matches a hand computation", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, s = 2.13809, t(0.975, 7) = 2.36462 → half-width 1.78749.
    const ci = tInterval([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(ci?.[0]).toBeCloseTo(5 - 1.78749, 4);
    expect(ci?.[1]).toBeCloseTo(5 + 1.78749, 4);
  });

  it("is null with fewer than two finite values and ignores NaN", () => {
    expect(tInterval([3])).toBeNull();
    expect(tInterval([Number.NaN, 3])).toBeNull();
    expect(tInterval([1, Number.NaN, 3])).toEqual(tInterval([1, 3]));
  });
});

describe("paired differences (common random numbers)", () => {
  it("gives exactly 0 with the interval [0, 0] for identical arms", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (xs) => {
        const d = pairedDifference(xs, xs);
        expect(d.diff).toBe(0);
        expect(d.ci95).toEqual([0, 0]);
        expect(d.significant).toBe(false);
      }),
    );
  });

  it("is the t interval of the per-replication differences", () => {
    const base = [10, 12, 9, 11, 13];
    const arm = [8, 11, 8, 9, 12];
    const d = base.map((b, i) => arm[i] - b);
    const p = pairedDifference(arm, base);
    expect(p.diff).toBeCloseTo(mean(d), 12);
    const half = tQuantile(0.975, 4) * (sampleStandardDeviation(d) / Math.sqrt(5));
    expect(p.ci95?.[0]).toBeCloseTo(mean(d) - half, 12);
    expect(p.significant).toBe(true);
    expect(p.n).toBe(5);
  });

  it("drops replications where either arm has no value", () => {
    const p = pairedDifference([1, Number.NaN, 3, 5], [0, 1, Number.NaN, 4]);
    expect(p.n).toBe(2);
    expect(p.diff).toBe(1);
  });
});
