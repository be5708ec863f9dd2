import fc from "fast-check";
import * as ss from "simple-statistics";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { estimate, pairedDifference, tInterval } from "../../src/metrics/intervals.js";
import { tCdf, tQuantile } from "../../src/metrics/student-t.js";

describe("Student t quantiles", () => {
  it("are not available in simple-statistics (so they are computed here)", () => {
    const names = Object.keys(ss);
    expect(names).toContain("tTest");
    expect(names.filter((n) => /^(t|student)(Distribution|Quantile|Inv|Ppf|Cdf)/i.test(n))).toEqual([]);
  });

  // Table values (scipy.stats.t.ppf(0.975, df)).
  const table: [number, number][] = [
    [1, 12.706204736],
    [2, 4.30265273],
    [4, 2.776445105],
    [7, 2.364624252],
    [9, 2.262157163],
    [24, 2.063898562],
    [29, 2.045229642],
    [120, 1.979930405],
  ];
  for (const [df, t] of table) {
    it(`t(0.975, ${df}) = ${t}`, () => expect(tQuantile(0.975, df)).toBeCloseTo(t, 6));
  }

  it("tends to the normal quantile (simple-statistics' probit is only good to ~3e-3, so the exact value)", () => {
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959963984540054, 5);
  });

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
  it("matches hand computations", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, s = 2.13809, t(0.975, 7) = 2.36462 → half-width 1.78749.
    const a = tInterval([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(a?.[0]).toBeCloseTo(5 - 1.78749, 4);
    expect(a?.[1]).toBeCloseTo(5 + 1.78749, 4);
    // 1..5: mean 3, s = √2.5, t(0.975, 4) = 2.776445 → half-width 2.776445 · √2.5 / √5 = 1.963243.
    const b = tInterval([1, 2, 3, 4, 5]);
    expect(b?.[0]).toBeCloseTo(1.0367568385, 9);
    expect(b?.[1]).toBeCloseTo(4.9632431615, 9);
  });

  it("is null with fewer than two finite values and ignores NaN", () => {
    expect(tInterval([])).toBeNull();
    expect(tInterval([3])).toBeNull();
    expect(tInterval([Number.NaN, 3])).toBeNull();
    expect(tInterval([1, Number.NaN, 3])).toEqual(tInterval([1, 3]));
  });

  it("has zero width without variance", () => {
    expect(tInterval([4, 4, 4])).toEqual([4, 4]);
  });

  it("estimate: mean of the finite values, null when there is none", () => {
    expect(estimate([1, Number.NaN, 3])).toEqual({ mean: 2, ci95: tInterval([1, 3]) });
    expect(estimate([Number.NaN])).toEqual({ mean: null, ci95: null });
    expect(estimate([7])).toEqual({ mean: 7, ci95: null });
  });
});

describe("paired differences (common random numbers)", () => {
  it("gives exactly 0 with the interval [0, 0] for identical arms", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (xs) => {
        const d = pairedDifference(xs, xs);
        expect(Object.is(d.diff, 0)).toBe(true);
        expect(d.ci95).toEqual([0, 0]);
        expect(d.significant).toBe(false);
        expect(d.n).toBe(xs.length);
      }),
    );
  });

  it("matches a hand computation", () => {
    // d = arm − base = −2, −1, −1, −2, −1: mean −1.4, s = √0.3, half-width 2.776445 · √0.3 / √5 = 0.680087.
    const p = pairedDifference([8, 11, 8, 9, 12], [10, 12, 9, 11, 13]);
    expect(p.diff).toBeCloseTo(-1.4, 12);
    expect(p.ci95?.[0]).toBeCloseTo(-2.0800873807, 9);
    expect(p.ci95?.[1]).toBeCloseTo(-0.7199126193, 9);
    expect(p.significant).toBe(true);
    expect(p.n).toBe(5);
  });

  it("is the t interval of the per-replication differences", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })),
          {
            minLength: 3,
            maxLength: 20,
          },
        ),
        (pairs) => {
          const arm = pairs.map((p) => p[0]);
          const base = pairs.map((p) => p[1]);
          const d = pairs.map(([a, b]) => a - b);
          const p = pairedDifference(arm, base);
          expect(p.diff).toBeCloseTo(mean(d), 9);
          const sd = sampleStandardDeviation(d);
          if (sd > 0) {
            const half = tQuantile(0.975, d.length - 1) * (sd / Math.sqrt(d.length));
            expect(p.ci95?.[0]).toBeCloseTo(mean(d) - half, 9);
            expect(p.ci95?.[1]).toBeCloseTo(mean(d) + half, 9);
            expect(p.significant).toBe(mean(d) - half > 0 || mean(d) + half < 0);
          }
        },
      ),
    );
  });

  it("is not significant when the interval straddles 0", () => {
    // d = −1, 2, 3: mean 1.3333, interval [−3.8378, 6.5045].
    const p = pairedDifference([0, 2, 3], [1, 0, 0]);
    expect(p.ci95?.[0]).toBeCloseTo(-3.8378116792, 8);
    expect(p.ci95?.[1]).toBeCloseTo(6.5044783459, 8);
    expect(p.significant).toBe(false);
  });

  it("drops replications where either arm has no value", () => {
    const p = pairedDifference([1, Number.NaN, 3, 5, 8], [0, 1, Number.NaN, 4, 7]);
    expect(p.n).toBe(3);
    expect(p.diff).toBe(1);
    expect(p.ci95).toEqual([1, 1]);
    expect(p.significant).toBe(true);
    const one = pairedDifference([1, Number.NaN], [3, 2]);
    expect(one).toEqual({ diff: -2, ci95: null, significant: false, n: 1 });
    expect(pairedDifference([Number.NaN], [Number.NaN])).toEqual({ diff: null, ci95: null, significant: false, n: 0 });
  });
});
