// The grids of a sweep: what varies, and the cells it gives.

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
