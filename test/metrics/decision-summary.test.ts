import { describe, expect, it } from "vitest";
import {
  decisionSections,
  formatDecisionSections,
  formatReplicationTable,
  PRINTED_REPLICATIONS,
} from "../../src/metrics/decision-summary.js";
import type { Objective } from "../../src/scenario/types.js";
import { userStats } from "../helpers/replication-stats.js";

const rep = userStats;

/** The users' mean latency with at most 0.1 % of them failing: one figure to table, one bound. */
const OBJECTIVES: Objective[] = [
  {
    name: "user-latency",
    minimise: "user_latency_mean_s",
    subject_to: [{ figure: "user_failure_rate", max: 0.001 }],
    indifference: 0,
  },
];

describe("the decision sections of summary.json", () => {
  // The arm's differences from the baseline: 0, 0, 0, 0, 0, 0, 0, 0, 0, 30 — one replication holds all the spread.
  const base = [20, 21, 19, 22, 20, 18, 21, 20, 19, 20];
  const arms = [
    { policy: "base", reps: base.map((x) => rep(x)) },
    { policy: "arm", reps: base.map((x, r) => rep(r === 9 ? x + 30 : x)) },
  ];
  const s = decisionSections(OBJECTIVES, arms);

  it("holds one verdict per objective and a per-replication table of every figure they name", () => {
    expect(s.decisions.map((d) => d.objective.name)).toEqual(OBJECTIVES.map((o) => o.name));
    expect(s.per_replication.map((t) => t.figure)).toEqual(["user_latency_mean_s", "user_failure_rate"]);
    const latency = s.per_replication[0];
    expect(latency.arms[0]).toEqual({ name: "base", values: base, vs_baseline: null });
    expect(latency.arms[1].vs_baseline?.differences).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 30]);
  });

  it("flags the replication that dominates the difference, in the JSON and with ! in the text", () => {
    const d = s.per_replication[0].arms[1].vs_baseline?.dominance;
    expect(d?.replication).toBe(9);
    expect(d?.dominated).toBe(true);
    // deviations from the mean 3: nine of −3 and one of 27, so 27² / (9·3² + 27²) = 0.9 of the sum of squares
    expect(d?.share).toBeCloseTo(0.9, 10);
    const text = formatReplicationTable(s.per_replication[0]);
    expect(text.split("\n")[3]).toMatch(/^ {2}arm {3}.* 50!$/);
    expect(text).toContain("replication 10 holds 90 % of the spread");
  });

  it("prints a range instead of every value beyond the printed replications", () => {
    const n = PRINTED_REPLICATIONS + 1;
    const many = decisionSections(OBJECTIVES, [
      { policy: "base", reps: Array.from({ length: n }, (_, r) => rep(10 + r)) },
      { policy: "arm", reps: Array.from({ length: n }, (_, r) => rep(10 + r - (r === 4 ? 5 : 1))) },
    ]);
    const lines = formatReplicationTable(many.per_replication[0]).split("\n");
    expect(lines[0]).toContain(`(${n} replications: every value is in summary.json)`);
    expect(lines[2]).toMatch(/^ {2}base +10 +22 +\(baseline\)$/);
    expect(lines[3]).toMatch(/-5 to -1; farthest r5 \(\d+ % of the spread\)!$/);
  });

  it("prints the per-replication tables, then the procedure, and ends with the verdict", () => {
    const one = decisionSections(OBJECTIVES, [arms[0]]);
    const text = formatDecisionSections(one, "procedure line");
    expect(text.indexOf("procedure line")).toBeLessThan(text.indexOf("recommended: base"));
    expect(text.split("\n").at(-1)).toMatch(/^ {2}(how|note):/);
  });
});
