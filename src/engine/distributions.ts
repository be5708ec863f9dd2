import type { Rng } from "./random.js";

/** A random quantity. Durations are in seconds, speeds in MPS/s. */
export type Distribution =
  | { kind: "constant"; value: number }
  | { kind: "exponential"; mean: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "lognormal"; median: number; sigma: number }
  /** Normal, redrawn until it is at least `min` (default 0). */
  | { kind: "normal"; mean: number; sd: number; min: number }
  /** One of the values, each equally likely. */
  | { kind: "choice"; values: number[] };

/** A standard normal draw by Box–Muller, using exactly two uniforms and caching nothing. */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * −ln(1 − U) for the stream's next uniform U: Exp(1). From a stream (an Alea) it comes from the generator's
 * exponential(), the same number computed ahead of need; from an Rng without one (tests' scripted ones),
 * here. (A test of the method, not `instanceof Alea`: on a stream the compiler folds it into the check of
 * the object's shape it makes anyway, where instanceof cost ~4 ns per draw in the engine benchmark.)
 */
export function standardExponential(rng: Rng): number {
  return rng.exponential !== undefined ? rng.exponential() : -Math.log(1 - rng.next());
}

export function exponential(rng: Rng, rate: number): number {
  return standardExponential(rng) / rate;
}

/** A sampler for the distribution. */
export function compile(d: Distribution): (rng: Rng) => number {
  switch (d.kind) {
    case "constant": {
      const v = d.value;
      return () => v;
    }
    case "exponential": {
      const mean = d.mean;
      return (rng) => standardExponential(rng) * mean;
    }
    case "uniform": {
      const { min, max } = d;
      return (rng) => min + (max - min) * rng.next();
    }
    case "lognormal": {
      const { median, sigma } = d;
      return (rng) => median * Math.exp(sigma * standardNormal(rng));
    }
    case "normal": {
      const { mean, min } = d;
      const sd = Math.abs(d.sd);
      if (sd === 0) {
        const v = Math.max(mean, min);
        return () => v;
      }
      const alpha = (min - mean) / sd;
      if (alpha <= 0) {
        return (rng) => {
          for (;;) {
            const x = mean + sd * standardNormal(rng);
            if (x >= min) return x;
          }
        };
      }
      // Plain rejection would take 1/(1−Φ(α)) tries: sample the tail by Robert (1995) instead.
      const lambda = (alpha + Math.sqrt(alpha * alpha + 4)) / 2;
      return (rng) => {
        for (;;) {
          const z = alpha - Math.log(1 - rng.next()) / lambda;
          const e = z - lambda;
          if (rng.next() <= Math.exp((-e * e) / 2)) return Math.max(min, mean + sd * z);
        }
      };
    }
    case "choice": {
      const values = d.values;
      return (rng) => values[Math.min(values.length - 1, Math.floor(rng.next() * values.length))];
    }
  }
}

/** The exact mean of the distribution. */
export function mean(d: Distribution): number {
  switch (d.kind) {
    case "constant":
      return d.value;
    case "exponential":
      return d.mean;
    case "uniform":
      return (d.min + d.max) / 2;
    case "lognormal":
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case "normal": {
      const sd = Math.abs(d.sd);
      if (sd === 0) return Math.max(d.mean, d.min);
      return d.mean + sd * normalHazard((d.min - d.mean) / sd);
    }
    case "choice":
      return d.values.reduce((s, v) => s + v, 0) / d.values.length;
  }
}

/**
 * φ(x)/(1 − Φ(x)) = E[Z | Z ≥ x] for a standard normal Z (the inverse Mills ratio). The upper tail uses the
 * Chebyshev fit of erfc in Numerical Recipes (relative error < 1.2e-7 everywhere), with exp(−x²/2) cancelled
 * analytically so that it neither underflows nor loses precision far in the tail.
 */
export function normalHazard(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  if (x >= 0) return Math.sqrt(2 / Math.PI) / (t * Math.exp(p));
  const upperTailOfAbs = 0.5 * t * Math.exp(-z * z + p);
  return Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI) / (1 - upperTailOfAbs);
}
