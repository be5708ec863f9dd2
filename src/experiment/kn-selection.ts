// `run --select kn`: the KN procedure (metrics/kn.ts) served with units. The first stage runs every arm's
// first n0 replications in one batch; then each batch is one more replication of the arms still in.
import { UserError } from "../errors.js";
import { FIGURES, type FigureName } from "../metrics/figures.js";
import { type KnConfig, type KnState, type KnStep, knNext, knObserve, knStart } from "../metrics/kn.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { type ReplicationPlan, type UnitTask, unitTasks } from "./replication-plan.js";

export class KnPlan implements ReplicationPlan {
  state: KnState;
  /** The step that ended the procedure (done or stopped at the cap), once it has. */
  result: (KnStep & { kind: "done" | "stopped" }) | null = null;

  constructor(
    readonly config: KnConfig,
    private readonly figure: FigureName,
  ) {
    this.state = knStart(config);
  }

  next(ran: readonly (readonly ReplicationStats[])[]): UnitTask[] | null {
    if (ran.every((r) => r.length === 0)) {
      return unitTasks(
        this.config.arms.map((_, a) => a),
        1,
        this.config.n0,
      );
    }
    for (;;) {
      const step = knNext(this.state);
      if (step.kind !== "run") {
        this.result = step;
        return null;
      }
      if (!step.arms.every((a) => ran[a].length > step.replication)) {
        return step.arms.map((arm) => ({ arm, replication: step.replication + 1 }));
      }
      this.state = knObserve(
        this.state,
        step.replication,
        step.arms.map((a) => this.value(ran[a][step.replication], a, step.replication)),
      );
    }
  }

  private value(stats: ReplicationStats, arm: number, replication: number): number {
    const f = FIGURES[this.figure];
    const x = f.of(stats);
    if (!Number.isFinite(x))
      throw new UserError(
        `--select kn: ${this.config.arms[arm]} has no ${this.figure} in replication ${replication + 1} (${f.undefinedWhen}): KN needs a value of every arm in every replication; choose an objective on another figure`,
      );
    return x;
  }
}
