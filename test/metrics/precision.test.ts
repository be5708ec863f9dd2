import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { standardNormal } from "../../src/engine/distributions.js";
import { Alea } from "../../src/engine/random.js";
import { UserError } from "../../src/errors.js";
import type { FigureName } from "../../src/metrics/figures.js";
import {
  formatStop,
  nextStep,
  type Precision,
  parsePrecision,
  type SequentialOptions,
  targetFor,
} from "../../src/metrics/precision.js";
import { replicationsNeeded } from "../../src/metrics/sample.js";
import { tQuantile } from "../../src/metrics/student-t.js";
import type { ArmInput } from "../../src/metrics/verdict.js";
import { runs } from "../helpers/fast-check-config.js";

function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("--precision", () => {
  it.each([
    ["5%", [{ kind: "relative", gamma: 0.05 }]],
    ["0.5 %", [{ kind: "relative", gamma: 0.005 }]],
    ["2s", [{ kind: "seconds", half_width: 2 }]],
    ["1.5m", [{ kind: "seconds", half_width: 90 }]],
    ["250ms", [{ kind: "seconds", half_width: 0.25 }]],
    ["0.001", [{ kind: "absolute", half_width: 0.001 }]],
    ["1e-4", [{ kind: "absolute", half_width: 0.0001 }]],
    [
      "2s, 5%",
      [
        { kind: "seconds", half_width: 2 },
        { kind: "relative", gamma: 0.05 },
      ],
    ],
  ])("reads %s", (text, targets) => {
    expect(parsePrecision(text)).toEqual({ text, targets });
  });

  it.each([
    ["", /^--precision: expected a relative half-width such as 5%, .* got ""$/],
    ["fast", /^--precision "fast": expected a relative half-width such as 5%.*got "fast"$/],
    ["0%", /more than 0% and less than 100%, got 0%$/],
    ["100%", /more than 0% and less than 100%, got 100%$/],
    ["-2s", /expected .* got "-2s"$/],
    ["0s", /must be more than 0, got 0s$/],
    ["5%,10%", /more than one relative target$/],
    ["2d", /got "2d"$/],
  ])("refuses %j with one clear message", (text, message) => {
    expect(userError(() => parsePrecision(text))).toMatch(message);
  });

  it("a duration is for figures in seconds, a number for shares and counts, a percentage for the rest", () => {
    const p = parsePrecision("5%,0.0001");
    expect(targetFor(p, "user_latency_mean_s")).toEqual({ kind: "relative", gamma: 0.05 });
    expect(targetFor(p, "user_failure_rate")).toEqual({ kind: "absolute", half_width: 0.0001 });
    expect(targetFor(parsePrecision("2s"), "wasted_gpu_s")).toEqual({ kind: "seconds", half_width: 2 });
    expect(targetFor(parsePrecision("2s"), "hedges")).toBeNull();
  });

  it("a figure left without a target: say which and how to add one", () => {
    const figures: FigureName[] = ["user_latency_mean_s", "user_failure_rate", "affected"];
    expect(userError(() => nextStep(options(parsePrecision("2s"), figures), []))).toBe(
      "--precision 2s gives no target for user_failure_rate, affected (not in seconds): add a number in its own unit (2s,0.001) or a relative one (2s,5%)",
    );
    expect(userError(() => nextStep(options(parsePrecision("0.001"), figures), []))).toBe(
      "--precision 0.001 gives no target for user_latency_mean_s (in seconds): add a duration (0.001,2s) or a relative one (0.001,5%)",
    );
  });
});

function options(
  precision: Precision,
  figures: FigureName[],
  over: Partial<SequentialOptions> = {},
): SequentialOptions {
  return { precision, figures, initial: 10, cap: 100, batch: 8, ...over };
}

const one = (xs: number[], figure: FigureName = "user_latency_mean_s"): ArmInput[] => [
  { name: "a", values: { [figure]: xs } },
];

