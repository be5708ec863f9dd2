// A worker's job time as the simulator models it, t = overhead + MPS / speed, fitted to its deliveries:
// least squares for the overhead, then a lognormal fit of the per-job speeds MPS / (t − overhead). The
// deliveries are kept as a systematic sample of at most MAX_SAMPLES (every k-th, k doubling as needed),
// so memory stays bounded however long the log.

export const MAX_SAMPLES = 2048;
/** The sizes must vary by at least this much (relative spread) to tell overhead from speed. */
const MIN_SPREAD = 0.2;

export interface ServiceFit {
  /** Seconds per job besides sampling. */
  overhead: number;
  /** Median speed, MPS/s. */
  median: number;
  /** Standard deviation of log speed between jobs. */
  sigma: number;
  /** Standard error of the median's log. */
  stderr: number;
  samples: number;
  /** Of which sized by kudos. */
  fromKudos: number;
}

export class ServiceSamples {
  private size: number[] = [];
  private seconds: number[] = [];
  private byKudos: boolean[] = [];
  private stride = 1;
  private seen = 0;
  count = 0;
  kudosCount = 0;

  /** One delivery: its size in MPS, or its kudos when the size is not known, and its service time. */
  add(sizeOrKudos: number, kudos: boolean, seconds: number): void {
    if (!(sizeOrKudos > 0 && seconds > 0)) return;
    this.count++;
    if (kudos) this.kudosCount++;
    if (this.seen++ % this.stride !== 0) return;
    this.size.push(sizeOrKudos);
    this.seconds.push(seconds);
    this.byKudos.push(kudos);
    if (this.size.length >= MAX_SAMPLES) {
      const keep = (_: unknown, i: number) => i % 2 === 0;
      this.size = this.size.filter(keep);
      this.seconds = this.seconds.filter(keep);
      this.byKudos = this.byKudos.filter(keep);
      this.stride *= 2;
    }
  }

  /** The fit with kudos turned into MPS at `mpsPerKudos`; null without samples. */
  fit(mpsPerKudos: number): ServiceFit | null {
    const n = this.size.length;
    if (n === 0) return null;
    const x = this.size.map((s, i) => (this.byKudos[i] ? s * mpsPerKudos : s));
    const y = this.seconds;
    const overhead = fitOverhead(x, y);
    const logs: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] > overhead) logs.push(Math.log(x[i] / (y[i] - overhead)));
    const mu = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sigma = logs.length < 2 ? 0 : Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / (logs.length - 1));
    return {
      overhead,
      median: Math.exp(mu),
      sigma,
      stderr: sigma / Math.sqrt(logs.length),
      samples: this.count,
      fromKudos: this.kudosCount,
    };
  }
}

/** The intercept of t on MPS, kept within [0, the shortest time); 0 when the sizes hardly vary. */
function fitOverhead(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (n < 3 || Math.sqrt(sxx / n) < MIN_SPREAD * mx || sxy <= 0) return 0;
  const intercept = my - (sxy / sxx) * mx;
  return Math.max(0, Math.min(intercept, 0.9 * Math.min(...y)));
}
