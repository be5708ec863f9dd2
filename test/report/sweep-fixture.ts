// A realistic sweep summary for the sweep chart tests: two grids, each one arm over a 3 × 3 grid.
//   grid 1, horde:   server.ttl.floor [60s, 150s, 300s] × server.sweep.period [10s, 30s, 60s]
//   grid 2, backoff: policies[backoff].reassignment[1].base [10s, 30s, 90s] × ….cap [5m, 15m, 60m]
// Invented but plausible figures: a shorter TTL floor frees requests from hung workers sooner (lower p99) but
// aborts more slow jobs that would have finished (more wasted GPU time, more strikes, so more faulted
// requests); a longer sweep period leaves stale jobs running longer. Backoff with a short base retries sooner
// (lower p99, more waste), a long cap holds a failed request back longer. The latency of the requests hit by
// a failed job grows with the TTL floor and the sweep period (a lost job is noticed at the first sweep after
// its TTL), and barely moves with the backoff constants. A little deterministic jitter keeps the surfaces
// from being planes.

import { enumerateCells } from "../../src/experiment/sweep-grid.js";
import type { SweepGrid } from "../../src/experiment/sweep-types.js";
import type { Estimate } from "../../src/metrics/intervals.js";
import type { CellSummary, SweepSummary } from "../../src/results/sweep-results.js";

export const SWEEP_GRIDS: SweepGrid[] = [
  {
    arms: ["horde"],
    params: [
      { path: "server.ttl.floor", values: ["60s", "150s", "300s"] },
      { path: "server.sweep.period", values: ["10s", "30s", "60s"] },
    ],
  },
  {
    arms: ["backoff"],
    params: [
      { path: "policies[backoff].reassignment[1].base", values: ["10s", "30s", "90s"] },
      { path: "policies[backoff].reassignment[1].cap", values: ["5m", "15m", "60m"] },
    ],
  },
];

const SECONDS: Record<string, number> = {
  "10s": 10,
  "30s": 30,
  "60s": 60,
  "90s": 90,
  "150s": 150,
  "300s": 300,
  "5m": 300,
  "15m": 900,
  "60m": 3600,
};

/** Deterministic jitter in [-1, 1] per cell and figure. */
function jitter(cell: number, k: number): number {
  let a = (cell * 7919 + k * 104729 + 12345) >>> 0;
  a = Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) >>> 0;
  a = Math.imul(a ^ (a >>> 12), 0x297a2d39) >>> 0;
  return ((a ^ (a >>> 15)) >>> 0) / 0x7fffffff - 1;
}

function est(mean: number, relHalfWidth: number): Estimate {
  const h = Math.abs(mean) * relHalfWidth;
  return { mean, ci95: [mean - h, mean + h] };
}

const NONE: Estimate = { mean: null, ci95: null };

/** A cell's estimates from its made-up figures: none at all for an empty cell, all failed for allFailed. */
function cellFigures(f: {
  p99: number;
  fail: number;
  wasted: number;
  hit: number;
  hitSpread: number;
  empty: boolean;
  allFailed: boolean;
}): Omit<CellSummary, "cell" | "grid" | "policy" | "label" | "values" | "replications"> {
  const { p99, fail, wasted, empty, allFailed } = f;
  const none = empty || allFailed;
  return {
    success_rate: empty ? NONE : allFailed ? est(0, 0) : est(1 - fail, 0.002),
    failure_rate: empty ? NONE : allFailed ? est(1, 0) : est(Math.max(0, fail), 0.22),
    latency_mean_s: none ? NONE : est(p99 * 0.18, 0.05),
    latency_p50_s: none ? NONE : est(p99 * 0.09, 0.05),
    latency_p99_s: none ? NONE : est(p99, 0.07),
    wasted_gpu_s: empty ? NONE : est(wasted, 0.06),
    attempts_per_request: none ? NONE : est(1 + fail * 4, 0.03),
    affected_latency_s: none ? NONE : est(f.hit, f.hitSpread),
    user_latency_p90_s: none ? NONE : est(p99 * 0.4, 0.06),
    user_latency_p99_s: none ? NONE : est(p99 * 1.1, 0.08),
  };
}

