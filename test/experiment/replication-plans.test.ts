import { describe, expect, it } from "vitest";
import { KnPlan } from "../../src/experiment/kn-selection.js";
import { fixedPlan, type UnitTask } from "../../src/experiment/replication-plan.js";
import { PrecisionPlan } from "../../src/experiment/sequential-replications.js";
import { type KnConfig, knNext, knObserve, knStart } from "../../src/metrics/kn.js";
import { parsePrecision } from "../../src/metrics/precision.js";
import type { ReplicationStats } from "../../src/metrics/replication-stats.js";
import { userStats } from "../helpers/replication-stats.js";

const rep = userStats;

/** A deterministic "simulation": arm a's value in replication r (1-based). */
const value = (a: number, r: number) => 10 + a * 0.7 + Math.sin(r * 12.9898 + a * 78.233) * 3 + Math.sin(r * 4.1);

/** Serves a plan with `value`, checking every batch continues each arm's replications in order. */
function drive(plan: { next: (ran: ReplicationStats[][]) => UnitTask[] | null }, arms: number) {
  const ran: ReplicationStats[][] = Array.from({ length: arms }, () => []);
  const batches: UnitTask[][] = [];
  for (let tasks = plan.next(ran); tasks !== null; tasks = plan.next(ran)) {
    batches.push(tasks);
    for (const t of tasks) {
      expect(t.replication).toBe(ran[t.arm].length + 1);
      ran[t.arm].push(rep(value(t.arm, t.replication)));
    }
  }
  return { ran, batches };
}

describe("replication plans", () => {
  it("fixed: every arm over every replication in one batch, arm by arm", () => {
    const { batches } = drive(fixedPlan(2, 3), 2);
    expect(batches).toEqual([
      [
        { arm: 0, replication: 1 },
        { arm: 0, replication: 2 },
        { arm: 0, replication: 3 },
        { arm: 1, replication: 1 },
        { arm: 1, replication: 2 },
        { arm: 1, replication: 3 },
      ],
    ]);
  });

  it("precision: the first stage, then batches until every interval is within target, every arm alike", () => {
    const plan = new PrecisionPlan(["a", "b"], {
      precision: parsePrecision("5%"),
      figures: ["user_latency_mean_s"],
      initial: 3,
      cap: 500,
      batch: 3,
    });
    const { ran, batches } = drive(plan, 2);
    expect(batches[0]).toHaveLength(6);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(6);
    expect(plan.result?.reason).toBe("precision");
    expect(ran[0].length).toBe(ran[1].length);
    expect(plan.result?.replications).toBe(ran[0].length);
    for (const c of plan.result?.checks ?? []) expect(c.half_width).toBeLessThanOrEqual(c.target as number);
  });

  it("KN: the same selection, eliminations and replications as the procedure stepped one replication at a time", () => {
    const config: KnConfig = {
      arms: ["a", "b", "c", "d"],
      n0: 4,
      indifference: 0.5,
      alpha: 0.05,
      minimise: true,
      cap: 200,
    };
    const plan = new KnPlan(config, "user_latency_mean_s");
    const { ran, batches } = drive(plan, 4);
    expect(batches[0]).toHaveLength(4 * 4);
    let state = knStart(config);
    for (let step = knNext(state); step.kind === "run"; step = knNext(state))
      state = knObserve(
        state,
        step.replication,
        step.arms.map((a) => value(a, step.replication + 1)),
      );
    expect(plan.result).toEqual(knNext(state));
    expect(plan.state.eliminations).toEqual(state.eliminations);
    expect(plan.result?.kind).toBe("done");
    // an eliminated arm ran exactly the replications it had when it was eliminated
    for (const e of state.eliminations) expect(ran[e.arm]).toHaveLength(e.at);
  });
});
