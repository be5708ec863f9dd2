// Replication-level statistics shared by the verdict, the sequential stopping rule and the dominance test.
import { mean, sampleStandardDeviation } from "simple-statistics";
import { tQuantile } from "./student-t.js";

export interface SampleStats {
  /** Finite values. */
  n: number;
  /** NaN when n = 0. */
  mean: number;
  /** The sample standard deviation (n − 1 denominator); NaN when n < 2. */
  sd: number;
}

/** Statistics of the finite values; NaN and infinities are left out. */
export function sampleStats(values: readonly number[]): SampleStats {
  const xs = values.filter(Number.isFinite);
  return {
    n: xs.length,
    mean: xs.length === 0 ? Number.NaN : mean(xs),
    sd: xs.length < 2 ? Number.NaN : sampleStandardDeviation(xs),
  };
}

/**
 * a[r] − b[r] for every replication r where both are finite. Replication r of every arm used the same seed
 * (common random numbers), so the differences are paired by replication.
 */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  const d: number[] = [];
  const n = Math.min(a.length, b.length);
  for (let r = 0; r < n; r++) {
    const x = a[r] - b[r];
    if (Number.isFinite(x)) d.push(x);
  }
  return d;
}

const quantiles = new Map<string, number>();

/** tQuantile, remembered: the stopping rules ask for the same few (p, df) again and again. */
export function tQuantileCached(p: number, df: number): number {
  const key = `${p}/${df}`;
  let q = quantiles.get(key);
  if (q === undefined) {
    q = tQuantile(p, df);
    if (quantiles.size > 100_000) quantiles.clear();
    quantiles.set(key, q);
  }
  return q;
}

/** The half-width t_{p, n−1} · sd / √n; null with fewer than two values. */
export function halfWidth(s: SampleStats, p: number): number | null {
  if (s.n < 2) return null;
  if (s.sd === 0) return 0;
  return (tQuantileCached(p, s.n - 1) * s.sd) / Math.sqrt(s.n);
}

/** Beyond this many replications an estimate is reported as "no finite number". */
export const MAX_REPLICATIONS_ESTIMATE = 1_000_000;

/**
 * The smallest N ≥ `from` with t_{p, N−1} · sd / √N ≤ margin: how many replications in all would shrink the
 * half-width to `margin` if the standard deviation stayed `sd` (≈ (t·sd/margin)²). Null when no N up to
 * MAX_REPLICATIONS_ESTIMATE does (margin ≤ 0 with sd > 0, or a tiny margin) or sd is unknown.
 */
export function replicationsNeeded(sd: number, margin: number, p: number, from: number): number | null {
  const start = Math.max(2, from);
  if (!Number.isFinite(sd) || !Number.isFinite(margin)) return null;
  if (sd === 0) return margin >= 0 ? start : null;
  if (margin <= 0) return null;
  const fits = (n: number) => (tQuantileCached(p, n - 1) * sd) / Math.sqrt(n) <= margin;
  if (fits(start)) return start;
  let lo = start;
  let hi = start * 2;
  while (!fits(hi)) {
    if (hi >= MAX_REPLICATIONS_ESTIMATE) return null;
    lo = hi;
    hi = Math.min(hi * 2, MAX_REPLICATIONS_ESTIMATE);
  }
  // fits(lo) is false and fits(hi) true; the half-width decreases in N.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