function figures(grid: number, a: number, b: number) {
  if (grid === 0) {
    // a = TTL floor (s), b = sweep period (s)
    return {
      p99: 95 + 0.55 * a + 0.35 * b,
      fail: 0.004 + 0.9 / a + 0.00005 * b,
      wasted: 1200 + 240000 / a + 15 * b,
      hit: 30 + 1.05 * a + 0.8 * b,
    };
  }
  // a = backoff base (s), b = backoff cap (s)
  return {
    p99: 118 + 0.62 * a + 0.013 * b,
    fail: 0.011 - 0.00003 * a + 0.0000006 * b,
    wasted: 2500 + 21000 / a + 0.28 * b,
    hit: 190 + 0.04 * a + 0.002 * b,
  };
}

export interface SweepFixtureOptions {
  /** Cells (by index) whose every figure is null: no replication produced data. */
  emptyCells?: number[];
  /** Cells (by index) where every request failed: a failure rate of 1 but no latency. */
  allFailedCells?: number[];
  replications?: number;
}

export function sweepFixture(opts: SweepFixtureOptions = {}): SweepSummary {
  const cells: CellSummary[] = [];
  SWEEP_GRIDS.forEach((grid, gi) => {
    const [pa, pb] = grid.params;
    for (const policy of grid.arms) {
      for (const va of pa.values) {
        for (const vb of pb.values) {
          const index = cells.length;
          const f = figures(gi, SECONDS[va], SECONDS[vb]);
          const p99 = f.p99 * (1 + 0.04 * jitter(index, 1));
          const fail = f.fail * (1 + 0.1 * jitter(index, 2));
          const wasted = f.wasted * (1 + 0.05 * jitter(index, 3));
          const hit = f.hit * (1 + 0.02 * jitter(index, 4));
          const empty = opts.emptyCells?.includes(index) ?? false;
          const allFailed = opts.allFailedCells?.includes(index) ?? false;
          cells.push({
            cell: index,
            grid: gi,
            policy,
            label: `${policy} ${pa.path}=${va} ${pb.path}=${vb}`,
            values: { [pa.path]: va, [pb.path]: vb },
            replications: opts.replications ?? 5,
            ...cellFigures({ p99, fail, wasted, hit, hitSpread: 0.04, empty, allFailed }),
          });
        }
      }
    }
  });
  return {
    scenario: { name: "fixture-sweep", sha256: "0".repeat(64) },
    hordesim_version: "0.1.0",
    seed: 42,
    replications: opts.replications ?? 5,
    grids: SWEEP_GRIDS,
    cells,
    best: [],
  };
}

/**
 * A summary for any grids, with figures made up from each value's position (first value lowest) and a
 * jitter: for layouts the realistic fixture does not cover (several arms in a grid, three parameters, a
 * parameter in two grids).
 */
export function syntheticSweep(grids: SweepGrid[], opts: SweepFixtureOptions = {}): SweepSummary {
  const cells: CellSummary[] = [];
  // the cells in the simulator's own order; each arm's index within its grid shifts its figures
  for (const planned of enumerateCells(grids)) {
    const { choice, values, policy, grid: gi, index } = planned;
    const ai = grids[gi].arms.indexOf(policy);
    const level = choice.reduce((s, c, j) => s + c * (j + 1), 0);
    const p99 = (130 + 25 * level + 15 * ai) * (1 + 0.05 * jitter(index, 1));
    const fail = (0.02 - 0.002 * level + 0.003 * ai) * (1 + 0.1 * jitter(index, 2));
    const wasted = (6000 - 450 * level + 300 * ai) * (1 + 0.05 * jitter(index, 3));
    const empty = opts.emptyCells?.includes(index) ?? false;
    const allFailed = opts.allFailedCells?.includes(index) ?? false;
    cells.push({
      cell: index,
      grid: gi,
      policy,
      label: planned.label,
      values,
      replications: opts.replications ?? 3,
      ...cellFigures({ p99, fail, wasted, hit: p99 * 0.8, hitSpread: 0.1, empty, allFailed }),
    });
  }
  return {
    scenario: { name: "fixture-sweep-synthetic", sha256: "1".repeat(64) },
    hordesim_version: "0.1.0",
    seed: 7,
    replications: opts.replications ?? 3,
    grids,
    cells,
    best: [],
  };
}
