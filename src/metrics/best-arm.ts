// Which arm is best in one setting of a sweep, on one figure, with the arms that cannot be told from it: the
// verdict's subset selection (verdict.ts: paired differences over common replications, Bonferroni bounds, the
// best arm kept with probability ≥ 95 %) with no constraint and no indifference.
import type { FigureName } from "../scenario/figures.js";
import { figureValues } from "./figures.js";
import type { ReplicationStats } from "./replication-stats.js";
import { halfWidth, sampleStats } from "./sample.js";
import { decide } from "./verdict.js";

export interface ArmFigure {
  name: string;
  mean: number | null;
  /** Half-width of the 95 % Student t interval of the mean over replications; null with fewer than two. */
  half_width: number | null;
}

export interface BestArm {
  /** The lowest mean among the arms not shown worse; null when no arm has a value. */
  best: string | null;
  /** Every arm not shown worse than another (the best first): more than one is a tie. */
  tied: string[];
  arms: ArmFigure[];
}

const TIED_STATUSES = new Set(["recommended", "not-separated", "identical", "within-indifference"]);

/** `arms` in the grid's order, each with its replications in order (replication r shares seed r). */
export function bestArm(
  figure: FigureName,
  arms: readonly { name: string; reps: readonly ReplicationStats[] }[],
): BestArm {
  const verdict = decide(
    { name: `lowest ${figure}`, minimise: figure, subject_to: [], indifference: 0 },
    arms.map((a) => ({ name: a.name, values: figureValues(a.reps, [figure]) })),
    // the grid's first arm is no baseline here: the best is the lowest mean among the arms not shown worse
    { keepBaseline: false },
  );
  const figures = arms.map((a): ArmFigure => {
    const s = sampleStats(figureValues(a.reps, [figure])[figure] ?? []);
    return { name: a.name, mean: s.n === 0 ? null : s.mean, half_width: halfWidth(s, 0.975) };
  });
  const tied = verdict.arms.filter((v) => TIED_STATUSES.has(v.status)).map((v) => v.name);
  const best = verdict.recommended;
  return { best, tied: best === null ? [] : [best, ...tied.filter((n) => n !== best)], arms: figures };
}
