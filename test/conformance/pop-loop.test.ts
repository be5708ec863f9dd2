import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PopLoop } from "../../src/conformance/pop-loop.js";

/** Turns the loop until it sends, with the slot free from `freeAt`; the time of the turn that sends. */
function nextSend(loop: PopLoop, freeAt = Number.NEGATIVE_INFINITY): number {
  for (let i = 0; i < 10_000; i++) {
    if (loop.sends(loop.next >= freeAt)) return loop.next;
    loop.skipped();
  }
  throw new Error("the loop never sends");
}

describe("the conformance driver's pop loop (reGen _api_call_loop)", () => {
  it("sleeps poll_interval after each answer, not on a fixed grid", () => {
    const loop = new PopLoop(1, 5, 0.3);
    expect(nextSend(loop)).toBe(0.3);
    loop.answered(0.3, 0.9, false);
    expect(nextSend(loop)).toBeCloseTo(1.9, 12);
    loop.answered(1.9, 3.4, false);
    expect(nextSend(loop)).toBeCloseTo(4.4, 12);
  });

  it("sends at the loop's first turn after a slot frees, not when it frees", () => {
    const loop = new PopLoop(1, 5, 0);
    loop.answered(0, 0.5, false);
    // Busy from the answer until 3.2: turns at 1.5, 2.5, 3.5 (the loop sleeps through the slot freeing).
    expect(nextSend(loop, 3.2)).toBeCloseTo(3.5, 12);
  });

  it("after a 403, sends at the first turn at least error_poll_interval after the last send", () => {
    // Sent at 2, answered 403 at 2.6: turns at 3.6, 4.6, 5.6, 6.6 are under 5 s from the send; 7.6 sends.
    const loop = new PopLoop(1, 5, 0);
    loop.answered(2, 2.6, true);
    expect(nextSend(loop)).toBeCloseTo(7.6, 12);
    // An answer that is no error ends the error cadence.
    loop.answered(7.6, 8, false);
    expect(nextSend(loop)).toBeCloseTo(9, 12);
  });

  it("gives an idle worker in maintenance answers rt + sleep·max(1, ⌈(5 − rt)/sleep⌉) apart, as the model's errorIdlePeriod", () => {
    for (const [rt, gap] of [
      [0.6, 5.6],
      [2.5, 5.5],
      [5.5, 6.5],
    ]) {
      const loop = new PopLoop(1, 5, 0);
      loop.answered(0, rt, true);
      // The next pop, sent at its turn, is answered rt later (the same round trip, as the model's idle pops).
      const nextAnswer = nextSend(loop) + rt;
      expect(nextAnswer - rt).toBeCloseTo(gap, 12);
    }
  });

  it("pauses pops 182 s after the third failed job in a row it knows of; a success resets the count", () => {
    const loop = new PopLoop(1, 5, 0);
    expect(loop.learnJobEnd(10, true)).toBe(false);
    expect(loop.learnJobEnd(20, true)).toBe(false);
    expect(loop.learnJobEnd(30, false)).toBe(false);
    expect(loop.learnJobEnd(40, true)).toBe(false);
    expect(loop.learnJobEnd(50, true)).toBe(false);
    expect(loop.learnJobEnd(60.25, true)).toBe(true);
    expect(loop.pausedUntil).toBeCloseTo(242.25, 12);
    // Failures while paused are forgotten.
    expect(loop.learnJobEnd(100, true)).toBe(false);
    expect(loop.learnJobEnd(110, true)).toBe(false);
    expect(loop.learnJobEnd(120, true)).toBe(false);
    expect(loop.pauses).toBe(1);
    loop.answered(59.5, 60, false);
    // Turns at 61, 62, ...: the first at or after 242.25 is 243.
    expect(nextSend(loop)).toBeCloseTo(243, 9);
  });

  it("never sends while busy, paused or within the error cadence, and never lets a turn that may send go by", () => {
    const step = fc.record({
      trip: fc.double({ min: 0.01, max: 6, noNaN: true }),
      error: fc.boolean(),
      busyFor: fc.double({ min: 0, max: 20, noNaN: true }),
      failed: fc.option(fc.boolean(), { nil: null }),
    });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.array(step, { maxLength: 40 }), (phase, steps) => {
        const sleep = 1;
        const loop = new PopLoop(sleep, 5, phase);
        let lastSend = Number.NEGATIVE_INFINITY;
        let lastAnswer = Number.NEGATIVE_INFINITY;
        let lastError = false;
        let freeAt = Number.NEGATIVE_INFINITY;
        for (const s of steps) {
          // Every turn the loop skips had a reason not to send.
          for (;;) {
            const t = loop.next;
            const mayPop = t >= freeAt && t >= loop.pausedUntil && !(lastError && t < lastSend + 5);
            if (loop.sends(t >= freeAt)) {
              expect(mayPop).toBe(true);
              break;
            }
            expect(mayPop).toBe(false);
            loop.skipped();
          }
          const send = loop.next;
          // A send is a whole number of sleeps after the last answer.
          if (Number.isFinite(lastAnswer)) {
            const k = (send - lastAnswer) / sleep;
            expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
            expect(Math.round(k)).toBeGreaterThanOrEqual(1);
          }
          const answer = send + s.trip;
          loop.answered(send, answer, s.error);
          lastSend = send;
          lastAnswer = answer;
          lastError = s.error;
          if (!s.error && s.busyFor > 0) {
            freeAt = answer + s.busyFor;
            if (s.failed !== null) loop.learnJobEnd(freeAt, s.failed);
          }
        }
      }),
    );
  });
});
