// A streaming summary of positive durations: count, mean, extremes and quantiles, exact for the first
// EXACT_LIMIT values and from log-spaced bins after that (each bin 1 % wide, so a quantile is within 1 % of the
// exact one), in memory independent of the count.

const RATIO = Math.log(1.01);
const MIN = 1e-3;
export const EXACT_LIMIT = 1000;

export class DurationStats {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private readonly bins = new Map<number, number>();
  private exact: number[] | null = [];

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.count++;
    if (this.exact !== null) {
      if (this.exact.length < EXACT_LIMIT) this.exact.push(x);
      else this.exact = null;
    }
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    const b = x <= MIN ? -1 : Math.floor(Math.log(x / MIN) / RATIO);
    this.bins.set(b, (this.bins.get(b) ?? 0) + 1);
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** The q-quantile (0..1) by nearest rank; past EXACT_LIMIT values, the geometric middle of its bin. NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (this.exact !== null) return [...this.exact].sort((a, b) => a - b)[rank - 1];
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.bins.get(k) ?? 0;
      if (seen >= rank) {
        const mid = k < 0 ? MIN : MIN * Math.exp((k + 0.5) * RATIO);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }
}

/** Mean and standard deviation of log(x), for a lognormal fit, accumulated one value at a time. */
export class LogMoments {
  n = 0;
  sum = 0;
  sumSq = 0;

  add(x: number): void {
    if (!(x > 0) || !Number.isFinite(x)) return;
    const l = Math.log(x);
    this.n++;
    this.sum += l;
    this.sumSq += l * l;
  }

  /** Adds another set whose values are all to be multiplied by `factor`. */
  merge(other: LogMoments, factor = 1): void {
    const c = Math.log(factor);
    this.n += other.n;
    this.sum += other.sum + other.n * c;
    this.sumSq += other.sumSq + 2 * c * other.sum + other.n * c * c;
  }

  get mu(): number {
    return this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  get sigma(): number {
    if (this.n < 2) return 0;
    const v = (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1);
    return Math.sqrt(Math.max(0, v));
  }
}
