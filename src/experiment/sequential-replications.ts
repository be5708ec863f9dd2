// `run --precision`: replications added in batches until every chosen figure's interval reaches its target
// or the cap is hit (Law's procedure, metrics/precision.ts). Every arm runs the same replications, so the
// final folder is the one a fixed `--replications N` run gives with the final N.
import { figureValues } from "../metrics/figures.js";
import { nextStep, type SequentialDecision, type SequentialOptions } from "../metrics/precision.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { type ReplicationPlan, type UnitTask, unitTasks } from "./replication-plan.js";

export class PrecisionPlan implements ReplicationPlan {
  /** The decision that ended the procedure, once it has. */
  result: (SequentialDecision & { stop: true }) | null = null;

  constructor(
    private readonly arms: readonly string[],
    private readonly options: SequentialOptions,
  ) {}

  next(ran: readonly (readonly ReplicationStats[])[]): UnitTask[] | null {
    const indices = this.arms.map((_, a) => a);
    const n = ran[0]?.length ?? 0;
    if (n === 0) return unitTasks(indices, 1, this.options.initial);
    const decision = nextStep(
      this.options,
      this.arms.map((name, a) => ({ name, values: figureValues(ran[a], this.options.figures) })),
    );
    if (decision.stop) {
      this.result = decision;
      return null;
    }
    return unitTasks(indices, n + 1, n + decision.more);
  }
}
