import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PairedHitCollector } from "../../src/metrics/paired-collector.js";
import { pairedHitDifference, type RequestLatencies } from "../../src/metrics/paired-requests.js";
import { runs } from "../helpers/fast-check-config.js";

/** One replication of one arm over `n` arrivals: latencies (NaN = did not complete) and hit flags. */
const outcomesArb = (n: number) =>
  fc
    .array(
      fc.record({
        latency: fc.oneof(fc.constant(Number.NaN), fc.double({ min: 1, max: 500, noNaN: true })),
        hit: fc.boolean(),
      }),
      { minLength: n, maxLength: n },
    )
    .map(
      (xs): RequestLatencies => ({
        latency: Float64Array.from(xs.map((x) => x.latency)),
        hit: Uint8Array.from(xs.map((x) => (x.hit ? 1 : 0))),
      }),
    );

const runArb = fc
  .record({
    arrivals: fc.integer({ min: 1, max: 30 }),
    arms: fc.integer({ min: 2, max: 4 }),
    reps: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ arrivals, arms, reps }) =>
    fc.record({
      units: fc.array(fc.array(outcomesArb(arrivals), { minLength: reps, maxLength: reps }), {
        minLength: arms,
        maxLength: arms,
      }),
      seed: fc.integer(),
    }),
  );

describe("the paired estimator over a run, unit by unit", () => {
  it("gives what pairedHitDifference gives on the full arrays, whatever order the units come in", () => {
    fc.assert(
      fc.property(runArb, ({ units, seed }) => {
        const order = units.flatMap((reps, arm) => reps.map((o, r) => ({ arm, replication: r + 1, o })));
        // a deterministic shuffle: units of other arms may come before their baseline's
        let s = seed >>> 0;
        for (let i = order.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) >>> 0;
          const j = s % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const c = new PairedHitCollector(units.length);
        c.expect(order);
        for (const u of order) c.add(u.arm, u.replication, u.o);
        const got = c.estimates();
        expect(got[0]).toBeNull();
        for (let a = 1; a < units.length; a++) {
          const want = pairedHitDifference(units[a].map((o, r) => ({ baseline: units[0][r], arm: o })));
          expect(got[a]).toEqual({ ...want, replication_numbers: units[0].map((_, r) => r + 1) });
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("leaves out an arm's replication whose baseline replication does not run, and pairs the rest", () => {
    const o = (lat: number[], hit: number[]): RequestLatencies => ({
      latency: Float64Array.from(lat),
      hit: Uint8Array.from(hit),
    });
    const c = new PairedHitCollector(2);
    c.expect([
      { arm: 0, replication: 1 },
      { arm: 1, replication: 1 },
      { arm: 1, replication: 2 },
    ]);
    c.add(1, 2, o([5, 5], [1, 1]));
    c.add(1, 1, o([10, 40], [0, 1]));
    c.add(0, 1, o([10, 100], [0, 1]));
    const e = c.estimates()[1];
    expect(e?.replication_numbers).toEqual([1]);
    expect(e?.mean).toBe(-60);
  });
});
