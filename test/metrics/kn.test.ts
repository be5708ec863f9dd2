import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { standardNormal } from "../../src/engine/distributions.js";
import { Alea } from "../../src/engine/random.js";
import {
  formatKnStep,
  type KnConfig,
  type KnState,
  type KnStep,
  knConstants,
  knNext,
  knObserve,
  knStart,
} from "../../src/metrics/kn.js";
import { runs } from "../helpers/fast-check-config.js";

describe("KN's constants", () => {
  it("k = 10, n0 = 10, α = 0.05: η = ½[(0.1/9)^(−2/9) − 1] = 0.85908, h² = 18η = 15.4635", () => {
    // By hand: ln(0.1/9) = −4.499810, × −2/9 = 0.999958, e^0.999958 = 2.718167, η = (2.718167 − 1)/2.
    const { eta, h2 } = knConstants(10, 10, 0.05);
    expect(eta).toBeCloseTo(0.8590834, 6);
    expect(h2).toBeCloseTo(15.4635017, 6);
  });

  it("k = 2, n0 = 2, α = 0.05: η = ½[(0.1)^(−2) − 1] = 49.5, h² = 99", () => {
    const { eta, h2 } = knConstants(2, 2, 0.05);
    expect(eta).toBeCloseTo(49.5, 10);
    expect(h2).toBeCloseTo(99, 10);
  });

  it("k = 5, n0 = 10, α = 0.05 and k = 4, n0 = 20, α = 0.1 (computed independently in Python)", () => {
    expect(knConstants(5, 10, 0.05).h2).toBeCloseTo(11.429410772766115, 10);
    expect(knConstants(4, 20, 0.1).h2).toBeCloseTo(6.26694184974931, 10);
  });
});

/** Feeds `data[arm][replication]` to the procedure until it stops. */
function runKn(config: KnConfig, data: (r: number, arm: number) => number): { step: KnStep; state: KnState } {
  let s = knStart(config);
  for (;;) {
    const step = knNext(s);
    if (step.kind !== "run") return { step, state: s };
    s = knObserve(
      s,
      step.replication,
      step.arms.map((a) => data(step.replication, a)),
    );
  }
}

