import { describe, expect, it } from "vitest";
import { Simulator } from "../../src/engine/simulator.js";

describe("Simulator", () => {
  it("handles events in (time, insertion) order with the clock at each event's time", () => {
    const sim = new Simulator();
    const seen: [number, number][] = [];
    const k = sim.register("tick", (a) => seen.push([sim.now, a]));
    sim.schedule(5, k, 1);
    sim.schedule(2, k, 2);
    sim.schedule(5, k, 3);
    sim.schedule(0, k, 4);
    sim.schedule(2, k, 5);
    sim.run(10);
    expect(seen).toEqual([
      [0, 4],
      [2, 2],
      [2, 5],
      [5, 1],
      [5, 3],
    ]);
    expect(sim.events).toBe(5);
    expect(sim.now).toBe(10);
  });

  it("runs events a handler schedules at the current instant after those already due then", () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const late = sim.register("late", (a) => seen.push(`late${a}`));
    const echo = sim.register("echo", (a) => seen.push(`echo${a}`));
    const first = sim.register("first", () => {
      seen.push("first");
      sim.scheduleIn(0, echo, 1);
      sim.scheduleLate(sim.now, late, 2);
    });
    sim.schedule(1, first);
    sim.scheduleLate(1, late, 1);
    sim.schedule(1, echo, 0);
    sim.run(1);
    expect(seen).toEqual(["first", "echo0", "echo1", "late1", "late2"]);
  });

  it("leaves events after the horizon unhandled, and handles them in a later run", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const k = sim.register("tick", () => seen.push(sim.now));
    for (const t of [1, 3, 3.0000001, 4, 9]) sim.schedule(t, k);
    sim.run(3);
    expect(seen).toEqual([1, 3]);
    expect(sim.now).toBe(3);
    expect(sim.queue.size).toBe(3);
    sim.run(5);
    expect(seen).toEqual([1, 3, 3.0000001, 4]);
    expect(sim.now).toBe(5);
    sim.run(Number.POSITIVE_INFINITY);
    expect(seen).toEqual([1, 3, 3.0000001, 4, 9]);
    expect(sim.now).toBe(9);
  });

  it("stop() ends the run after the current handler and keeps the clock there", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const k = sim.register("tick", (a) => {
      seen.push(a);
      if (a === 2) sim.stop();
    });
    for (let i = 1; i <= 4; i++) sim.schedule(i * 10, k, i);
    sim.run(100);
    expect(seen).toEqual([1, 2]);
    expect(sim.now).toBe(20);
    expect(sim.queue.size).toBe(2);
    sim.run(100);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(sim.now).toBe(100);
  });

  it("refuses to schedule in the past, at NaN, or an unregistered kind", () => {
    const sim = new Simulator();
    const k = sim.register("tick", () => {});
    sim.run(10);
    expect(() => sim.schedule(9.999, k)).toThrow(/tick at 9.999: the clock is at 10/);
    expect(() => sim.schedule(Number.NaN, k)).toThrow();
    expect(() => sim.scheduleIn(-1, k)).toThrow();
    expect(() => sim.scheduleLate(5, k)).toThrow();
    expect(() => sim.schedule(11, k + 1)).toThrow(/unregistered/);
    expect(() => sim.run(Number.NaN)).toThrow(/NaN/);
    expect(sim.queue.size).toBe(0);
    sim.schedule(10, k);
    sim.scheduleIn(0.5, k);
    expect(sim.queue.size).toBe(2);
  });

  it("names kinds and reports every event to the observer before its handler", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const a = sim.register("arrive", (x, y) => log.push(`handle arrive ${x} ${y}`));
    const d = sim.register("depart", (x, y) => log.push(`handle depart ${x} ${y}`));
    expect([sim.kindName(a), sim.kindName(d), sim.kindName(7)]).toEqual(["arrive", "depart", "kind 7"]);
    sim.observer = (t, kind, x, y) => log.push(`see ${t} ${sim.kindName(kind)} ${x} ${y}`);
    sim.schedule(1, a, 3, 4);
    sim.schedule(2, d, 5, 6);
    sim.run(2);
    expect(log).toEqual(["see 1 arrive 3 4", "handle arrive 3 4", "see 2 depart 5 6", "handle depart 5 6"]);
  });

  it("cancels lazily: a rescheduled timer's stale event is ignored and costs one pop", () => {
    // An entity with a timeout timer; each reschedule bumps its generation, passed in b.
    const sim = new Simulator();
    const generation = [0, 0];
    const fired: [number, number][] = [];
    let stale = 0;
    const timeout = sim.register("timeout", (id, gen) => {
      if (gen !== generation[id]) {
        stale++;
        return;
      }
      fired.push([id, sim.now]);
    });
    const arm = (id: number, delay: number): void => {
      generation[id]++;
      sim.scheduleIn(delay, timeout, id, generation[id]);
    };
    const extend = sim.register("extend", (id) => arm(id, 10));
    arm(0, 10);
    arm(1, 10);
    sim.schedule(5, extend, 0);
    sim.run(100);
    expect(fired).toEqual([
      [1, 10],
      [0, 15],
    ]);
    expect(stale).toBe(1);
    expect(sim.events).toBe(4);
    expect(sim.queue.size).toBe(0);
  });
});
