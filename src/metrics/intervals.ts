import { mean, sampleStandardDeviation } from "simple-statistics";
import { tQuantile } from "./student-t.js";

/** The 95 % Student t interval of the mean of the finite values; null with fewer than two. */
export function tInterval(values: number[], level = 0.95): [number, number] | null {
  const xs = values.filter(Number.isFinite);
  if (xs.length < 2) return null;
  const m = mean(xs);
  const sd = sampleStandardDeviation(xs);
  if (sd === 0) return [m, m];
  const half = tQuantile(1 - (1 - level) / 2, xs.length - 1) * (sd / Math.sqrt(xs.length));
  return [m - half, m + half];
}

export interface Estimate {
  mean: number | null;
  ci95: [number, number] | null;
}

/** Mean and 95 % interval over replications (NaN values dropped). */
export function estimate(values: number[]): Estimate {
  const xs = values.filter(Number.isFinite);
  return { mean: xs.length === 0 ? null : mean(xs), ci95: tInterval(xs) };
}

export interface PairedDifference {
  diff: number | null;
  ci95: [number, number] | null;
  /** The interval excludes 0. */
  significant: boolean;
  /** Replications where both arms had a value. */
  n: number;
}

/**
 * Common random numbers: replication r of every arm uses the same seed, so the difference is estimated from
 * the per-replication differences d_r = arm_r − baseline_r, with a much tighter interval than two separate means.
 */
export function pairedDifference(arm: number[], baseline: number[]): PairedDifference {
  const d: number[] = [];
  for (let i = 0; i < Math.min(arm.length, baseline.length); i++) {
    const x = arm[i] - baseline[i];
    if (Number.isFinite(x)) d.push(x);
  }
  if (d.length === 0) return { diff: null, ci95: null, significant: false, n: 0 };
  const ci = tInterval(d);
  return {
    diff: mean(d),
    ci95: ci,
    significant: ci !== null && (ci[0] > 0 || ci[1] < 0),
    n: d.length,
  };
}
