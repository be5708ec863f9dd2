import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { standardNormal } from "../../src/engine/distributions.js";
import { Alea } from "../../src/engine/random.js";
import type { FigureValues } from "../../src/metrics/figures.js";
import { type ArmInput, decide } from "../../src/metrics/verdict.js";
import { formatVerdict } from "../../src/metrics/verdict-text.js";
import type { Objective } from "../../src/scenario/types.js";

const latency = (over: Partial<Objective> = {}): Objective => ({
  name: "fast",
  minimise: "user_latency_mean_s",
  subject_to: [],
  indifference: 0,
  ...over,
});

const arm = (name: string, user_latency_mean_s: number[], more: FigureValues = {}): ArmInput => ({
  name,
  values: { user_latency_mean_s, ...more },
});

const A = [10, 12, 11, 13];
const plus = (xs: number[], ds: number[]) => xs.map((x, i) => x + ds[i]);

// Four arms paired by replication. With m = 3 ranked arms besides each one the screen's critical value is
// t(1 − 0.05/3, 3) = 3.7404897 (scipy.stats.t.ppf), so a pair whose differences have S = 1.2909944 (that of
// 0, 1, 2, −1 and of 1, 2, 3, 4) is separated when its mean difference exceeds W = 3.7404897 · S / 2 = 2.4144758.
const FOUR = [
  arm("A", A),
  arm("B", plus(A, [1, 1, 1, 1])), // always 1 s slower: S = 0, W = 0
  arm("C", plus(A, [1, 2, 3, 4])), // mean 2.5 > W
  arm("D", plus(A, [0, 1, 2, -1])), // mean 0.5 < W
];

describe("the verdict, worked by hand", () => {
  const v = decide(latency(), FOUR);

  it("recommends the lowest mean among arms not shown worse, and says which are worse than what", () => {
    expect(v.recommended).toBe("A");
    expect(v.arms.map((a) => [a.name, a.status, a.worse_than])).toEqual([
      ["A", "recommended", null],
      ["B", "worse", "A"],
      ["C", "worse", "A"],
      ["D", "not-separated", null],
    ]);
  });

  it("gives each arm's paired difference from the recommended one with its Bonferroni bounds", () => {
    const c = v.arms[2].vs_recommended;
    expect(c?.n).toBe(4);
    expect(c?.mean).toBeCloseTo(2.5, 12);
    expect(c?.lower).toBeCloseTo(2.5 - 2.4144757509627173, 8);
    expect(c?.upper).toBeCloseTo(2.5 + 2.4144757509627173, 8);
    expect(v.arms[1].vs_recommended).toEqual({ n: 4, mean: 1, sd: 0, lower: 1, upper: 1 });
  });

  it("estimates the replications that would separate the open pair: smallest N with t(1−α/3, N−1)·S/√N ≤ 0.5", () => {
    // scipy: N = 33 is the first with t.ppf(1 − 0.05/3, N − 1) · 1.2909944 / √N ≤ 0.5.
    expect(v.arms[3].replications_needed).toEqual({ total: 33, to: "separate", reason: null });
    expect(v.replications_to_decide).toBe(33);
  });

  it("with δ = 3 the arms whose difference is shown inside ±δ do not matter", () => {
    const w = decide(latency({ indifference: 3 }), FOUR);
    expect(w.arms.map((a) => a.status)).toEqual(["recommended", "within-indifference", "worse", "within-indifference"]);
    expect(w.replications_to_decide).toBe(4);
  });

  it("says it all in a few lines", () => {
    expect(formatVerdict(v).split("\n")).toEqual([
      "fast: minimise user mean latency; δ not given; 4 replications",
      "  recommended: A (11.5 s)",
      "  cannot be told apart from it: D +0.500 s (up to +2.91 s; ~33 replications in all to separate)",
      "  worse: B +1.00 s (at least +1.00 s), C +2.50 s (at least +0.0855 s)",
      "  ~33 replications in all would settle every open comparison",
      "  how: feasible = every bound met by its one-sided 95 % confidence bound; worse = shown worse than another feasible arm by paired differences (Bonferroni subset selection, Nelson et al. 2001)",
    ]);
  });
});

