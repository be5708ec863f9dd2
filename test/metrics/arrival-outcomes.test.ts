import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttemptRecord, RequestRecord, UserRecord } from "../../src/horde/record-types.js";
import { ArrivalOutcomeAccumulator } from "../../src/metrics/arrival-outcomes.js";
import { runs } from "../helpers/fast-check-config.js";

const request = (request_id: number, arrival_id: number, warmup = false) =>
  ({ request_id, arrival_id, warmup }) as RequestRecord;
const user = (arrival_id: number, outcome: UserRecord["outcome"], latency_s: number, warmup = false) =>
  ({ arrival_id, outcome, latency_s, warmup }) as UserRecord;
const attempt = (request_id: number, end: AttemptRecord["end"]) => ({ request_id, end }) as AttemptRecord;

type Feed =
  | { kind: "request"; r: RequestRecord }
  | { kind: "user"; u: UserRecord }
  | { kind: "attempt"; a: AttemptRecord };

/** A small day by hand: arrival 0 warm-up (its job failed), 1 clean, 2 resubmitted after a stale abort, 3 faulted, 4 open. */
const DAY: Feed[] = [
  { kind: "request", r: request(0, 0, true) },
  { kind: "attempt", a: attempt(0, "stale_abort") },
  { kind: "user", u: user(0, "completed", 30, true) },
  { kind: "request", r: request(1, 1) },
  { kind: "attempt", a: attempt(1, "completed") },
  { kind: "user", u: user(1, "completed", 12) },
  // arrival 2: request 2 aborted, faulted; resubmitted as request 4, which completed.
  { kind: "attempt", a: attempt(2, "stale_abort") },
  { kind: "request", r: request(2, 2) },
  { kind: "attempt", a: attempt(4, "completed") },
  { kind: "request", r: request(4, 2) },
  { kind: "user", u: user(2, "completed", 250) },
  // arrival 3: a reported fault, then a late result; the user's chain failed.
  { kind: "attempt", a: attempt(3, "reported_fault") },
  { kind: "attempt", a: attempt(3, "late_discarded") },
  { kind: "request", r: request(3, 3) },
  { kind: "user", u: user(3, "faulted", 400) },
  // arrival 4: still open at the horizon, its one job cancelled (not a failure of the worker).
  { kind: "attempt", a: attempt(5, "cancelled") },
  { kind: "request", r: request(5, 4) },
  { kind: "user", u: user(4, "open", Number.NaN) },
];

function feed(records: readonly Feed[]) {
  const acc = new ArrivalOutcomeAccumulator();
  for (const f of records) {
    if (f.kind === "request") acc.addRequest(f.r);
    else if (f.kind === "user") acc.addUser(f.u);
    else acc.addAttempt(f.a);
  }
  return acc.finish();
}

describe("what each arrival got", () => {
  it("latency of the completed chains, hit where any submission met a failed job, warm-up left out", () => {
    const { latency, hit } = feed(DAY);
    expect([...latency]).toEqual([Number.NaN, 12, 250, Number.NaN, Number.NaN]);
    expect([...hit]).toEqual([0, 0, 1, 1, 0]);
  });

  it("is the same in whatever order the records come", () => {
    const expected = feed(DAY);
    fc.assert(
      fc.property(fc.shuffledSubarray(DAY, { minLength: DAY.length, maxLength: DAY.length }), (order) => {
        expect(feed(order)).toEqual(expected);
      }),
      { numRuns: runs(200) },
    );
  });

  it("grows past its first capacity", () => {
    const acc = new ArrivalOutcomeAccumulator();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      acc.addRequest(request(i, i));
      if (i % 7 === 0) acc.addAttempt(attempt(i, "stale_abort"));
      acc.addUser(user(i, "completed", i));
    }
    const { latency, hit } = acc.finish();
    expect(latency.length).toBe(n);
    expect(latency[4999]).toBe(4999);
    expect(hit.reduce((t, x) => t + x, 0)).toBe(Math.ceil(n / 7));
  });
});