// Ten replications: mean 11, S = 1.1547005, half-width t(0.975, 9) · S/√10 = 0.8260230 (scipy).
const TEN = [10, 12, 11, 13, 9, 11, 12, 10, 11, 11];

describe("the stopping rule (Law §9.4.1)", () => {
  it("relative: stops when the half-width is at most γ/(1+γ) of |mean|", () => {
    // 10 %: γ' · 11 = 0.1/1.1 · 11 = 1.0 ≥ 0.826: stop.
    const d10 = nextStep(options(parsePrecision("10%"), ["user_latency_mean_s"]), one(TEN));
    expect(d10.stop && d10.reason).toBe("precision");
    expect(d10.checks[0].half_width).toBeCloseTo(0.826023004457642, 10);
    expect(d10.checks[0].target).toBeCloseTo(1, 12);
    // 5 %: γ' · 11 = 0.5238 < 0.826; N = 22 is the first with t(0.975, N−1) · S/√N ≤ 0.5238 (scipy): 12 more,
    // of which a batch of 8.
    const d5 = nextStep(options(parsePrecision("5%"), ["user_latency_mean_s"]), one(TEN));
    expect(d5).toMatchObject({ stop: false, more: 8, replications: 10 });
    expect(d5.checks[0].estimated_total).toBe(22);
    expect(nextStep(options(parsePrecision("5%"), ["user_latency_mean_s"], { batch: 20 }), one(TEN))).toMatchObject({
      more: 12,
    });
  });

  it("absolute: stops when the half-width is at most β; adds what the variance says, within the cap", () => {
    const o = options(parsePrecision("0.5s"), ["user_latency_mean_s"], { cap: 15, batch: 50 });
    // N = 23 would reach ±0.5 (scipy), but the cap is 15.
    expect(nextStep(o, one(TEN))).toMatchObject({ stop: false, more: 5 });
    expect(nextStep(o, one([...TEN, ...TEN.slice(0, 5)]))).toMatchObject({
      stop: true,
      reason: "cap",
      replications: 15,
    });
  });

  it("runs the first stage before judging anything", () => {
    expect(nextStep(options(parsePrecision("50%"), ["user_latency_mean_s"]), one([1, 1, 1]))).toMatchObject({
      stop: false,
      more: 7,
    });
  });

  it("a figure with no value in any replication is left out and reported; a constant one is exact", () => {
    const arms: ArmInput[] = [
      {
        name: "a",
        values: {
          user_latency_mean_s: TEN,
          affected_latency_s: TEN.map(() => Number.NaN),
          wasted_gpu_s: TEN.map(() => 0),
        },
      },
    ];
    const d = nextStep(
      options(parsePrecision("10%"), ["user_latency_mean_s", "affected_latency_s", "wasted_gpu_s"]),
      arms,
    );
    expect(d.stop && d.reason).toBe("precision");
    expect(d.checks.map((c) => [c.figure, c.measurable, c.reached])).toEqual([
      ["user_latency_mean_s", true, true],
      ["affected_latency_s", false, false],
      ["wasted_gpu_s", true, true],
    ]);
    if (!d.stop) throw new Error("expected a stop");
    expect(formatStop(d, parsePrecision("10%"))).toBe(
      "precision 10% reached after 10 replications: every chosen interval is within its target\nno value in any replication, left out: a affected_latency_s",
    );
  });

  it("a relative target on a mean of 0 with spread is never reached: the cap stops it and says what was wide", () => {
    const o = options(parsePrecision("5%"), ["wasted_gpu_s"], { cap: 10 });
    const d = nextStep(o, one([1, -1, 1, -1, 1, -1, 1, -1, 1, -1], "wasted_gpu_s"));
    expect(d).toMatchObject({ stop: true, reason: "cap" });
    if (!d.stop) throw new Error("expected a stop");
    expect(d.checks[0].estimated_total).toBeNull();
    expect(formatStop(d, o.precision).split("\n")).toEqual([
      "precision 5% not reached: stopped at the cap of 10 replications; still wide:",
      "  a wasted_gpu_s: ±0.754 for a target of ±0",
    ]);
  });
});

