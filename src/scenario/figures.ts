// The figures of one replication that an objective may name, and what each one is: its unit and its words.
// Every figure is better when lower, so an objective minimises one and bounds others from above. The values
// are read from a replication's statistics by metrics/figures.ts.

/** seconds: durations (and GPU-seconds); fraction: a share in [0, 1]; count: a plain number. */
export type FigureUnit = "seconds" | "fraction" | "count";

export interface FigureInfo {
  unit: FigureUnit;
  /** Words for the terminal and the report. */
  label: string;
  /** When the figure has no value (NaN) in a replication. */
  undefinedWhen: string | null;
}

export const LATENCY_STATS = ["mean", "p50", "p90", "p99", "max"] as const;

/** The five latency figures of one population: `${prefix}_mean_s`, `_p50_s`, …, `_max_s`. */
function latencyInfo<P extends string>(prefix: P, label: (stat: string) => string, undefinedWhen: string) {
  return Object.fromEntries(
    LATENCY_STATS.map((stat) => [`${prefix}_${stat}_s`, { unit: "seconds", label: label(stat), undefinedWhen }]),
  ) as Record<`${P}_${(typeof LATENCY_STATS)[number]}_s`, FigureInfo>;
}

export const FIGURE_INFO = {
  ...latencyInfo("user_latency", (stat) => `user ${stat} latency`, "no user's request completed"),
  user_failure_rate: {
    unit: "fraction",
    label: "users whose request finally failed",
    undefinedWhen: "no user's request ended",
  },
  user_failure_latency_s: {
    unit: "seconds",
    label: "time until a user's request finally failed",
    undefinedWhen: "no user's request failed",
  },
  ...latencyInfo("latency", (stat) => `${stat} latency of a submission`, "no request completed"),
  failure_rate: {
    unit: "fraction",
    label: "failed submissions (faulted or expired)",
    undefinedWhen: "no request ended",
  },
  time_to_failure_s: {
    unit: "seconds",
    label: "time to a failed submission",
    undefinedWhen: "no request failed",
  },
  affected: {
    unit: "count",
    label: "requests hit by a failed job",
    undefinedWhen: null,
  },
  affected_latency_s: {
    unit: "seconds",
    label: "latency of requests hit by a failed job",
    undefinedWhen: "no request was hit by a failed job",
  },
  attempts_per_request: {
    unit: "count",
    label: "jobs per request",
    undefinedWhen: "no request ended",
  },
  wasted_gpu_s: {
    unit: "seconds",
    label: "wasted GPU-s",
    undefinedWhen: null,
  },
  hedges: {
    unit: "count",
    label: "hedged jobs",
    undefinedWhen: null,
  },
} as const satisfies Record<string, FigureInfo>;

export type FigureName = keyof typeof FIGURE_INFO;

export const FIGURE_NAMES = Object.keys(FIGURE_INFO) as [FigureName, ...FigureName[]];
