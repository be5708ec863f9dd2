import { describe, expect, it } from "vitest";
import { quantile } from "../../src/conformance/statistics.js";

describe("the prediction interval's quantiles", () => {
  it("interpolates between order statistics (R-7, as numpy's default)", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(xs, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(xs, 0.025)).toBeCloseTo(1.225, 12);
    expect(quantile(xs, 0.975)).toBeCloseTo(9.775, 12);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
