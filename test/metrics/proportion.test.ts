import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalQuantile, proportion, wilsonInterval } from "../../src/metrics/proportion.js";

describe("the standard normal quantile", () => {
  it("gives the tables' values", () => {
    // Abramowitz & Stegun, Handbook of Mathematical Functions, table 26.5 (to 6 decimals)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });
});

describe("the Wilson score interval", () => {
  it("gives Newcombe's published 95 % intervals (Statistics in Medicine 17:857–872, 1998, Table I, method 3)", () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
      [29, 29, 0.883, 1],
      [0, 10, 0, 0.2775],
    ];
    for (const [x, n, lo, hi] of cases) {
      const ci = wilsonInterval(x, n) as [number, number];
      expect(ci[0]).toBeCloseTo(lo, 4);
      expect(ci[1]).toBeCloseTo(hi, 4);
    }
  });

  it("stays inside [0, 1] and holds the observed share, for any counts", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const [lo, hi] = wilsonInterval(x, n) as [number, number];
          expect(lo).toBeGreaterThanOrEqual(0);
          expect(hi).toBeLessThanOrEqual(1);
          expect(lo).toBeLessThanOrEqual(x / n + 1e-12);
          expect(hi).toBeGreaterThanOrEqual(x / n - 1e-12);
        },
      ),
    );
  });

  it("has no interval without trials; a share from pooled counts carries both", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(proportion(3, 256747)).toMatchObject({ count: 3, of: 256747, share: 3 / 256747 });
    expect(proportion(3, 256747).ci95?.[0]).toBeGreaterThan(0);
  });
});