describe("feasibility", () => {
  const safe = latency({ subject_to: [{ figure: "failure_rate", max: 0.0025 }] });

  it("is judged by one-sided 95 % bounds: met, violated, not shown with the replications to settle it", () => {
    const v = decide(safe, [
      arm("ok", [5, 6, 7], { failure_rate: [0, 0, 0] }),
      arm("bad", [1, 2, 3], { failure_rate: [0.01, 0.011, 0.012] }),
      arm("maybe", [1, 2, 3], { failure_rate: [0.001, 0.002, 0.003] }),
    ]);
    expect(v.recommended).toBe("ok");
    expect(v.arms.map((a) => [a.name, a.status, a.constraints[0].status])).toEqual([
      ["ok", "recommended", "met"],
      ["bad", "infeasible", "violated"],
      ["maybe", "not-shown-feasible", "not-shown"],
    ]);
    // mean 0.002, S = 0.001, t(0.95, 2) = 2.9199856 → half-width 0.0016858545; N = 13 is the first with
    // t.ppf(0.95, N − 1) · 0.001 / √N ≤ 0.0005 = |bound − mean| (scipy).
    const maybe = v.arms[2].constraints[0];
    expect(maybe.upper).toBeCloseTo(0.0036858544608, 10);
    expect(maybe.lower).toBeCloseTo(0.0003141455392, 10);
    expect(maybe.replications_needed).toBe(13);
    expect(v.arms[2].replications_needed).toEqual({ total: 13, to: "settle-bounds", reason: null });
    // "maybe" is faster than the recommendation: settling its bound is an open question.
    expect(v.replications_to_decide).toBe(13);
  });

  it("with every arm infeasible there is no recommendation, and the text says why", () => {
    const v = decide(safe, [
      arm("a", [1, 2], { failure_rate: [0.5, 0.6] }),
      arm("b", [1, 2], { failure_rate: [0.9, 0.9] }),
    ]);
    expect(v.recommended).toBeNull();
    expect(v.arms.map((a) => a.status)).toEqual(["infeasible", "infeasible"]);
    const text = formatVerdict(v).split("\n");
    // one sentence: the bound no arm meets and the arm closest to it (the lowest mean: a, 55 % against 90 %)
    expect(text[1]).toBe(
      "  no recommendation: no arm is shown to meet failed submissions (faulted or expired) ≤ 0.250 %; the closest is a (55.0 %)",
    );
    expect(text[2]).toBe(
      "  infeasible: a (failed submissions (faulted or expired) 55.0 % > 0.250 %, at least 23.4 %), b (failed submissions (faulted or expired) 90.0 % > 0.250 %, at least 90.0 %)",
    );
  });

  it("a bounded figure without any value (no failure to time) is not shown to be met", () => {
    const v = decide(latency({ subject_to: [{ figure: "time_to_failure_s", max: 600 }] }), [
      arm("a", [1, 2], { time_to_failure_s: [Number.NaN, Number.NaN] }),
      arm("b", [3, 4], { time_to_failure_s: [100, 200] }),
    ]);
    expect(v.arms[0].status).toBe("not-shown-feasible");
    expect(v.arms[0].constraints[0]).toMatchObject({ status: "no-value", n: 0, mean: null });
    expect(v.arms[0].replications_needed?.total).toBeNull();
    expect(v.recommended).toBe("b");
    expect(v.replications_to_decide).toBeNull();
    expect(formatVerdict(v)).toContain(
      "not shown to meet the bounds: a (time to a failed submission: no value in any replication (no request failed); no estimate",
    );
  });
});

