// Which (arm, replication) units a run executes, batch by batch: all of them at once (a fixed number of
// replications), or as a sequential procedure decides from the figures so far (sequential-replications.ts,
// kn-selection.ts). Replication r of every arm uses the same seed whatever the batch, so a unit's records
// do not depend on the plan that asked for it.
import type { ReplicationStats } from "../metrics/replication-stats.js";

/** One (arm, replication) of a run: `arm` indexes the run's arms, `replication` is 1-based. */
export interface UnitTask {
  arm: number;
  replication: number;
}

export interface ReplicationPlan {
  /**
   * The next batch, given every arm's statistics so far (`ran[arm][r − 1]`, replications 1… in order), or
   * null when the plan is finished.
   */
  next(ran: readonly (readonly ReplicationStats[])[]): UnitTask[] | null;
}

/** Replications `from`…`to` (1-based, inclusive) of the given arms, arm by arm. */
export function unitTasks(arms: readonly number[], from: number, to: number): UnitTask[] {
  const tasks: UnitTask[] = [];
  for (const arm of arms)
    for (let replication = from; replication <= to; replication++) tasks.push({ arm, replication });
  return tasks;
}

/** Every arm over replications 1…`replications`, in one batch. */
export function fixedPlan(arms: number, replications: number): ReplicationPlan {
  return {
    next: (ran) =>
      ran.every((r) => r.length === 0)
        ? unitTasks(
            Array.from({ length: arms }, (_, a) => a),
            1,
            replications,
          )
        : null,
  };
}
