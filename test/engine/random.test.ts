import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { RandomStreams, type Rng } from "../../src/engine/random.js";

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
