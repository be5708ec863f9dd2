// The paired per-request estimator. Under common random numbers arrival a is the same request in every arm
// (same submission time, size, user), so the latency of the requests that a failed job hit in the baseline
// is compared request by request, d_a = arm_a − baseline_a over the baseline's hit set H, instead of as
// the difference of two hit-set means over sets that differ by arm.
//
// A request that did not complete (failed, or still open at the horizon) has no latency: its pair is left
// out and counted (baseline_failed, arm_failed). Its time to failure is not a latency (a faster failure is
// not a better outcome), and failures are a figure of their own (the verdict's bounds); the counts show when
// an arm looks faster on H only because it failed some of H's requests.
//
// Requests within one replication share its day, so they are not independent: the interval is over
// replications (the per-replication means D_r are independent, identically distributed), Student t, with
// the replication-level spread and a flag when one replication dominates it (dominance.ts).
import { type Dominance, dominantReplication } from "./dominance.js";
import { tInterval } from "./intervals.js";
import { sampleStats } from "./sample.js";

/** One arm's requests in one replication, indexed by arrival id. */
export interface RequestLatencies {
  /** User-seen latency in seconds; NaN where the request did not complete (failed or still open). */
  latency: Float64Array;
  /** 1 where a failed job hit the request (stale abort, reported fault, late discard). */
  hit: Uint8Array;
}

export interface PairedReplicationInput {
  baseline: RequestLatencies;
  arm: RequestLatencies;
}

export interface PairedReplication {
  /** Requests in the baseline's hit set H. */
  hit: number;
  /** Requests of H that completed in both arms: the pairs. */
  pairs: number;
  /** Requests of H the baseline did not complete. */
  baseline_failed: number;
  /** Requests of H the baseline completed and the arm did not. */
  arm_failed: number;
  /** Mean of arm − baseline over the pairs; NaN without pairs. */
  mean_difference: number;
  baseline_mean: number;
  arm_mean: number;
  /** For comparison: the arm's mean over its own completed hit set minus the baseline's over its own. */
  unpaired_difference: number;
}

export interface PairedEstimate {
  replications: PairedReplication[];
  /** Replications with at least one pair. */
  n: number;
  /** Mean over those replications of their mean differences, and its 95 % Student t interval. */
  mean: number | null;
  ci95: [number, number] | null;
  /** The standard deviation of the per-replication mean differences. */
  sd: number | null;
  /** All pairs of all replications pooled: Σ d / Σ pairs (each request weighs the same; no interval). */
  pooled: number | null;
  /** Over the per-replication mean differences (replication indices are the input's). */
  dominance: Dominance | null;
}

function replication(r: PairedReplicationInput): PairedReplication & { sum: number } {
  const b = r.baseline;
  const a = r.arm;
  const n = b.latency.length;
  if (a.latency.length !== n || b.hit.length !== n || a.hit.length !== n)
    throw new Error("the baseline and the arm must list the same arrivals (common random numbers)");
  let hit = 0;
  let pairs = 0;
  let baselineFailed = 0;
  let armFailed = 0;
  let sumB = 0;
  let sumA = 0;
  let sumD = 0;
  let ownA = 0;
  let ownACount = 0;
  let ownB = 0;
  let ownBCount = 0;
  for (let i = 0; i < n; i++) {
    if (a.hit[i] === 1 && Number.isFinite(a.latency[i])) {
      ownA += a.latency[i];
      ownACount++;
    }
    if (b.hit[i] !== 1) continue;
    hit++;
    if (!Number.isFinite(b.latency[i])) {
      baselineFailed++;
      continue;
    }
    ownB += b.latency[i];
    ownBCount++;
    if (!Number.isFinite(a.latency[i])) {
      armFailed++;
      continue;
    }
    pairs++;
    sumB += b.latency[i];
    sumA += a.latency[i];
    sumD += a.latency[i] - b.latency[i];
  }
  const div = (x: number, k: number) => (k === 0 ? Number.NaN : x / k);
  return {
    hit,
    pairs,
    baseline_failed: baselineFailed,
    arm_failed: armFailed,
    mean_difference: div(sumD, pairs),
    baseline_mean: div(sumB, pairs),
    arm_mean: div(sumA, pairs),
    unpaired_difference: div(ownA, ownACount) - div(ownB, ownBCount),
    sum: sumD,
  };
}

/** The paired difference over the baseline's hit set, per replication and across replications. */
export function pairedHitDifference(reps: readonly PairedReplicationInput[]): PairedEstimate {
  const per = reps.map(replication);
  const d = per.map((p) => p.mean_difference);
  const s = sampleStats(d);
  const pairs = per.reduce((t, p) => t + p.pairs, 0);
  return {
    replications: per.map(({ sum: _, ...p }) => p),
    n: s.n,
    mean: s.n === 0 ? null : s.mean,
    ci95: tInterval(d),
    sd: s.n < 2 ? null : s.sd,
    pooled: pairs === 0 ? null : per.reduce((t, p) => t + p.sum, 0) / pairs,
    dominance: dominantReplication(d),
  };
}
