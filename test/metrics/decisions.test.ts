import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chosenFigures, decideAll, formatDecisions } from "../../src/metrics/decisions.js";
import { FIGURE_NAMES, FIGURES } from "../../src/metrics/figures.js";
import type { LatencyStats, ReplicationStats } from "../../src/metrics/replication-stats.js";
import { decide } from "../../src/metrics/verdict.js";
import type { Objective } from "../../src/scenario/types.js";
import { DEFAULT_OBJECTIVE_LIST } from "../../src/scenario-file/objectives.js";

const lat = (m: number): LatencyStats => ({ mean: m, p50: m + 1, p90: m + 2, p99: m + 3, max: m + 4 });

function rep(over: Partial<ReplicationStats> = {}): ReplicationStats {
  return {
    requests: 1000,
    completed: 990,
    faulted: 6,
    expired: 2,
    abandoned: 0,
    open: 2,
    success_rate: 0.992,
    latency: lat(10),
    time_to_failure_s: 300,
    attempts_per_request: 1.02,
    wasted_gpu_s: 120,
    hedges: 3,
    affected: 20,
    affected_latency_s: 200,
    users: 2000,
    users_failed: 1,
    user_success_rate: 0.9995,
    user_latency: lat(20),
    user_failure_latency_s: 600,
    ...over,
  };
}

describe("figures", () => {
  it("each reads its own field of a replication's statistics", () => {
    const values = Object.fromEntries(FIGURE_NAMES.map((f) => [f, FIGURES[f].of(rep())]));
    expect(values).toEqual({
      user_latency_mean_s: 20,
      user_latency_p50_s: 21,
      user_latency_p90_s: 22,
      user_latency_p99_s: 23,
      user_latency_max_s: 24,
      user_failure_rate: expect.closeTo(0.0005, 12),
      user_failure_latency_s: 600,
      latency_mean_s: 10,
      latency_p50_s: 11,
      latency_p90_s: 12,
      latency_p99_s: 13,
      latency_max_s: 14,
      failure_rate: expect.closeTo(0.008, 12),
      time_to_failure_s: 300,
      affected: 20,
      affected_latency_s: 200,
      attempts_per_request: 1.02,
      wasted_gpu_s: 120,
      hedges: 3,
    });
  });
});

describe("every objective's verdict from the replications run keeps", () => {
  const arms = [
    { policy: "horde", reps: [20, 22, 21, 23].map((m) => rep({ user_latency: lat(m) })) },
    // Faster by 5 s in every replication, but 1 % of its users fail.
    { policy: "fast-fail", reps: [15, 17, 16, 18].map((m) => rep({ user_latency: lat(m), user_success_rate: 0.99 })) },
    { policy: "better", reps: [18, 19.5, 19, 20].map((m) => rep({ user_latency: lat(m) })) },
  ];
  const fewestWaste: Objective = {
    name: "waste",
    minimise: "wasted_gpu_s",
    subject_to: [{ figure: "user_latency_p99_s", max: 60 }],
    indifference: 0,
  };

  it("the default objective refuses the arm that is fast by failing more users than the baseline", () => {
    // no request hit by a failed job (a day without failures): that effect is skipped (and said), the p99 decides
    const unhit = arms.map((a) => ({
      ...a,
      reps: a.reps.map((r) => ({ ...r, affected: 0, affected_latency_s: Number.NaN })),
    }));
    const [v] = decideAll(DEFAULT_OBJECTIVE_LIST, unhit);
    expect(v.recommended).toBe("better");
    expect(v.arms.map((a) => [a.name, a.status, a.on])).toEqual([
      ["horde", "worse", "user_latency_p99_s"],
      ["fast-fail", "infeasible", "affected_latency_s"],
      ["better", "recommended", "affected_latency_s"],
    ]);
    expect(v.steps.map((s) => [s.figure, s.skipped, s.dropped])).toEqual([
      ["affected_latency_s", "no arm has a value", []],
      ["user_latency_p99_s", null, ["horde"]],
      ["user_latency_mean_s", null, []],
      ["failure_rate", null, []],
      ["wasted_gpu_s", null, []],
    ]);
    expect(v.notes).toContain("latency of requests hit by a failed job: not judged (no arm has a value)");
    // the bound is on the paired difference from the baseline: 0.0005 → 0.01, +0.95 pp in every replication
    const bound = v.arms[1].constraints[0];
    expect([bound.relative, bound.status, bound.mean]).toEqual([true, "violated", expect.closeTo(0.0095, 12)]);
  });

  it("with a bound relative to the baseline, the baseline always meets it: a calibrated day always gets an answer", () => {
    // every arm fails 0.45 % of its users, far above an absolute 0.1 %: the relative bound still ranks them
    const failing = arms.map((a) => ({ ...a, reps: a.reps.map((r) => ({ ...r, user_success_rate: 0.9955 })) }));
    const [v] = decideAll(DEFAULT_OBJECTIVE_LIST, failing);
    expect(v.recommended).not.toBeNull();
    expect(v.arms.every((a) => a.constraints[0].status === "met")).toBe(true);
  });

  it("one verdict per objective, in order; the figures to watch are named once", () => {
    const vs = decideAll([...DEFAULT_OBJECTIVE_LIST, fewestWaste], arms);
    expect(vs.map((v) => v.objective.name)).toEqual(["what-users-feel", "waste"]);
    // Every arm wastes 120 GPU-s in every replication: they all tie, and the first is recommended.
    expect(vs[1].arms.map((a) => a.status)).toEqual(["recommended", "identical", "identical"]);
    expect(chosenFigures([...DEFAULT_OBJECTIVE_LIST, fewestWaste, DEFAULT_OBJECTIVE_LIST[0]])).toEqual([
      "affected_latency_s",
      "user_latency_p99_s",
      "user_latency_mean_s",
      "failure_rate",
      "wasted_gpu_s",
      "user_failure_rate",
    ]);
    const text = formatDecisions(vs).split("\n\n");
    expect(text).toHaveLength(2);
    expect(text[1].split("\n")[0]).toBe(
      "waste: minimise wasted GPU-s subject to user p99 latency ≤ 60.0 s; δ not given; 4 replications",
    );
  });
});

/** Every number in a JSON-able value is finite (NaN and infinities would not survive JSON). */
function finiteEverywhere(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(finiteEverywhere);
  if (value !== null && typeof value === "object") return Object.values(value).every(finiteEverywhere);
  return true;
}

describe("the verdict as JSON", () => {
  it("holds no NaN or infinity, whatever the values (missing ones, ties, one replication)", () => {
    const value = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN), fc.constant(0.5));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.array(
            fc.record({
              x: fc.array(value, { minLength: n, maxLength: n }),
              c: fc.array(value, { minLength: n, maxLength: n }),
            }),
            { minLength: 1, maxLength: 4 },
          ),
        ),
        fc.constantFrom(0, 0.1),
        (arms, indifference) => {
          const v = decide(
            {
              name: "o",
              minimise: "affected_latency_s",
              subject_to: [{ figure: "failure_rate", max: 0.5 }],
              indifference,
            },
            arms.map((a, i) => ({ name: `a${i}`, values: { affected_latency_s: a.x, failure_rate: a.c } })),
          );
          expect(finiteEverywhere(v)).toBe(true);
          expect(JSON.parse(JSON.stringify(v))).toEqual(v);
        },
      ),
    );
  });
});