describe("KN worked by hand", () => {
  // k = 3, n0 = 3, α = 0.05: η = ½[(0.1/2)^(−1) − 1] = 9.5, h² = 2 · 9.5 · 2 = 38; δ = 1; minimise.
  // First stage: A 10 11 12, B 12 13 14 (B − A = 2 always: S² = 0, W = 0), C 10 12 11 (C − A = 0, 1, −1: S² = 1).
  // At r = 3 B is out (mean 13 > 11 + 0). Then A, C go on; r·W_AC(r) = ½(38 − r) and C − A adds 4, 6, 8 … :
  // the sums differ by 4 at r = 4 (≤ 17), 10 at r = 5 (≤ 16.5), 18 at r = 6 (> 16): C is out at r = 6.
  const config: KnConfig = { arms: ["A", "B", "C"], n0: 3, indifference: 1, alpha: 0.05, minimise: true };
  const A = [10, 11, 12, 10, 10, 10];
  const B = [12, 13, 14];
  const C = [10, 12, 11, 14, 16, 18];

  it("asks for the first stage of every arm, then only the survivors", () => {
    let s = knStart(config);
    expect(s.h2).toBeCloseTo(38, 10);
    for (let r = 0; r < 3; r++) {
      expect(knNext(s)).toEqual({ kind: "run", arms: [0, 1, 2], replication: r });
      s = knObserve(s, r, [A[r], B[r], C[r]]);
    }
    expect(s.s2?.[0][1]).toBe(0);
    expect(s.s2?.[0][2]).toBeCloseTo(1, 12);
    expect(s.eliminations).toEqual([{ arm: 1, at: 3, by: 0 }]);
    for (let r = 3; r < 6; r++) {
      expect(knNext(s)).toEqual({ kind: "run", arms: [0, 2], replication: r });
      s = knObserve(s, r, [A[r], C[r]]);
    }
    expect(s.eliminations).toEqual([
      { arm: 1, at: 3, by: 0 },
      { arm: 2, at: 6, by: 0 },
    ]);
    const done = knNext(s);
    expect(done).toEqual({ kind: "done", selected: 0, replications: 6, tie: false });
    expect(formatKnStep(done, config)).toBe(
      "KN: A selected after 6 replications with PCS ≥ 95 % (indifference δ = 1; Kim & Nelson 2001)",
    );
  });

  it("refuses values for the wrong replication or arms, and values that are not finite", () => {
    const s = knStart(config);
    expect(() => knObserve(s, 1, [1, 2, 3])).toThrow(/expected replication 0 of arms 0, 1, 2/);
    expect(() => knObserve(s, 0, [1, 2])).toThrow(/expected replication 0/);
    expect(() => knObserve(s, 0, [1, Number.NaN, 3])).toThrow(/finite value/);
  });

  it("refuses a configuration it cannot guarantee anything for", () => {
    expect(() => knStart({ ...config, n0: 1 })).toThrow(/n0 ≥ 2/);
    expect(() => knStart({ ...config, indifference: 0 })).toThrow(/δ > 0/);
    expect(() => knStart({ ...config, alpha: 0.7 })).toThrow(/α < 1 − 1\/k/);
    expect(() => knStart({ ...config, arms: ["A"] })).toThrow(/two arms/);
  });

  it("identical arms tie once every W is 0, and the one listed first is selected", () => {
    const same = [5, 6, 7, 5, 6, 7];
    const { step } = runKn({ ...config, arms: ["X", "Y"] }, (r) => same[r % 6]);
    // S² = 0: W = 0 from the first stage on, the sums are equal: a tie at r = n0.
    expect(step).toEqual({ kind: "done", selected: 0, replications: 3, tie: true });
  });

  it("stops at the cap with the survivors and no guarantee", () => {
    const { step } = runKn({ ...config, cap: 4 }, (r, a) => [A, B, C][a][r]);
    expect(step).toEqual({ kind: "stopped", survivors: [0, 2], replications: 4 });
  });
});

// ------------------------------------------------------------------------------------------ properties

interface Problem {
  means: number[];
  sds: number[];
  rho: number;
}

/** Normal replications with CRN-like correlation ρ: x_ir = μ_i + σ_i(√ρ Z_r + √(1−ρ) ε_ir). */
function sampler(rng: Alea, p: Problem): (r: number, arm: number) => number {
  const cache: number[][] = [];
  return (r, arm) => {
    while (cache.length <= r) {
      const z = standardNormal(rng);
      cache.push(
        p.means.map((mu, i) => mu + p.sds[i] * (Math.sqrt(p.rho) * z + Math.sqrt(1 - p.rho) * standardNormal(rng))),
      );
    }
    return cache[r][arm];
  };
}

/** If the selection frequency were 1 − α, a count below this would have probability < 1 % (normal approximation). */
const lowest = (n: number, alpha: number) => Math.ceil(n * (1 - alpha) - 2.326 * Math.sqrt(n * alpha * (1 - alpha)));