describe("edge cases", () => {
  it("one replication: no intervals, the lowest value is recommended and nothing is separated", () => {
    const v = decide(latency(), [arm("a", [3]), arm("b", [2]), arm("c", [4])]);
    expect(v.recommended).toBe("b");
    expect(v.arms.map((a) => a.status)).toEqual(["not-separated", "recommended", "not-separated"]);
    expect(v.arms[0].vs_recommended).toEqual({ n: 1, mean: 1, sd: null, lower: null, upper: null });
    expect(v.arms[0].replications_needed?.reason).toMatch(/fewer than two replications/);
    expect(v.replications_to_decide).toBeNull();
    expect(v.notes).toEqual(["one replication: no intervals, every figure is judged on its single value"]);
    expect(formatVerdict(v)).toContain("cannot be told apart from it: a +1.00 s (one pair: no interval)");
  });

  it("names the arm a worse arm was shown worse than when its pair with the recommended arm does not show it", () => {
    // a: noisy, lowest mean; b: steady; c: b + 2 in every replication, so c is shown worse than b (S = 0),
    // while c − a, whose differences swing by ±10, is not separated on its own
    const v = decide(latency(), [
      arm("a", [0, 20, 0, 20]),
      arm("b", [10, 10.5, 9.5, 10]),
      arm("c", [12, 12.5, 11.5, 12]),
    ]);
    expect(v.recommended).toBe("a");
    const c = v.arms.find((x) => x.name === "c");
    expect(c?.status).toBe("worse");
    expect(c?.worse_than).toBe("b");
    expect(c?.vs_recommended?.lower ?? 1).toBeLessThanOrEqual(0);
    expect(formatVerdict(v)).toMatch(/worse: c \+2\.00 s \(at least -[0-9.]+ s; shown worse than b\)/);
  });

  it("an exact tie goes to the arm listed first; an arm equal in every replication is identical", () => {
    const v = decide(latency(), [arm("base", [5, 6, 7]), arm("copy", [5, 6, 7]), arm("other", [6, 5, 7])]);
    expect(v.recommended).toBe("base");
    expect(v.arms.map((a) => a.status)).toEqual(["recommended", "identical", "not-separated"]);
    // The mean difference of "other" is 0: no number of replications separates it.
    expect(v.arms[2].replications_needed).toEqual({
      total: null,
      to: null,
      reason: "the mean difference is 0: no number of replications separates them if it really is",
    });
  });

  it("with zero variance every difference is exact: any positive one separates", () => {
    const v = decide(latency(), [arm("a", [5, 5, 5]), arm("b", [5.001, 5.001, 5.001])]);
    expect(v.arms.map((a) => a.status)).toEqual(["recommended", "worse"]);
  });

  it("NaN figures are left out pairwise; an arm with no value at all is not ranked", () => {
    const nan = Number.NaN;
    const v = decide(latency({ minimise: "affected_latency_s" }), [
      { name: "a", values: { affected_latency_s: [200, nan, 210, 190] } },
      { name: "b", values: { affected_latency_s: [40, 45, nan, 42] } },
      { name: "never-hit", values: { affected_latency_s: [nan, nan, nan, nan] } },
    ]);
    expect(v.recommended).toBe("b");
    expect(v.arms.map((a) => a.status)).toEqual(["worse", "recommended", "no-value"]);
    expect(v.arms[0].vs_recommended).toMatchObject({ n: 2, mean: 154 });
    expect(formatVerdict(v)).toContain(
      "no value: never-hit (latency of requests hit by a failed job: no request was hit by a failed job in every replication)",
    );
  });
});

// ------------------------------------------------------------------------------------------ properties

/** Normal per-replication figures with CRN-like correlation ρ between arms: x_ir = μ_i + σ(√ρ Z_r + √(1−ρ) ε_ir). */
function crnProblem(rng: Alea, means: number[], n: number, rho: number, sigma = 1): number[][] {
  const z = Array.from({ length: n }, () => standardNormal(rng));
  return means.map((mu) =>
    z.map((zr) => mu + sigma * (Math.sqrt(rho) * zr + Math.sqrt(1 - rho) * standardNormal(rng))),
  );
}

