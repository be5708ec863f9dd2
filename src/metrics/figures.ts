// The per-replication figures an objective may name: one number per (arm, replication), read from the
// ReplicationStats of that replication. Every figure is better when lower, so an objective minimises one
// and bounds others from above.
import type { LatencyStats, ReplicationStats } from "./replication-stats.js";

/** seconds: durations (and GPU-seconds); fraction: a share in [0, 1]; count: a plain number. */
export type FigureUnit = "seconds" | "fraction" | "count";

export interface Figure {
  unit: FigureUnit;
  /** Words for the terminal and the report. */
  label: string;
  of: (s: ReplicationStats) => number;
  /** When the figure has no value (NaN) in a replication. */
  undefinedWhen: string | null;
}

const STATS = ["mean", "p50", "p90", "p99", "max"] as const;

/** The five latency figures of one population: `${prefix}_mean_s`, `_p50_s`, …, `_max_s`. */
function latencyFigures<P extends string>(
  prefix: P,
  label: (stat: string) => string,
  pick: (s: ReplicationStats) => LatencyStats,
  undefinedWhen: string,
) {
  return Object.fromEntries(
    STATS.map((stat) => [
      `${prefix}_${stat}_s`,
      { unit: "seconds", label: label(stat), of: (s: ReplicationStats) => pick(s)[stat], undefinedWhen },
    ]),
  ) as Record<`${P}_${(typeof STATS)[number]}_s`, Figure>;
}

export const FIGURES = {
  ...latencyFigures(
    "user_latency",
    (stat) => `user ${stat} latency`,
    (s) => s.user_latency,
    "no user's request completed",
  ),
  user_failure_rate: {
    unit: "fraction",
    label: "users whose request finally failed",
    of: (s) => 1 - s.user_success_rate,
    undefinedWhen: "no user's request ended",
  },
  user_failure_latency_s: {
    unit: "seconds",
    label: "time until a user's request finally failed",
    of: (s) => s.user_failure_latency_s,
    undefinedWhen: "no user's request failed",
  },
  ...latencyFigures(
    "latency",
    (stat) => `${stat} latency of a submission`,
    (s) => s.latency,
    "no request completed",
  ),
  failure_rate: {
    unit: "fraction",
    label: "failed submissions (faulted or expired)",
    of: (s) => 1 - s.success_rate,
    undefinedWhen: "no request ended",
  },
  time_to_failure_s: {
    unit: "seconds",
    label: "time to a failed submission",
    of: (s) => s.time_to_failure_s,
    undefinedWhen: "no request failed",
  },
  affected: {
    unit: "count",
    label: "requests hit by a failed job",
    of: (s) => s.affected,
    undefinedWhen: null,
  },
  affected_latency_s: {
    unit: "seconds",
    label: "latency of requests hit by a failed job",
    of: (s) => s.affected_latency_s,
    undefinedWhen: "no request was hit by a failed job",
  },
  attempts_per_request: {
    unit: "count",
    label: "jobs per request",
    of: (s) => s.attempts_per_request,
    undefinedWhen: "no request ended",
  },
  wasted_gpu_s: {
    unit: "seconds",
    label: "wasted GPU-s",
    of: (s) => s.wasted_gpu_s,
    undefinedWhen: null,
  },
  hedges: {
    unit: "count",
    label: "hedged jobs",
    of: (s) => s.hedges,
    undefinedWhen: null,
  },
} as const satisfies Record<string, Figure>;

export type FigureName = keyof typeof FIGURES;

export const FIGURE_NAMES = Object.keys(FIGURES) as [FigureName, ...FigureName[]];

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
