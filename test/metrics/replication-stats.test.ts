import fc from "fast-check";
import { max, mean, quantile } from "simple-statistics";
import { describe, expect, it } from "vitest";
import type { AttemptRecord, RequestOutcome, RequestRecord, UserRecord } from "../../src/horde/record-types.js";
import { Float64List, latencyStats, ReplicationAccumulator } from "../../src/metrics/replication-stats.js";
import { runs } from "../helpers/fast-check-config.js";

function request(
  id: number,
  outcome: RequestOutcome,
  latency: number,
  attempts: number,
  warmup = false,
): RequestRecord {
  return {
    policy: "p",
    replication: 1,
    request_id: id,
    origin_id: id,
    arrival_id: id,
    resubmission: 0,
    stream: "s",
    width: 512,
    height: 512,
    steps: 30,
    sampler: "k_euler",
    model: "m",
    submitted_s: 100,
    done_s: outcome === "open" ? Number.NaN : 100 + latency,
    outcome,
    images_requested: 1,
    images_delivered: outcome === "completed" ? 1 : 0,
    attempts,
    latency_s: outcome === "open" ? Number.NaN : latency,
    seen_s: outcome === "open" ? Number.NaN : 100 + latency,
    warmup,
    user_class: "default",
    kudos: 0,
    mps: 7.86432,
    first_pop_s: Number.NaN,
    wait_s: 0,
  };
}

function user(id: number, outcome: RequestOutcome, latency: number, warmup = false): UserRecord {
  return {
    policy: "p",
    replication: 1,
    origin_id: id,
    arrival_id: id,
    submitted_s: 100,
    final_s: outcome === "open" ? Number.NaN : 100 + latency,
    outcome,
    submissions: 1,
    latency_s: outcome === "open" ? Number.NaN : latency,
    warmup,
    user_class: "default",
    model: "",
  };
}

function attempt(requestId: number, end: AttemptRecord["end"], wasted: number, hedge = false): AttemptRecord {
  return {
    policy: "p",
    replication: 1,
    request_id: requestId,
    job_id: 0,
    attempt: 1,
    worker_id: 0,
    worker_name: "w",
    popped_s: 0,
    ended_s: 1,
    end,
    ttl_s: 150,
    hedge,
    wasted_gpu_s: wasted,
    mps: 7.86432,
  };
}

type Item =
  | { kind: "request"; r: RequestRecord }
  | { kind: "user"; u: UserRecord }
  | { kind: "attempt"; a: AttemptRecord };

// Warm-up records (0, 7, their users) carry values that would change every figure if they were counted.
const items: Item[] = [
  { kind: "attempt", a: attempt(0, "stale_abort", 1000, true) },
  { kind: "request", r: request(0, "completed", 5000, 9, true) },
  { kind: "request", r: request(1, "completed", 10, 1) },
  { kind: "attempt", a: attempt(1, "completed", 0) },
  { kind: "attempt", a: attempt(1, "cancelled", 3, true) },
  { kind: "attempt", a: attempt(2, "stale_abort", 40) },
  { kind: "request", r: request(2, "completed", 20, 2) },
  { kind: "attempt", a: attempt(2, "completed", 0) },
  { kind: "request", r: request(3, "completed", 30, 1) },
  { kind: "attempt", a: attempt(4, "reported_fault", 5) },
  { kind: "attempt", a: attempt(4, "reported_fault", 5) },
  { kind: "request", r: request(4, "faulted", 100, 3) },
  { kind: "attempt", a: attempt(4, "reported_fault", 5) },
  { kind: "request", r: request(5, "expired", 1200, 1) },
  { kind: "attempt", a: attempt(5, "expired", 0) },
  { kind: "request", r: request(6, "open", Number.NaN, 1) },
  { kind: "attempt", a: attempt(6, "late_discarded", 7) },
  { kind: "request", r: request(7, "faulted", 7, 4, true) },
  { kind: "attempt", a: attempt(7, "stale_abort", 500, true) },
  { kind: "attempt", a: attempt(99, "stale_abort", 2) },
  { kind: "user", u: user(0, "completed", 9999, true) },
  { kind: "user", u: user(1, "completed", 10) },
  { kind: "user", u: user(2, "completed", 50) },
  { kind: "user", u: user(3, "faulted", 300) },
  { kind: "user", u: user(4, "expired", 1300) },
  { kind: "user", u: user(5, "open", Number.NaN) },
];

function feed(list: Item[]) {
  const acc = new ReplicationAccumulator();
  for (const it of list) {
    if (it.kind === "request") acc.addRequest(it.r);
    else if (it.kind === "user") acc.addUser(it.u);
    else acc.addAttempt(it.a);
  }
  return acc.finish();
}