describe("the sequential procedure run to its end", () => {
  /** Runs the controller on a normal stream of replications per arm (CRN-like correlation), as `run` will. */
  function runToStop(
    rng: Alea,
    o: SequentialOptions,
    means: number[],
    sd: number,
  ): { n: number; d: ReturnType<typeof nextStep>; steps: number[] } {
    const xs: number[][] = means.map(() => []);
    const steps: number[] = [];
    for (;;) {
      const arms = means.map((_, i) => ({ name: `a${i}`, values: { user_latency_mean_s: xs[i] } }));
      const d = nextStep(o, arms);
      if (d.stop) return { n: xs[0].length, d, steps };
      steps.push(d.more);
      for (let r = 0; r < d.more; r++) {
        const z = standardNormal(rng);
        means.forEach((mu, i) => {
          xs[i].push(mu + sd * (0.7 * z + 0.71414 * standardNormal(rng)));
        });
      }
    }
  }

  it("stops with every interval within its target, or at the cap, never adding more than a batch", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom("5%", "10%", "1s", "300ms"),
        (seed, k, initial, batch, text) => {
          const precision = parsePrecision(text);
          const o = options(precision, ["user_latency_mean_s"], { initial, batch, cap: 60 });
          const rng = new Alea(`precision-${seed}`);
          const means = Array.from({ length: k }, () => 5 + rng.next() * 20);
          const { n, d, steps } = runToStop(rng, o, means, 2);
          expect(n).toBeLessThanOrEqual(60);
          expect(steps.slice(1).every((m) => m >= 1 && m <= batch)).toBe(true);
          if (!d.stop) throw new Error("expected a stop");
          if (d.reason === "cap") expect(n).toBe(60);
          else
            for (const c of d.checks) {
              const limit =
                precision.targets[0].kind === "relative"
                  ? precision.targets[0].gamma * Math.abs(c.mean ?? 0)
                  : (precision.targets[0] as { half_width: number }).half_width;
              expect(c.half_width).toBeLessThanOrEqual(limit);
            }
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it("its final 5 % interval covers the true mean about as often as it should (Law's γ' adjustment)", () => {
    const rng = new Alea("precision-coverage");
    const o = options(parsePrecision("5%"), ["user_latency_mean_s"], { initial: 10, batch: 1, cap: 10_000 });
    const runs = 300;
    let relativeErrorWithin = 0;
    for (let i = 0; i < runs; i++) {
      const { d } = runToStop(rng, o, [20], 3);
      const m = d.checks[0].mean ?? Number.NaN;
      if (Math.abs(m - 20) / 20 <= 0.05) relativeErrorWithin++;
    }
    // |X̄ − μ|/|μ| ≤ γ holds with probability about 1 − α for this procedure; if it were 0.95, fewer than
    // 0.95 · 300 − 2.326 · √(300 · 0.95 · 0.05) = 276.2 would have probability < 1 %.
    expect(relativeErrorWithin).toBeGreaterThanOrEqual(277);
  });
});

describe("replications needed", () => {
  it("is the first N at which the half-width fits the margin", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.integer({ min: 2, max: 50 }),
        (sd, margin, from) => {
          const n = replicationsNeeded(sd, margin, 0.975, from);
          fc.pre(n !== null);
          const hw = (k: number) => (tQuantile(0.975, k - 1) * sd) / Math.sqrt(k);
          expect(hw(n as number)).toBeLessThanOrEqual(margin);
          if ((n as number) > from) expect(hw((n as number) - 1)).toBeGreaterThan(margin);
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("is immediate with no spread, and none for a margin of 0 with spread", () => {
    expect(replicationsNeeded(0, 0, 0.975, 7)).toBe(7);
    expect(replicationsNeeded(1, 0, 0.975, 7)).toBeNull();
    expect(replicationsNeeded(Number.NaN, 1, 0.975, 7)).toBeNull();
  });
});
