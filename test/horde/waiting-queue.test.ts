import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Request } from "../../src/horde/request.js";
import { WaitingQueue } from "../../src/horde/waiting-queue.js";
import type { RequestTemplate } from "../../src/scenario/types.js";

const template = (kudos: number): RequestTemplate => ({
  weight: 1,
  width: 512,
  height: 512,
  steps: 30,
  sampler: "k_euler_a",
  model: null,
  n: 1,
  kudos,
  user: "u",
  slow_workers: true,
  extra_slow_workers: false,
  controlnet: false,
  job_time: null,
});

const req = (id: number, kudos: number, submitted: number) =>
  new Request(id, template(kudos), "s", submitted, id, 0, 1e9);

describe("waiting queue: extra_priority DESC, created ASC, +50 every 10 s while n > 0", () => {
  it("orders by kudos, then by age", () => {
    const q = new WaitingQueue(10, 50, 0);
    q.add(req(0, 100, 0), 0);
    q.add(req(1, 500, 0), 0);
    q.add(req(2, 100, 0), 0);
    expect(q.items.map((r) => r.id)).toEqual([1, 0, 2]);
  });

  it("ages a waiting request by +50 per tick (phase 3 s: ticks at 3, 13, 23, ...)", () => {
    const q = new WaitingQueue(10, 50, 3);
    const r = req(0, 100, 0);
    q.add(r, 0);
    expect(q.priority(r, 2.9)).toBe(100);
    expect(q.priority(r, 3)).toBe(150);
    expect(q.priority(r, 60)).toBe(100 + 6 * 50);
  });

  it("lets an old request overtake a newer one with more kudos after enough ticks", () => {
    const q = new WaitingQueue(10, 50, 0);
    q.add(req(0, 0, 0), 0);
    q.add(req(1, 120, 30), 30);
    // At t = 30 request 0 has earned the ticks at 10, 20 and 30: 150 > 120.
    expect(q.items.map((r) => r.id)).toEqual([0, 1]);
  });

  it("freezes the earned priority when a request stops waiting and resumes from it", () => {
    const q = new WaitingQueue(10, 50, 0);
    const r = req(0, 100, 0);
    q.add(r, 0); // tick at 0 already happened: K(0) = 1
    r.n = 0;
    q.remove(r, 25); // ticks at 10, 20 → +100
    expect(r.accumulated).toBe(200);
    r.n = 1;
    q.add(r, 100);
    expect(q.priority(r, 100)).toBe(200);
    expect(q.priority(r, 110)).toBe(250);
  });

  it("keeps pop order equal to sorting by the priority each request has now (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kudos: fc.integer({ min: 0, max: 1000 }), at: fc.integer({ min: 0, max: 500 }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 600 }),
        (specs, now) => {
          const q = new WaitingQueue(10, 50, 0);
          const sorted = specs.map((s, i) => ({ ...s, id: i })).sort((a, b) => a.at - b.at || a.id - b.id);
          const reqs = sorted.map((s, i) => req(i, s.kudos, s.at));
          for (const [i, s] of sorted.entries()) q.add(reqs[i], s.at);
          const t = Math.max(now, sorted[sorted.length - 1].at);
          const expected = [...reqs]
            .sort((a, b) => q.priority(b, t) - q.priority(a, t) || a.id - b.id)
            .map((r) => r.id);
          expect(q.items.map((r) => r.id)).toEqual(expected);
        },
      ),
    );
  });
});