describe("ReplicationAccumulator", () => {
  it("computes a hand-worked replication, leaving the warm-up out", () => {
    const s = feed(items);
    expect(s.requests).toBe(6);
    expect(s.completed).toBe(3);
    expect(s.faulted).toBe(1);
    expect(s.expired).toBe(1);
    expect(s.open).toBe(1);
    expect(s.success_rate).toBe(3 / 5);
    // Completed latencies 10, 20, 30; type-7 quantiles: p90 = 20 + 0.8·10, p99 = 20 + 0.98·10.
    expect(s.latency.mean).toBe(20);
    expect(s.latency.p50).toBe(20);
    expect(s.latency.p90).toBeCloseTo(28, 12);
    expect(s.latency.p99).toBeCloseTo(29.8, 12);
    expect(s.latency.max).toBe(30);
    expect(s.time_to_failure_s).toBe((100 + 1200) / 2);
    expect(s.attempts_per_request).toBe((1 + 2 + 1 + 3 + 1) / 5);
    // 3 (hedge of 1) + 40 (2) + 15 (4) + 7 (open 6) + 2 (99, no request record); warm-up 0 and 7 left out.
    expect(s.wasted_gpu_s).toBe(67);
    expect(s.hedges).toBe(1);
    // Requests 2, 4, 6 and 99 had a failed job; only 2 and 4 have ended.
    expect(s.affected).toBe(4);
    expect(s.affected_latency_s).toBe((20 + 100) / 2);
    expect(s.user_success_rate).toBe(2 / 4);
    expect(s.user_latency.mean).toBe(30);
    expect(s.user_latency.p50).toBe(30);
    expect(s.user_latency.max).toBe(50);
    expect(s.user_failure_latency_s).toBe((300 + 1300) / 2);
  });

  it("gives the same figures whatever order the records come in", () => {
    const reference = feed(items);
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), (shuffled) => {
        expect(feed(shuffled)).toEqual(reference);
      }),
    );
  });

  it("is NaN where there is nothing to measure, 0 for sums", () => {
    const empty = feed([]);
    expect(empty.requests).toBe(0);
    expect(empty.success_rate).toBeNaN();
    expect(empty.latency.p50).toBeNaN();
    expect(empty.latency.max).toBeNaN();
    expect(empty.time_to_failure_s).toBeNaN();
    expect(empty.attempts_per_request).toBeNaN();
    expect(empty.wasted_gpu_s).toBe(0);
    expect(empty.hedges).toBe(0);
    expect(empty.user_success_rate).toBeNaN();
    expect(empty.user_latency.mean).toBeNaN();
    expect(empty.user_failure_latency_s).toBeNaN();

    const onlyOpen = feed([{ kind: "request", r: request(1, "open", Number.NaN, 1) }]);
    expect(onlyOpen.requests).toBe(1);
    expect(onlyOpen.open).toBe(1);
    expect(onlyOpen.success_rate).toBeNaN();
    expect(onlyOpen.attempts_per_request).toBeNaN();

    const noFailure = feed([{ kind: "request", r: request(1, "completed", 4, 1) }]);
    expect(noFailure.success_rate).toBe(1);
    expect(noFailure.time_to_failure_s).toBeNaN();
    expect(noFailure.latency.p99).toBe(4);
  });
});

describe("latency statistics", () => {
  it("match simple-statistics on the same values", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 3000 }), (xs) => {
        const list = new Float64List(4);
        for (const x of xs) list.push(x);
        const s = latencyStats(list.view());
        const sorted = [...xs].sort((a, b) => a - b);
        expect(s.p50).toBe(quantile(xs, 0.5));
        expect(s.p90).toBe(quantile(xs, 0.9));
        expect(s.p99).toBe(quantile(xs, 0.99));
        expect(s.max).toBe(max(xs));
        // the sum is compensated (Kahan–Babuška): its order changes at most the last bits
        expect(Math.abs(s.mean - mean(sorted))).toBeLessThanOrEqual(1e-12 * Math.max(1, mean(sorted)));
      }),
      { numRuns: runs(200) },
    );
  });

  it("keeps every value of a list that grew many times, and does not reorder the input", () => {
    const list = new Float64List(1);
    const xs = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    for (const x of xs) list.push(x);
    expect(list.length).toBe(5000);
    expect(Array.from(list.view())).toEqual(xs);
    const s = latencyStats(list.view());
    expect(Array.from(list.view())).toEqual(xs);
    expect(s.p50).toBe(2499.5);
    expect(s.p99).toBeCloseTo(4949.01, 9);
    expect(s.max).toBe(4999);
    expect(s.mean).toBe(2499.5);
  });
});
