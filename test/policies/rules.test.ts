import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Job } from "../../src/horde/worker.js";
import { heartbeatDetector } from "../../src/policies/detector-heartbeat.js";
import { backoffCeiling } from "../../src/policies/rule-backoff.js";
import { Breaker } from "../../src/policies/rule-reputation.js";
import { RttEstimator } from "../../src/policies/timeout-adaptive.js";

describe("adaptive timeout: RFC 6298 on seconds per MPS", () => {
  it("follows the RFC's sequence (α = 1/8, β = 1/4, K = 4)", () => {
    const e = new RttEstimator(1 / 8, 1 / 4, 4);
    e.sample(2);
    expect(e.srtt).toBe(2);
    expect(e.rttvar).toBe(1);
    expect(e.rto()).toBe(6);
    e.sample(4);
    // RTTVAR = 3/4·1 + 1/4·|2 − 4| = 1.25, then SRTT = 7/8·2 + 1/8·4 = 2.25
    expect(e.rttvar).toBeCloseTo(1.25, 12);
    expect(e.srtt).toBeCloseTo(2.25, 12);
    expect(e.rto()).toBeCloseTo(7.25, 12);
    e.sample(2.25);
    expect(e.rttvar).toBeCloseTo(0.9375, 12);
    expect(e.srtt).toBeCloseTo(2.25, 12);
  });
});

describe("backoff: min(cap, base·2^(n−1))", () => {
  it("doubles from the base and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeiling(30, 900, n))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });
});

describe("reputation: the circuit breaker's state machine", () => {
  const settings = { consecutive: 3, window: 10, max_failure_rate: 0.5, min_samples: 4, open_for: 600 };

  it("opens after N consecutive failures, half-opens after the wait, closes on a good probe", () => {
    const b = new Breaker(settings);
    b.record(false, 10);
    b.record(false, 20);
    expect(b.state).toBe("closed");
    b.record(false, 30);
    expect(b.state).toBe("open");
    expect(b.popAllowedAt(100)).toBe(630);
    expect(b.popAllowedAt(630)).toBe(630);
    expect(b.state).toBe("half-open");
    b.onPop();
    expect(b.popAllowedAt(640)).toBe(Number.POSITIVE_INFINITY);
    b.record(true, 700);
    expect(b.state).toBe("closed");
    expect(b.popAllowedAt(701)).toBe(701);
  });

  it("opens again when the probe fails", () => {
    const b = new Breaker(settings);
    for (const t of [1, 2, 3]) b.record(false, t);
    b.popAllowedAt(603);
    b.onPop();
    b.record(false, 650);
    expect(b.state).toBe("open");
    expect(b.popAllowedAt(660)).toBe(1250);
  });

  it("half-opens on time even when nobody asks, so a failure after the wait re-opens it from then", () => {
    const b = new Breaker(settings);
    for (const t of [1, 2, 3]) b.record(false, t);
    b.record(false, 700);
    expect(b.state).toBe("open");
    expect(b.openedAt).toBe(700);
  });

  it("opens on a failure rate over the window once it has enough samples", () => {
    const b = new Breaker(settings);
    // s f s f s f: rate 0.5 is not over 0.5; the next failure makes 4/7 > 0.5
    const outcomes = [true, false, true, false, true, false];
    outcomes.forEach((ok, i) => {
      b.record(ok, i);
    });
    expect(b.state).toBe("closed");
    b.record(false, 10);
    expect(b.state).toBe("open");
  });
});

describe("heartbeat detector", () => {
  it("declares a silent job lost k missed beats after its last beat, and never later than the TTL", () => {
    const d = heartbeatDetector.create(heartbeatDetector.params.parse({ interval: 10, missed: 3 }), {} as never);
    const job = new Job(0, 0, 0, 1, 100, 150, false);
    expect(d.silentDeadline(job, 100)).toBe(130);
    expect(d.silentDeadline(job, 125)).toBe(150);
    expect(d.silentDeadline(job, 240)).toBe(250);
    expect(d.deadline(job)).toBe(250);
  });

  it("never declares a job lost before its last beat plus k·h (property)", () => {
    const d = heartbeatDetector.create(heartbeatDetector.params.parse({ interval: 7, missed: 2 }), {} as never);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (pop, after) => {
          const job = new Job(0, 0, 0, 1, pop, 1e9, false);
          const lost = d.silentDeadline(job, pop + after);
          expect(lost).toBeGreaterThan(pop + after);
          expect(lost).toBeLessThanOrEqual(pop + after + 14 + 1e-9);
        },
      ),
    );
  });
});
