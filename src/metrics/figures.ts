// The per-replication figures an objective may name: one number per (arm, replication), read from the
// ReplicationStats of that replication. Every figure is better when lower, so an objective minimises one
// and bounds others from above.
import type { ReplicationStats } from "./replication-stats.js";

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

const NO_USER_COMPLETED = "no user's request completed";
const NO_REQUEST_COMPLETED = "no request completed";

export const FIGURES = {
  user_latency_mean_s: {
    unit: "seconds",
    label: "user mean latency",
    of: (s) => s.user_latency.mean,
    undefinedWhen: NO_USER_COMPLETED,
  },
  user_latency_p50_s: {
    unit: "seconds",
    label: "user p50 latency",
    of: (s) => s.user_latency.p50,
    undefinedWhen: NO_USER_COMPLETED,
  },
  user_latency_p90_s: {
    unit: "seconds",
    label: "user p90 latency",
    of: (s) => s.user_latency.p90,
    undefinedWhen: NO_USER_COMPLETED,
  },
  user_latency_p99_s: {
    unit: "seconds",
    label: "user p99 latency",
    of: (s) => s.user_latency.p99,
    undefinedWhen: NO_USER_COMPLETED,
  },
  user_latency_max_s: {
    unit: "seconds",
    label: "user max latency",
    of: (s) => s.user_latency.max,
    undefinedWhen: NO_USER_COMPLETED,
  },
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
  latency_mean_s: {
    unit: "seconds",
    label: "mean latency of a submission",
    of: (s) => s.latency.mean,
    undefinedWhen: NO_REQUEST_COMPLETED,
  },
  latency_p50_s: {
    unit: "seconds",
    label: "p50 latency of a submission",
    of: (s) => s.latency.p50,
    undefinedWhen: NO_REQUEST_COMPLETED,
  },
  latency_p90_s: {
    unit: "seconds",
    label: "p90 latency of a submission",
    of: (s) => s.latency.p90,
    undefinedWhen: NO_REQUEST_COMPLETED,
  },
  latency_p99_s: {
    unit: "seconds",
    label: "p99 latency of a submission",
    of: (s) => s.latency.p99,
    undefinedWhen: NO_REQUEST_COMPLETED,
  },
  latency_max_s: {
    unit: "seconds",
    label: "max latency of a submission",
    of: (s) => s.latency.max,
    undefinedWhen: NO_REQUEST_COMPLETED,
  },
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