describe("the screen's guarantee", () => {
  it("marks the truly best arm worse in at most α of problems (binomial test at 1 %)", () => {
    const rng = new Alea("verdict-guarantee");
    const problems = 400;
    let kept = 0;
    for (let p = 0; p < problems; p++) {
      const k = 2 + Math.floor(rng.next() * 6);
      const n = 3 + Math.floor(rng.next() * 15);
      const rho = rng.next() * 0.9;
      // Every arm equally good: the least favourable case, where each of the m comparisons of arm 0 (one of
      // the truly best) can go wrong. (Without the Bonferroni correction only 352 of these 400 keep it.)
      const means = new Array<number>(k).fill(0);
      const xs = crnProblem(rng, means, n, rho);
      const v = decide(
        latency(),
        xs.map((x, i) => arm(`a${i}`, x)),
      );
      if (v.arms[0].status !== "worse") kept++;
    }
    // If P(kept) were 0.95, a count below 0.95·400 − 2.326·√(400·0.95·0.05) = 369.9 would have probability < 1 %.
    expect(kept).toBeGreaterThanOrEqual(370);
  });
});

const replicationsArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
  // Whole numbers: sums and shifts are exact, so no comparison turns on a rounding.
  fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n, maxLength: n }), {
    minLength: 1,
    maxLength: 5,
  }),
);

describe("invariants", () => {
  it("exactly one arm is recommended when any is ranked, and it is never worse than another", () => {
    fc.assert(
      fc.property(replicationsArb, (xs) => {
        const v = decide(
          latency(),
          xs.map((x, i) => arm(`a${i}`, x)),
        );
        expect(v.arms.filter((a) => a.status === "recommended")).toHaveLength(1);
        const rec = v.arms.find((a) => a.status === "recommended");
        for (const a of v.arms)
          if (a.status === "not-separated") expect(a.objective.mean).toBeGreaterThanOrEqual(rec?.objective.mean ?? 0);
      }),
    );
  });

  it("does not depend on the order of the arms (but for ties) or on a shift of every value", () => {
    fc.assert(
      fc.property(replicationsArb, fc.integer({ min: -50, max: 50 }), (xs, shift) => {
        const means = xs.map((x) => x.reduce((s, y) => s + y, 0) / x.length);
        fc.pre(new Set(means).size === means.length);
        const arms = xs.map((x, i) => arm(`a${i}`, x));
        const v = decide(latency(), arms);
        const reversed = decide(latency(), [...arms].reverse());
        expect(reversed.recommended).toBe(v.recommended);
        const status = (w: typeof v) => Object.fromEntries(w.arms.map((a) => [a.name, a.status]));
        expect(status(reversed)).toEqual(status(v));
        const shifted = decide(
          latency(),
          xs.map((x, i) =>
            arm(
              `a${i}`,
              x.map((y) => y + shift),
            ),
          ),
        );
        expect(shifted.recommended).toBe(v.recommended);
      }),
    );
  });
});

