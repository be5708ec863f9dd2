// Intervals for a share estimated from pooled counts (x of n), which stay inside [0, 1] where a Student t
// interval over replications of a share near 0 does not (3 replications of a 0.07 % failure share gave
// "±0.28 %"). The Wilson score interval (E. B. Wilson, "Probable inference, the law of succession, and
// statistical inference", JASA 22(158):209–212, 1927): the set of p whose score test z = (x/n − p)/√(p(1 − p)/n)
// is not rejected; Newcombe (Statistics in Medicine 17:857–872, 1998, "Two-sided confidence intervals for the
// single proportion: comparison of seven methods") found its coverage close to nominal down to counts of 0,
// where the Wald interval collapses to a point. Pooling treats the requests as independent; within one
// replication they share a day, so the spread across replications may be wider (the per-replication rows say it).

// Acklam's rational approximation of the standard normal quantile (relative error below 1.15e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** The standard normal quantile Φ⁻¹(p), 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const tail = (q: number) =>
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** The two-sided Wilson score interval of x successes in n trials; null when n = 0. */
export function wilsonInterval(x: number, n: number, level = 0.95): [number, number] | null {
  if (!(n > 0)) return null;
  if (x < 0 || x > n) throw new RangeError(`wilsonInterval needs 0 ≤ x ≤ n, got ${x} of ${n}`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + z2n);
  // at x = 0 or x = n the bound is exactly 0 or 1 (rounding would leave 1e-17 off)
  return [x === 0 ? 0 : Math.max(0, centre - half), x === n ? 1 : Math.min(1, centre + half)];
}

/** A share from pooled counts with its Wilson 95 % interval. */
export interface Proportion {
  count: number;
  of: number;
  /** count / of; null when of = 0. */
  share: number | null;
  ci95: [number, number] | null;
}

export function proportion(count: number, of: number): Proportion {
  return { count, of, share: of > 0 ? count / of : null, ci95: wilsonInterval(count, of) };
}
