// Grubbs' rule for one replication dominating an interval over replications (src/metrics/dominance.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dominantReplication, grubbsCritical } from "../../src/metrics/dominance.js";
import { tInterval } from "../../src/metrics/intervals.js";

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
