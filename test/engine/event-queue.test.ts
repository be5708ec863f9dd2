import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/event-queue.js";
import { runs } from "../helpers/fast-check-config.js";

interface Ref {
  time: number;
  late: boolean;
  seq: number;
  kind: number;
  a: number;
  b: number;
}

const before = (x: Ref, y: Ref): boolean =>
  x.time < y.time || (x.time === y.time && (x.late !== y.late ? !x.late : x.seq < y.seq));

function popReference(ref: Ref[]): Ref | undefined {
  if (ref.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < ref.length; i++) if (before(ref[i], ref[best])) best = i;
  return ref.splice(best, 1)[0];
}

type Op = { op: "push"; time: number; late: boolean } | { op: "pop" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("push" as const),
      time: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 100, noNaN: true })),
      late: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant({ op: "pop" as const }), weight: 2 },
);

describe("EventQueue", () => {
  it("pops in (time, insertion) order, late events after ordinary ones of their instant", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) => {
        const q = new EventQueue(capacity);
        const ref: Ref[] = [];
        let seq = 0;
        const check = (): void => {
          const want = popReference(ref);
          const got = q.pop();
          expect(got).toBe(want !== undefined);
          if (want === undefined) return;
          expect([q.time, q.kind, q.a, q.b]).toEqual([want.time, want.kind, want.a, want.b]);
        };
        for (const o of ops) {
          if (o.op === "push") {
            const id = seq++;
            ref.push({ time: o.time, late: o.late, seq: id, kind: id % 7, a: id, b: -id / 2 });
            q.push(o.time, id % 7, id, -id / 2, o.late);
          } else {
            check();
          }
          expect(q.size).toBe(ref.length);
          const next = ref.reduce((t, r) => Math.min(t, r.time), Number.POSITIVE_INFINITY);
          expect(q.peekTime()).toBe(next);
        }
        while (ref.length > 0) check();
        expect(q.pop()).toBe(false);
      }),
      { numRuns: runs(300) },
    );
  });

  it("pops equal times first in, first out", () => {
    const q = new EventQueue(4);
    for (let i = 0; i < 1000; i++) q.push(i % 3 === 0 ? 5 : 7, 1, i, 0);
    const order: number[] = [];
    while (q.pop()) order.push(q.a);
    const fives = order.slice(0, 334);
    const sevens = order.slice(334);
    expect(fives).toEqual([...fives].sort((x, y) => x - y));
    expect(sevens).toEqual([...sevens].sort((x, y) => x - y));
    expect(fives.every((i) => i % 3 === 0)).toBe(true);
    expect(sevens.every((i) => i % 3 !== 0)).toBe(true);
  });

  it("grows by doubling past its initial capacity and keeps every payload", () => {
    const q = new EventQueue(2);
    const n = 5000;
    const times = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    times.forEach((t, i) => {
      q.push(t, i % 1000, i + 0.5, 2 ** 40 + i);
    });
    expect(q.size).toBe(n);
    expect(q.capacity).toBe(8192);
    for (let t = 0; t < n; t++) {
      expect(q.pop()).toBe(true);
      const i = times.indexOf(t);
      expect([q.time, q.kind, q.a, q.b]).toEqual([t, i % 1000, i + 0.5, 2 ** 40 + i]);
    }
    expect(q.size).toBe(0);
  });

  it("reports an empty queue and clears", () => {
    const q = new EventQueue();
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    q.push(3, 0, 0, 0);
    q.push(1, 0, 0, 0);
    expect(q.peekTime()).toBe(1);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    q.push(2, 4, 5, 6);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.a, q.b]).toEqual([2, 4, 5, 6]);
  });
});
