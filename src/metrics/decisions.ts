// The entry points `run` will call: every objective's verdict from the per-replication statistics it
// already keeps (the same { policy, reps } that summarize() takes), the figures a --precision run must
// watch, and the terminal text.
import type { Objective } from "../scenario/types.js";
import { type FigureName, figureValues } from "./figures.js";
import type { ReplicationStats } from "./replication-stats.js";
import { decide, objectiveFigures, type Verdict } from "./verdict.js";
import { formatVerdict } from "./verdict-text.js";

export interface ArmReplications {
  policy: string;
  /** In replication order: replication r of every arm used the same seed. */
  reps: readonly ReplicationStats[];
}

/** One verdict per objective, in the scenario's order. */
export function decideAll(objectives: readonly Objective[], arms: readonly ArmReplications[]): Verdict[] {
  return objectives.map((o) => {
    const figures = objectiveFigures(o);
    return decide(
      o,
      arms.map((a) => ({ name: a.policy, values: figureValues(a.reps, figures) })),
    );
  });
}

/** Every figure some objective names, each once: what `--precision` must bring to its target. */
export function chosenFigures(objectives: readonly Objective[]): FigureName[] {
  return [...new Set(objectives.flatMap(objectiveFigures))];
}

export function formatDecisions(verdicts: readonly Verdict[]): string {
  return verdicts.map(formatVerdict).join("\n\n");
}
