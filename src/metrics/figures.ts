// How each figure an objective may name (scenario/figures.ts) is read from one replication's statistics.
import {
  FIGURE_INFO,
  FIGURE_NAMES,
  type FigureInfo,
  type FigureName,
  type FigureUnit,
  LATENCY_STATS,
} from "../scenario/figures.js";
import type { LatencyStats, ReplicationStats } from "./replication-stats.js";

export { FIGURE_NAMES, type FigureName, type FigureUnit };

export interface Figure extends FigureInfo {
  of: (s: ReplicationStats) => number;
}

/** The five latency readers of one population, named as scenario/figures.ts names them. */
function latencyReaders<P extends string>(prefix: P, pick: (s: ReplicationStats) => LatencyStats) {
  return Object.fromEntries(
    LATENCY_STATS.map((stat) => [`${prefix}_${stat}_s`, (s: ReplicationStats) => pick(s)[stat]]),
  ) as Record<`${P}_${(typeof LATENCY_STATS)[number]}_s`, (s: ReplicationStats) => number>;
}

const READERS: Record<FigureName, (s: ReplicationStats) => number> = {
  ...latencyReaders("user_latency", (s) => s.user_latency),
  user_failure_rate: (s) => 1 - s.user_success_rate,
  user_failure_latency_s: (s) => s.user_failure_latency_s,
  ...latencyReaders("latency", (s) => s.latency),
  failure_rate: (s) => 1 - s.success_rate,
  time_to_failure_s: (s) => s.time_to_failure_s,
  affected: (s) => s.affected,
  affected_latency_s: (s) => s.affected_latency_s,
  attempts_per_request: (s) => s.attempts_per_request,
  wasted_gpu_s: (s) => s.wasted_gpu_s,
  hedges: (s) => s.hedges,
};

export const FIGURES = Object.fromEntries(
  FIGURE_NAMES.map((name) => [name, { ...FIGURE_INFO[name], of: READERS[name] }]),
) as Record<FigureName, Figure>;

export function figure(name: FigureName): Figure {
  return FIGURES[name];
}

/** Per-replication values of some figures for one arm: `values[figure][r]`, NaN where undefined. */
export type FigureValues = Partial<Record<FigureName, readonly number[]>>;

/** The values of `names` (default: every figure) over one arm's replications, in replication order. */
export function figureValues(reps: readonly ReplicationStats[], names: readonly FigureName[] = FIGURE_NAMES) {
  const out: FigureValues = {};
  for (const name of names) out[name] = reps.map((r) => FIGURES[name].of(r));
  return out;
}

/** A figure's value in words: "12.3 s", "0.0120 %", "4.5". */
export function formatFigureValue(name: FigureName, v: number | null, signed = false): string {
  if (v === null || !Number.isFinite(v)) return "—";
  const sign = signed && v > 0 ? "+" : "";
  const unit = FIGURES[name].unit;
  if (unit === "fraction") return `${sign}${significant(v * 100)} %`;
  return `${sign}${significant(v)}${unit === "seconds" ? " s" : ""}`;
}

/** Three significant digits, without exponent notation for the sizes figures have. */
function significant(v: number): string {
  if (v === 0) return "0";
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  return v.toFixed(Math.min(digits, 8));
}
