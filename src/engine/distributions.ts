import { cumulativeStdNormalProbability } from "simple-statistics";
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

export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.next()) / rate;
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
      return (rng) => -Math.log(1 - rng.next()) * mean;
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
      const { mean, sd, min } = d;
      return (rng) => {
        for (let i = 0; i < 1000; i++) {
          const x = mean + sd * standardNormal(rng);
          if (x >= min) return x;
        }
        return min;
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
      if (d.sd === 0) return Math.max(d.mean, d.min);
      const alpha = (d.min - d.mean) / d.sd;
      const phi = Math.exp((-alpha * alpha) / 2) / Math.sqrt(2 * Math.PI);
      return d.mean + (d.sd * phi) / (1 - cumulativeStdNormalProbability(alpha));
    }
    case "choice":
      return d.values.reduce((s, v) => s + v, 0) / d.values.length;
  }
}
