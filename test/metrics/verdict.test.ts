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
      // A is the baseline (the first arm) and kept: D is not shown better than it
      "  recommended: keep A (the baseline, 11.5 s): no other arm is shown better than it",
      // against a kept baseline both ends of the interval: 0.5 ∓ 2.4144758
      "  cannot be told apart from it: D +0.500 s (-1.91 s to +2.91 s; ~33 replications in all to separate)",
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
  it("one replication: no intervals, nothing is separated, so the baseline is kept (the lowest value without it)", () => {
    const arms = [arm("a", [3]), arm("b", [2]), arm("c", [4])];
    const v = decide(latency(), arms);
    expect(v.recommended).toBe("a");
    expect(v.keeps_baseline).toBe(true);
    expect(v.arms.map((a) => a.status)).toEqual(["recommended", "not-separated", "not-separated"]);
    expect(v.arms[1].vs_recommended).toEqual({ n: 1, mean: -1, sd: null, lower: null, upper: null });
    expect(v.arms[1].replications_needed?.reason).toMatch(/fewer than two replications/);
    expect(v.replications_to_decide).toBeNull();
    expect(v.notes).toEqual(["one replication: no intervals, every figure is judged on its single value"]);
    expect(formatVerdict(v)).toContain("cannot be told apart from it: b -1.00 s (one pair: no interval), c +1.00 s");
    const lowest = decide(latency(), arms, { keepBaseline: false });
    expect(lowest.recommended).toBe("b");
    expect(lowest.keeps_baseline).toBe(false);
    expect(lowest.arms.map((a) => a.status)).toEqual(["not-separated", "recommended", "not-separated"]);
    expect(lowest.arms[0].vs_recommended).toEqual({ n: 1, mean: 1, sd: null, lower: null, upper: null });
    expect(formatVerdict(lowest)).toContain("  recommended: b (2.00 s)\n  cannot be told apart from it: a +1.00 s");
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
  const statuses = (w: ReturnType<typeof decide>) => Object.fromEntries(w.arms.map((a) => [a.name, a.status]));

  it("one arm is recommended: the baseline when the elimination leaves it, else the lowest mean left", () => {
    fc.assert(
      fc.property(replicationsArb, (xs) => {
        const arms = xs.map((x, i) => arm(`a${i}`, x));
        const v = decide(latency(), arms);
        const lowest = decide(latency(), arms, { keepBaseline: false });
        expect(v.arms.filter((a) => a.status === "recommended")).toHaveLength(1);
        // the rule chooses among the arms the elimination left: the same arms are worse either way
        const worse = (w: typeof v) => w.arms.filter((a) => a.status === "worse").map((a) => a.name);
        expect(worse(v)).toEqual(worse(lowest));
        const baselineLeft = lowest.arms[0].status !== "worse";
        expect(v.keeps_baseline).toBe(baselineLeft && arms.length > 1);
        expect(v.recommended).toBe(baselineLeft ? "a0" : lowest.recommended);
        // the lowest-mean rule never recommends an arm above one it cannot tell apart from it
        for (const w of v.keeps_baseline ? [lowest] : [lowest, v]) {
          const rec = w.arms.find((a) => a.status === "recommended");
          for (const a of w.arms)
            if (a.status === "not-separated")
              expect(a.objective.mean).toBeGreaterThanOrEqual(rec?.objective.mean ?? 0);
        }
      }),
    );
  });

  it("does not depend on the order of the arms after the baseline (but for ties) or on a shift of every value", () => {
    fc.assert(
      fc.property(replicationsArb, fc.integer({ min: -50, max: 50 }), (xs, shift) => {
        const means = xs.map((x) => x.reduce((s, y) => s + y, 0) / x.length);
        fc.pre(new Set(means).size === means.length);
        const arms = xs.map((x, i) => arm(`a${i}`, x));
        const v = decide(latency(), arms);
        const reordered = decide(latency(), [arms[0], ...arms.slice(1).reverse()]);
        expect(reordered.recommended).toBe(v.recommended);
        expect(statuses(reordered)).toEqual(statuses(v));
        // without a baseline to keep, on no order at all
        const lowest = decide(latency(), arms, { keepBaseline: false });
        const reversed = decide(latency(), [...arms].reverse(), { keepBaseline: false });
        expect(reversed.recommended).toBe(lowest.recommended);
        expect(statuses(reversed)).toEqual(statuses(lowest));
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

  it("without the second effect P, the baseline, is left (within δ of Q) and kept; R is worse than it by 2.75 s", () => {
    const one = decide(latency({ indifference: 1 }), arms);
    expect(one.recommended).toBe("P");
    expect(one.keeps_baseline).toBe(true);
    expect(one.arms.map((a) => a.status)).toEqual(["recommended", "within-indifference", "worse"]);
    // Q − P = −0.25 in every replication; R − P = 2.75 in every replication, R was shown worse than both
    expect(one.arms[1].vs_recommended).toEqual({ n: 4, mean: -0.25, sd: 0, lower: -0.25, upper: -0.25 });
    expect(one.arms[2].vs_recommended).toEqual({ n: 4, mean: 2.75, sd: 0, lower: 2.75, upper: 2.75 });
    expect(one.arms[2].worse_than).toBe("P");
    // with no baseline to keep, Q has the lower mean
    const lowest = decide(latency({ indifference: 1 }), arms, { keepBaseline: false });
    expect(lowest.arms.map((a) => a.status)).toEqual(["within-indifference", "recommended", "worse"]);
    expect(lowest.arms[2].vs_recommended?.mean).toBeCloseTo(3, 12);
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

describe("keeping the baseline: a change must be shown better (docs/decisions.md §2)", () => {
  // The requests a failed job hits, per replication. J waits 4 s less than the baseline H in every replication,
  // give or take a second: differences −5, −3, −4, −4, mean −4, S = √(2/3) = 0.8164966. Two arms, m = 1, so
  // W = t(0.95, 3) · S/√4 = 2.3533634 · 0.8164966 / 2 = 0.9607566 (scipy.stats.t.ppf): H is shown worse than J,
  // by 3.0392434 to 4.9607566 s.
  const H = [200, 210, 190, 205];
  const J = [195, 207, 186, 201];
  const hit = (name: string, affected_latency_s: number[]): ArmInput => ({ name, values: { affected_latency_s } });
  const objective = (indifference: number) => latency({ minimise: "affected_latency_s", indifference });
  const W = 0.9607565990980091;

  it("with δ 10 s the baseline is shown worse only by less than δ: it is kept, J is within δ of it", () => {
    const v = decide(objective(10), [hit("horde", H), hit("jittered", J)]);
    expect(v.recommended).toBe("horde");
    expect(v.keeps_baseline).toBe(true);
    expect(v.steps[0]).toMatchObject({ best: "jittered", dropped: [] });
    expect(v.arms.map((a) => [a.name, a.status])).toEqual([
      ["horde", "recommended"],
      ["jittered", "within-indifference"],
    ]);
    const c = v.arms[1].vs_recommended;
    expect(c?.mean).toBeCloseTo(-4, 12);
    expect(c?.lower).toBeCloseTo(-4 - W, 10);
    expect(c?.upper).toBeCloseTo(-4 + W, 10);
    expect(formatVerdict(v).split("\n").slice(1, 3)).toEqual([
      "  recommended: keep horde (the baseline, 201 s): no other arm is shown better than it by more than δ",
      "  within δ of it: jittered -4.00 s (-4.96 s to -3.04 s)",
    ]);
  });

  it("with δ 3 s the same baseline is shown worse by more than δ: it is dropped and J recommended", () => {
    const v = decide(objective(3), [hit("horde", H), hit("jittered", J)]);
    expect(v.recommended).toBe("jittered");
    expect(v.keeps_baseline).toBe(false);
    expect(v.arms.map((a) => [a.name, a.status, a.worse_than])).toEqual([
      ["horde", "worse", "jittered"],
      ["jittered", "recommended", null],
    ]);
    expect(v.arms[0].vs_recommended?.lower).toBeCloseTo(4 - W, 10);
    expect(formatVerdict(v).split("\n").slice(1, 3)).toEqual([
      "  recommended: jittered (197 s)",
      "  worse: horde +4.00 s (at least +3.04 s)",
    ]);
  });

  it("with no δ a baseline that cannot be told apart from a lower mean is kept", () => {
    // K − H = −6, 4, −3, 3: mean −0.5, S = √23, W = 2.3533634 · 4.7958315 / 2 = 5.6431673
    const K = [194, 214, 187, 208];
    const v = decide(objective(0), [hit("horde", H), hit("K", K)]);
    expect(v.recommended).toBe("horde");
    expect(v.arms[1].status).toBe("not-separated");
    expect(v.arms[1].vs_recommended?.upper).toBeCloseTo(-0.5 + 5.643167273217041, 10);
    // to show K better (or not): the smallest N with t(0.95, N − 1) · √23/√N ≤ |−0.5| is 251 (scipy)
    expect(v.arms[1].replications_needed).toEqual({ total: 251, to: "separate", reason: null });
    expect(formatVerdict(v).split("\n").slice(1, 3)).toEqual([
      "  recommended: keep horde (the baseline, 201 s): no other arm is shown better than it",
      "  cannot be told apart from it: K -0.500 s (-6.14 s to +5.14 s; ~251 replications in all to separate)",
    ]);
    expect(decide(objective(0), [hit("horde", H), hit("K", K)], { keepBaseline: false }).recommended).toBe("K");
  });

  it("a baseline that breaks a bound is not kept; a single arm is recommended without words about a baseline", () => {
    const bounded = latency({ minimise: "affected_latency_s", subject_to: [{ figure: "failure_rate", max: 0.01 }] });
    const v = decide(bounded, [
      { name: "horde", values: { affected_latency_s: H, failure_rate: [0.05, 0.05, 0.05, 0.05] } },
      { name: "K", values: { affected_latency_s: H, failure_rate: [0, 0, 0, 0] } },
    ]);
    expect([v.recommended, v.keeps_baseline, v.arms[0].status]).toEqual(["K", false, "infeasible"]);
    const one = decide(objective(10), [hit("horde", H)]);
    expect([one.recommended, one.keeps_baseline]).toEqual(["horde", false]);
    expect(formatVerdict(one).split("\n")[1]).toBe("  recommended: horde (201 s)");
  });
});