describe("several effects in order (next:), worked by hand", () => {
  // Three arms over four replications. On the first effect (user mean latency, δ 1 s) P is 0.25 s slower than
  // Q in every replication but within δ (S = 0, W = 0: the interval is the point 0.25), R is 3 s slower in
  // every replication: R is dropped there. On the second (failed submissions, no δ) P fails 0.1 % more than Q
  // in every replication: shown worse, dropped. Q is left and recommended.
  const rows = {
    P: { lat: [10.25, 12.25, 11.25, 13.25], fail: [0.002, 0.002, 0.002, 0.002] },
    Q: { lat: [10, 12, 11, 13], fail: [0.001, 0.001, 0.001, 0.001] },
    R: { lat: [13, 15, 14, 16], fail: [0, 0, 0, 0] },
  };
  const arms = Object.entries(rows).map(([name, r]) => arm(name, r.lat, { failure_rate: r.fail }));
  const o = latency({ indifference: 1, next: [{ minimise: "failure_rate", indifference: 0 }] });
  const v = decide(o, arms);

  it("each effect judges only the arms the ones before it kept; a later effect decides what an earlier could not", () => {
    expect(v.recommended).toBe("Q");
    expect(v.steps.map((s) => [s.figure, s.ranked, s.best, s.dropped])).toEqual([
      ["user_latency_mean_s", ["P", "Q", "R"], "Q", ["R"]],
      ["failure_rate", ["P", "Q"], "Q", ["P"]],
    ]);
    expect(v.arms.map((a) => [a.name, a.status, a.on, a.worse_than])).toEqual([
      ["P", "worse", "failure_rate", "Q"],
      ["Q", "recommended", "user_latency_mean_s", null],
      ["R", "worse", "user_latency_mean_s", "Q"],
    ]);
    expect(v.arms[0].vs_recommended?.mean).toBeCloseTo(0.001, 12);
    expect(v.arms[2].vs_recommended?.mean).toBeCloseTo(3, 12);
  });

  it("without the second effect P is within δ of Q, not worse, and Q (lower mean) is recommended", () => {
    const one = decide(latency({ indifference: 1 }), arms);
    expect(one.arms.map((a) => a.status)).toEqual(["within-indifference", "recommended", "worse"]);
  });

  it("an arm left equivalent on every effect is within δ; the text names the effect an arm lost on", () => {
    const equal = decide(o, [
      arms[1],
      arm(
        "S",
        rows.Q.lat.map((x) => x + 0.5),
        { failure_rate: rows.Q.fail },
      ),
    ]);
    expect(equal.arms.map((a) => a.status)).toEqual(["recommended", "within-indifference"]);
    const text = formatVerdict(v).split("\n");
    expect(text[0]).toBe(
      "fast: minimise user mean latency; δ 1.00 s; then failed submissions (faulted or expired); 4 replications",
    );
    expect(text[2]).toBe(
      "  worse: P failed submissions (faulted or expired) +0.100 % (at least +0.100 %), R +3.00 s (at least +3.00 s)",
    );
  });
});

describe("a bound relative to the baseline (non-inferiority on paired differences)", () => {
  // failure rates: the baseline B; N +0.00005 in every replication (within the 0.01 % margin: met); W +0.002
  // in every replication (violated); U +0.0001 ± 0.0001 alternating (its upper bound is above the margin, its
  // lower below: not shown).
  const b = [0.004, 0.005, 0.0045, 0.0044];
  const bound = { figure: "user_failure_rate" as const, max: 0.0001, relative: true };
  const v = decide(latency({ subject_to: [bound] }), [
    arm("B", [10, 11, 12, 13], { user_failure_rate: b }),
    arm("N", [9, 10, 11, 12], { user_failure_rate: b.map((x) => x + 0.00005) }),
    arm("W", [8, 9, 10, 11], { user_failure_rate: b.map((x) => x + 0.002) }),
    arm("U", [7, 8, 9, 10], { user_failure_rate: b.map((x, i) => x + 0.0001 + (i % 2 === 0 ? 0.0001 : -0.0001)) }),
  ]);

  it("judges each arm on its difference from the baseline, the baseline meeting it by construction", () => {
    expect(v.arms.map((a) => [a.name, a.constraints[0].status])).toEqual([
      ["B", "met"],
      ["N", "met"],
      ["W", "violated"],
      ["U", "not-shown"],
    ]);
    expect(v.arms[1].constraints[0].mean).toBeCloseTo(0.00005, 12);
    expect(v.recommended).toBe("N");
    expect(formatVerdict(v).split("\n")[0]).toBe(
      "fast: minimise user mean latency subject to users whose request finally failed ≤ the baseline's + 0.0100 %; δ not given; 4 replications",
    );
  });
});
