import type { Estimate } from "../metrics/intervals.js";

/** One swept setting: a path into the scenario (`server.ttl.floor`, `policies[backoff].reassignment[1].base`). */
export interface SweepParam {
  path: string;
  /** The values as written by the user, in the user's order (`60s`, `150s`, …): also the chart labels. */
  values: string[];
}

/** A grid: the cross product of its parameters' values, run for each of its arms. */
export interface SweepGrid {
  arms: string[];
  params: SweepParam[];
}

/** One cell: an arm under one assignment of values to its grid's parameters. */
export interface SweepCell {
  /** 0-based position in the canonical order (grid, arm, then values with the last parameter fastest). */
  index: number;
  grid: number;
  policy: string;
  /** path → value label, for the parameters of this cell's grid only. */
  values: Record<string, string>;
  /** `policy path=value path=value`, for tables and chart labels. */
  label: string;
}

/** A cell's figures over its replications: mean and 95 % Student t interval of the per-replication values. */
export interface CellSummary {
  cell: number;
  grid: number;
  policy: string;
  label: string;
  values: Record<string, string>;
  replications: number;
  success_rate: Estimate;
  /** (faulted + expired) / ended requests: 1 − success_rate. */
  failure_rate: Estimate;
  latency_mean_s: Estimate;
  latency_p50_s: Estimate;
  latency_p99_s: Estimate;
  wasted_gpu_s: Estimate;
  attempts_per_request: Estimate;
  affected_latency_s: Estimate;
  user_latency_p99_s: Estimate;
}

export interface SweepSummary {
  scenario: { name: string; sha256: string };
  hordesim_version: string;
  seed: number;
  replications: number;
  grids: SweepGrid[];
  cells: CellSummary[];
}