describe("KN's probability of correct selection (minimisation, unequal variances, common random numbers)", () => {
  const alpha = 0.05;
  const problems = 400;

  it("in the slippage configuration (the best better by exactly δ, the others equal) it selects the best ≥ 1 − α", () => {
    const rng = new Alea("kn-slippage");
    let correct = 0;
    for (let p = 0; p < problems; p++) {
      const k = [2, 3, 5, 10][p % 4];
      const n0 = [5, 10, 20][Math.floor(rng.next() * 3)];
      const delta = 0.5;
      const means = Array.from({ length: k }, (_, i) => (i === k - 1 ? 0 : delta));
      const sds = means.map(() => 0.5 + rng.next() * 1.5);
      const { step } = runKn(
        { arms: means.map((_, i) => `a${i}`), n0, indifference: delta, alpha, minimise: true },
        sampler(rng, { means, sds, rho: rng.next() * 0.9 }),
      );
      if (step.kind === "done" && step.selected === k - 1) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(lowest(problems, alpha));
  });

  it("with random means it selects an arm within δ of the best at least 1 − α of the time", () => {
    const rng = new Alea("kn-random-means");
    let good = 0;
    for (let p = 0; p < problems; p++) {
      const k = 2 + Math.floor(rng.next() * 9);
      const delta = 0.5;
      const means = Array.from({ length: k }, () => rng.next() * 2);
      const sds = means.map(() => 0.5 + rng.next() * 1.5);
      const { step } = runKn(
        { arms: means.map((_, i) => `a${i}`), n0: 10, indifference: delta, alpha, minimise: true },
        sampler(rng, { means, sds, rho: rng.next() * 0.9 }),
      );
      if (step.kind === "done" && means[step.selected] <= Math.min(...means) + delta) good++;
    }
    expect(good).toBeGreaterThanOrEqual(lowest(problems, alpha));
  });
});

const dataArb = fc.record({
  k: fc.integer({ min: 2, max: 5 }),
  // n0 = 2 makes h² huge (1,600 for k = 5) and the runs long; 3 is enough to exercise every rule.
  n0: fc.integer({ min: 3, max: 6 }),
  delta: fc.double({ min: 0.5, max: 5, noNaN: true }),
  // Values on a coarse grid, so that exact ties (which the procedure must end) are common.
  values: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 4000, maxLength: 4000 }),
  minimise: fc.boolean(),
});

describe("KN invariants", () => {
  it("ends by r = max(n0, ⌈h² max S²/δ²⌉), survivors only ever shrink, and the selected arm was never eliminated", () => {
    fc.assert(
      fc.property(dataArb, ({ k, n0, delta, values, minimise }) => {
        const config: KnConfig = {
          arms: Array.from({ length: k }, (_, i) => `a${i}`),
          n0,
          indifference: delta,
          alpha: 0.05,
          minimise,
        };
        let s = knStart(config);
        let previous = s.alive;
        let step = knNext(s);
        while (step.kind === "run") {
          const run = step;
          s = knObserve(
            s,
            run.replication,
            run.arms.map((a) => values[(run.replication * k + a) % values.length]),
          );
          expect(previous).toEqual(expect.arrayContaining([...s.alive]));
          previous = s.alive;
          step = knNext(s);
        }
        if (step.kind !== "done") throw new Error("no cap: KN must select");
        const maxS2 = Math.max(...(s.s2 ?? []).flat());
        expect(step.replications).toBeLessThanOrEqual(Math.max(n0, Math.ceil((s.h2 * maxS2) / delta ** 2)));
        expect(s.eliminations.map((e) => e.arm)).not.toContain(step.selected);
        expect(new Set([...s.eliminations.map((e) => e.arm), ...s.alive]).size).toBe(k);
      }),
      { numRuns: runs(100) },
    );
  });

  it("minimising x is maximising −x", () => {
    fc.assert(
      fc.property(dataArb, ({ k, n0, delta, values }) => {
        const arms = Array.from({ length: k }, (_, i) => `a${i}`);
        const x = (r: number, a: number) => values[(r * k + a) % values.length] + 0.001 * a;
        const low = runKn({ arms, n0, indifference: delta, alpha: 0.05, minimise: true }, x);
        const high = runKn({ arms, n0, indifference: delta, alpha: 0.05, minimise: false }, (r, a) => -x(r, a));
        expect(high.step).toEqual(low.step);
        expect(high.state.eliminations).toEqual(low.state.eliminations);
      }),
      { numRuns: runs(100) },
    );
  });
});
