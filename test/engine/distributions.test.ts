import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import {
  compile,
  type Distribution,
  exponential,
  mean,
  normalHazard,
  standardExponential,
  standardNormal,
} from "../../src/engine/distributions.js";
import { RandomStreams, type Rng } from "../../src/engine/random.js";

const N = 200_000;

function sampleStats(sample: (rng: Rng) => number, name: string): { mean: number; se: number; min: number } {
  const rng = new RandomStreams(2025, 0).stream(name);
  let sum = 0;
  let sumSq = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < N; i++) {
    const x = sample(rng);
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
  }
  const m = sum / N;
  const variance = (sumSq - N * m * m) / (N - 1);
  return { mean: m, se: Math.sqrt(variance / N), min };
}

const cases: [string, Distribution, number][] = [
  ["constant", { kind: "constant", value: 3.5 }, 3.5],
  ["exponential", { kind: "exponential", mean: 7 }, 7],
  ["uniform", { kind: "uniform", min: 2, max: 10 }, 6],
  ["lognormal", { kind: "lognormal", median: 4, sigma: 0.6 }, 4 * Math.exp(0.18)],
  ["normal, barely truncated", { kind: "normal", mean: 10, sd: 3, min: 0 }, 10.004628823033226],
  ["normal, truncated at its mean", { kind: "normal", mean: 0, sd: 1, min: 0 }, Math.sqrt(2 / Math.PI)],
  ["normal, truncated below its mean", { kind: "normal", mean: 5, sd: 2, min: 3 }, 5.575199941878357],
  ["normal, truncated in the tail", { kind: "normal", mean: 5, sd: 2, min: 6 }, 7.282155540736129],
  ["normal, truncated far in the tail", { kind: "normal", mean: 0, sd: 1, min: 8 }, 8.12136811223618],
  ["choice", { kind: "choice", values: [1, 2, 4, 10] }, 4.25],
];

describe("distributions", () => {
  it.each(cases)("%s: mean() is the known answer", (_, d, known) => {
    expect(Math.abs(mean(d) - known) / known).toBeLessThan(2e-7);
  });

  it.each(cases)("%s: the sample mean of 200k draws is within 4 standard errors of mean()", (name, d) => {
    const s = sampleStats(compile(d), name);
    if (d.kind === "constant") {
      expect(s.mean).toBe(d.value);
      expect(s.se).toBe(0);
      return;
    }
    expect(s.se).toBeGreaterThan(0);
    expect(Math.abs(s.mean - mean(d))).toBeLessThan(4 * s.se);
    if (d.kind === "normal") expect(s.min).toBeGreaterThanOrEqual(d.min);
  });

  it("mean() of the truncated normal: sqrt(2/π) for mean 0, sd 1, min 0; the plain mean without truncation", () => {
    expect(mean({ kind: "normal", mean: 0, sd: 1, min: 0 })).toBeCloseTo(Math.sqrt(2 / Math.PI), 6);
    expect(mean({ kind: "normal", mean: 3, sd: 2, min: Number.NEGATIVE_INFINITY })).toBe(3);
    expect(mean({ kind: "normal", mean: 3, sd: 0, min: 5 })).toBe(5);
    expect(Math.abs(normalHazard(40) / 40.02496884720726 - 1)).toBeLessThan(2e-7);
  });

  it("choice draws each value about equally often", () => {
    const f = compile({ kind: "choice", values: [10, 20, 30] });
    const rng = new RandomStreams(1, 0).stream("choice");
    const counts = new Map<number, number>();
    for (let i = 0; i < 30_000; i++) {
      const v = f(rng);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 20, 30]);
    for (const c of counts.values())
      expect(Math.abs(c - 10_000)).toBeLessThan(4 * Math.sqrt(30_000 * (1 / 3) * (2 / 3)));
  });

  it("standardNormal uses exactly two uniforms per draw and has mean 0, variance 1", () => {
    const inner = new RandomStreams(3, 0).stream("z");
    let calls = 0;
    const counting: Rng = {
      next: () => {
        calls++;
        return inner.next();
      },
    };
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < N; i++) {
      const z = standardNormal(counting);
      sum += z;
      sumSq += z * z;
    }
    expect(calls).toBe(2 * N);
    const fixed = [0.5, 0, 0.75, 0.25];
    let k = 0;
    const scripted: Rng = { next: () => fixed[k++] };
    expect(standardNormal(scripted)).toBeCloseTo(Math.sqrt(2 * Math.LN2), 14);
    expect(standardNormal(scripted)).toBeCloseTo(0, 14);
    const m = sum / N;
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(sumSq / N - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });

  it.each(cases)(
    "%s: draws from a stream exactly what it draws from seedrandom's alea with the same seed",
    (name, d) => {
      // The stream is an Alea (exponential variates computed ahead); the reference is seedrandom's alea
      // behind a plain { next }, which the samplers draw from by the formulas as they were.
      const stream = new RandomStreams(11, 2).stream(name);
      const reference: Rng = { next: seedrandom.alea(`hordesim/11/2/${name}`) };
      const a = compile(d);
      const b = compile(d);
      for (let i = 0; i < 20_000; i++) {
        const x = a(stream);
        const y = b(reference);
        if (!Object.is(x, y)) expect([i, x]).toEqual([i, y]);
      }
    },
  );

  it("standardExponential and exponential(rng, rate) draw -log(1 - U) bit for bit, mixed with uniforms", () => {
    const stream = new RandomStreams(3, 1).stream("mix");
    const alea = seedrandom.alea("hordesim/3/1/mix");
    for (let i = 0; i < 20_000; i++) {
      const k = i % 7;
      const x = k < 3 ? standardExponential(stream) : k < 5 ? exponential(stream, 0.3) : stream.next();
      const y = k < 3 ? -Math.log(1 - alea()) : k < 5 ? -Math.log(1 - alea()) / 0.3 : alea();
      if (!Object.is(x, y)) expect([i, x]).toEqual([i, y]);
    }
    expect(Object.is(standardExponential({ next: () => 0 }), -0)).toBe(true);
  });

  it("exponential(rng, rate) has mean 1/rate and stays finite when the uniform is 0", () => {
    const s = sampleStats((rng) => exponential(rng, 0.25), "exp");
    expect(Math.abs(s.mean - 4)).toBeLessThan(4 * s.se);
    expect(exponential({ next: () => 0 }, 2) === 0).toBe(true);
    expect(Number.isFinite(exponential({ next: () => 1 - 2 ** -53 }, 2))).toBe(true);
  });
});
