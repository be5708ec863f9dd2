import { describe, expect, it } from "vitest";
import { cobhamWq, erlangA, erlangC, md1Wq, mm1, mmcWq, retryAttemptFailure } from "../../src/experiment/theory.js";

describe("queueing formulas (known answers)", () => {
  it("Erlang C for c = 3, λ = 2, μ = 1 is 4/9, and so is Wq", () => {
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 10);
    expect(mmcWq(3, 2, 1)).toBeCloseTo(4 / 9, 10);
  });

  it("Erlang C with one server is ρ (M/M/1 waits with probability ρ)", () => {
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(mmcWq(1, 0.7, 1)).toBeCloseTo(mm1.wq(0.7, 1), 12);
  });

  it("Erlang A for c = 3, λ = 2, μ = 1, θ = 0.5 (Garnett, Mandelbaum & Reiman 2002)", () => {
    const a = erlangA(3, 2, 1, 0.5);
    expect(a.pWait).toBeCloseTo(0.3548, 4);
    expect(a.wq).toBeCloseTo(0.16136, 5);
    expect(a.pAbandon).toBeCloseTo(0.08068, 5);
  });

  it("Erlang A with patience that never runs out is Erlang C", () => {
    const a = erlangA(3, 2, 1, 1e-12);
    expect(a.pWait).toBeCloseTo(erlangC(3, 2), 6);
    expect(a.wq).toBeCloseTo(mmcWq(3, 2, 1), 4);
  });

  it("M/M/1 at λ = 0.5, μ = 1: Wq = 1, W = 2, median sojourn 2·ln 2", () => {
    expect(mm1.wq(0.5, 1)).toBeCloseTo(1, 12);
    expect(mm1.w(0.5, 1)).toBeCloseTo(2, 12);
    expect(mm1.sojournQuantile(0.5, 1, 0.5)).toBeCloseTo(2 * Math.log(2), 12);
  });

  it("M/D/1 waits half as long as M/M/1 at the same load", () => {
    expect(md1Wq(0.8, 1)).toBeCloseTo(mm1.wq(0.8, 1) / 2, 12);
    expect(md1Wq(0.5, 2)).toBeCloseTo(0.25 / (4 * 0.75), 12);
  });

  it("retry: q = d + (1−d)e^(−μτ)", () => {
    expect(retryAttemptFailure(0, 1, 0)).toBe(1);
    expect(retryAttemptFailure(1, 1, 5)).toBe(1);
    expect(retryAttemptFailure(0.2, 0.5, 2)).toBeCloseTo(0.2 + 0.8 * Math.exp(-1), 12);
  });
});

describe("Cobham's non-preemptive priority waits", () => {
  it("gives the shipped two-class case by hand: W0 = 0.7, Wq1 = 0.7/0.7 = 1, Wq2 = 0.7/(0.7 × 0.3)", () => {
    expect(cobhamWq([0.3, 0.4], 1, 1)).toBeCloseTo(1, 12);
    expect(cobhamWq([0.3, 0.4], 1, 2)).toBeCloseTo(10 / 3, 12);
  });

  it("reduces to M/M/1 with one class, and conserves work: the λ-weighted mean is the FIFO wait", () => {
    expect(cobhamWq([0.6], 1, 1)).toBeCloseTo(mm1.wq(0.6, 1), 12);
    const ls = [0.1, 0.25, 0.3];
    const mixed = ls.reduce((sum, l, i) => sum + l * cobhamWq(ls, 1, i + 1), 0) / 0.65;
    expect(mixed).toBeCloseTo(mm1.wq(0.65, 1), 12);
  });
});
