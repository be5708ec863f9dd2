import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { Alea, RandomStreams, type Rng } from "../../src/engine/random.js";
import { runs } from "../helpers/fast-check-config.js";

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe("RandomStreams", () => {
  it("gives the same sequence for the same (seed, replication, name)", () => {
    const x = draw(new RandomStreams(42, 3).stream("arrivals"), 100);
    const y = draw(new RandomStreams(42, 3).stream("arrivals"), 100);
    expect(x).toEqual(y);
    expect(new Set(x).size).toBe(100);
    for (const u of x) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it("derives each stream from hordesim/seed/replication/name with alea", () => {
    const alea = seedrandom.alea("hordesim/7/1/worker 12 speed");
    expect(draw(new RandomStreams(7, 1).stream("worker 12 speed"), 10)).toEqual(Array.from({ length: 10 }, alea));
  });

  it("gives different sequences for different names, replications and seeds", () => {
    const base = draw(new RandomStreams(1, 0).stream("a"), 20);
    const others = [
      new RandomStreams(1, 0).stream("b"),
      new RandomStreams(1, 1).stream("a"),
      new RandomStreams(2, 0).stream("a"),
      new RandomStreams(10, 0).stream("a"),
      new RandomStreams(1, 10).stream("a"),
    ].map((s) => draw(s, 20));
    for (const o of others) {
      expect(o).not.toEqual(base);
      expect(o.filter((u, i) => u === base[i]).length).toBe(0);
    }
  });

  it("returns the same stream object for the same name", () => {
    const streams = new RandomStreams(5, 0);
    const s = streams.stream("sweep");
    expect(streams.stream("sweep")).toBe(s);
    const first = s.next();
    expect(streams.stream("sweep").next()).not.toBe(first);
    expect(streams.stream("other")).not.toBe(s);
  });

  it("never shifts one stream by drawing from another", () => {
    const alone = draw(new RandomStreams(9, 2).stream("arrivals"), 50);
    const streams = new RandomStreams(9, 2);
    const arrivals = streams.stream("arrivals");
    const interleaved: number[] = [];
    for (let i = 0; i < 50; i++) {
      streams.stream(`policy ${i % 3}`).next();
      interleaved.push(arrivals.next());
      draw(streams.stream("worker"), i);
    }
    expect(interleaved).toEqual(alone);
  });
});

/** The first n draws of seedrandom 3.0.5's alea and of ours, as exact bit patterns (so −0 ≠ 0, NaN = NaN). */
function bothDraws(seed: string, n: number): [string[], string[]] {
  const theirs = seedrandom.alea(seed);
  const ours = new Alea(seed);
  const bits = (x: number) => {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x);
    return v.getBigUint64(0).toString(16);
  };
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; i < n; i++) {
    a.push(bits(theirs()));
    b.push(bits(ours.next()));
  }
  return [a, b];
}

describe("Alea", () => {
  it("draws bit for bit what seedrandom's alea draws, for the simulator's stream names", () => {
    const names = ["arrivals", "service", "server/sweep", "client/resubmit", "policy/backoff", "worker/w17/jobs"];
    for (const seed of [0, 1, 2, 7, 42, 123456789]) {
      for (const rep of [0, 1, 2, 30]) {
        for (const name of names) {
          const [theirs, ours] = bothDraws(`hordesim/${seed}/${rep}/${name}`, 2000);
          expect(ours).toEqual(theirs);
        }
      }
    }
  });

  it("draws bit for bit what seedrandom's alea draws over a long run", () => {
    for (const seed of ["hordesim/1/1/arrivals", "hordesim/1/1/service", "", " "]) {
      const [theirs, ours] = bothDraws(seed, 100_000);
      // One comparison, not 100,000 (a mismatch is then found by the shorter tests).
      expect(ours.join()).toBe(theirs.join());
    }
  });

  it("draws bit for bit what seedrandom's alea draws, for any seed string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.integer({ min: 1, max: 500 }), (seed, n) => {
        const [theirs, ours] = bothDraws(seed, n);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: runs(1000) },
    );
  });

  it("exponential() is -Math.log(1 - next()) bit for bit, in any mix with next()", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(fc.boolean(), { maxLength: 300 }), (seed, ops) => {
        const theirs = seedrandom.alea(seed);
        const ours = new Alea(seed);
        for (const exp of ops) {
          const expected = exp ? -Math.log(1 - theirs()) : theirs();
          expect(Object.is(exp ? ours.exponential() : ours.next(), expected)).toBe(true);
        }
      }),
      { numRuns: runs(500) },
    );
  });

  it("is what RandomStreams hands out", () => {
    expect(new RandomStreams(3, 4).stream("x")).toBeInstanceOf(Alea);
  });
});
