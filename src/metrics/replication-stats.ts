import { max, mean, quantileSorted, quickselect } from "simple-statistics";
import type { AttemptRecord, RequestRecord, UserRecord } from "../horde/record-types.js";
import type { LoadStats } from "./load-stats.js";

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One arm, one replication, requests submitted after the warm-up only. NaN where there is nothing to measure. */
export interface ReplicationStats {
  requests: number;
  completed: number;
  faulted: number;
  expired: number;
  /** The user gave up and the client cancelled the request (a failure). */
  abandoned: number;
  open: number;
  /** completed / (completed + faulted + expired + abandoned); open requests left out. */
  success_rate: number;
  /** Submit-to-done seconds over completed requests. */
  latency: LatencyStats;
  /** Mean submit-to-end seconds of faulted, expired and abandoned requests. */
  time_to_failure_s: number;
  /** Mean jobs per ended request. */
  attempts_per_request: number;
  /** GPU-seconds spent on jobs whose result was not used. */
  wasted_gpu_s: number;
  /** Duplicate jobs issued by the hedge rule. */
  hedges: number;
  /** Requests with at least one failed job (stale abort, reported fault, late discard). */
  affected: number;
  /** Mean submit-to-end seconds of the affected requests that ended (a failed one counts its time to failure). */
  affected_latency_s: number;
  /** Users whose final outcome is known (completed, faulted or expired), and those of them who finally failed. */
  users: number;
  users_failed: number;
  /** Users whose final outcome is completed, of those whose final outcome is known. */
  user_success_rate: number;
  /** What users finally waited for their images, across resubmissions. */
  user_latency: LatencyStats;
  /** Mean seconds until a user's request chain finally failed (faulted or expired). */
  user_failure_latency_s: number;
  /** Queue wait vs processing, MPS/s delivered and wasted, who waits (absent where a run did not measure it). */
  load?: LoadStats;
}

const NAN_LATENCY: Readonly<LatencyStats> = {
  mean: Number.NaN,
  p50: Number.NaN,
  p90: Number.NaN,
  p99: Number.NaN,
  max: Number.NaN,
};

/** simple-statistics only reads `length` and indices, which a Float64Array has. */
const asArray = (xs: Float64Array) => xs as unknown as number[];

/** Below this many values a sort costs nothing worth saving. */
const SELECT_FROM = 64;

/**
 * quantileSorted(sorted, p) for each p (descending), without sorting: each order statistic the quantile needs
 * is selected (Floyd–Rivest) from the part of the copy below the one selected before. A run's latencies are
 * millions of values; this measured about 6× faster than sorting them.
 */
function quantilesDescending(values: Float64Array, ps: readonly number[]): number[] {
  const x = Float64Array.from(values);
  const n = x.length;
  if (n < SELECT_FROM) {
    x.sort();
    return ps.map((p) => quantileSorted(asArray(x), p));
  }
  // x[0..right] holds the right + 1 smallest values, in no order; x[known] is order statistic `known`
  let right = n - 1;
  let known = n;
  const at = (k: number): number => {
    if (k === known) return x[k];
    if (k > known) throw new Error("quantilesDescending: quantiles out of order");
    quickselect(asArray(x), k, 0, right);
    known = k;
    right = k - 1;
    return x[k];
  };
  return ps.map((p) => {
    // the cases of simple-statistics' quantileSorted (numpy's linear method)
    const idx = (n - 1) * p;
    if (p === 1) return at(n - 1);
    if (p === 0) return at(0);
    if (idx % 1 === 0) return at(idx);
    const lower = Math.floor(idx);
    const upper = at(Math.ceil(idx));
    const below = at(lower);
    return below + (idx - lower) * (upper - below);
  });
}

export function latencyStats(values: Float64Array): LatencyStats {
  if (values.length === 0) return { ...NAN_LATENCY };
  const [p99, p90, p50] = quantilesDescending(values, [0.99, 0.9, 0.5]);
  return { mean: mean(asArray(values)), p50, p90, p99, max: max(asArray(values)) };
}

/** A growable list of numbers without an object per element. */
export class Float64List {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

const add = (m: Map<number, number>, id: number, x: number) => m.set(id, (m.get(id) ?? 0) + x);

/**
 * Fed record by record as a run emits them, in any order. Warm-up requests (and users) are left out.
 * Attempt records carry only a request id, and a request's attempts may be emitted before or after its own
 * record, so attempt figures are kept per request id (only for attempts that wasted GPU time, were hedges or
 * failed) and resolved at finish() against the warm-up ids seen by addRequest. An attempt whose request
 * record never arrived counts as outside the warm-up.
 */
export class ReplicationAccumulator {
  private requests = 0;
  private completed = 0;
  private faulted = 0;
  private expired = 0;
  private abandoned = 0;
  private open = 0;
  private attempts = 0;
  private failureTimeSum = 0;
  private readonly latencies = new Float64List();
  private readonly userLatencies = new Float64List();
  private usersEnded = 0;
  private usersCompleted = 0;
  private userFailures = 0;
  private userFailureTimeSum = 0;
  private readonly warmupIds = new Set<number>();
  /** Latency of each ended request by request id (ids are dense within a replication); NaN where none. */
  private endedLatency = new Float64Array(1024).fill(Number.NaN);
  private readonly wastedByRequest = new Map<number, number>();
  private readonly hedgesByRequest = new Map<number, number>();
  private readonly affectedIds = new Set<number>();

  addRequest(r: RequestRecord): void {
    if (r.warmup) {
      this.warmupIds.add(r.request_id);
      return;
    }
    this.requests++;
    if (r.outcome === "open") {
      this.open++;
      return;
    }
    this.attempts += r.attempts;
    this.setEndedLatency(r.request_id, r.latency_s);
    if (r.outcome === "completed") {
      this.completed++;
      this.latencies.push(r.latency_s);
    } else {
      if (r.outcome === "faulted") this.faulted++;
      else if (r.outcome === "abandoned") this.abandoned++;
      else this.expired++;
      this.failureTimeSum += r.latency_s;
    }
  }

  private setEndedLatency(id: number, latency: number): void {
    if (!Number.isInteger(id) || id < 0) return;
    if (id >= this.endedLatency.length) {
      const bigger = new Float64Array(Math.max(id + 1, this.endedLatency.length * 2)).fill(Number.NaN);
      bigger.set(this.endedLatency);
      this.endedLatency = bigger;
    }
    this.endedLatency[id] = latency;
  }

  addUser(u: UserRecord): void {
    if (u.warmup || u.outcome === "open") return;
    this.usersEnded++;
    if (u.outcome === "completed") {
      this.usersCompleted++;
      this.userLatencies.push(u.latency_s);
    } else {
      this.userFailures++;
      this.userFailureTimeSum += u.latency_s;
    }
  }

  addAttempt(a: AttemptRecord): void {
    if (a.wasted_gpu_s > 0) add(this.wastedByRequest, a.request_id, a.wasted_gpu_s);
    if (a.hedge) add(this.hedgesByRequest, a.request_id, 1);
    if (a.end === "stale_abort" || a.end === "reported_fault" || a.end === "late_discarded") {
      this.affectedIds.add(a.request_id);
    }
  }

  finish(): ReplicationStats {
    const warm = this.warmupIds;
    const failures = this.faulted + this.expired + this.abandoned;
    const ended = this.completed + failures;
    let wasted = 0;
    for (const [id, w] of this.wastedByRequest) if (!warm.has(id)) wasted += w;
    let hedges = 0;
    for (const [id, h] of this.hedgesByRequest) if (!warm.has(id)) hedges += h;
    let affected = 0;
    let affectedEnded = 0;
    let affectedLatencySum = 0;
    for (const id of this.affectedIds) {
      if (warm.has(id)) continue;
      affected++;
      const l = id >= 0 && id < this.endedLatency.length ? this.endedLatency[id] : Number.NaN;
      if (!Number.isNaN(l)) {
        affectedEnded++;
        affectedLatencySum += l;
      }
    }
    return {
      requests: this.requests,
      completed: this.completed,
      faulted: this.faulted,
      expired: this.expired,
      abandoned: this.abandoned,
      open: this.open,
      success_rate: ended === 0 ? Number.NaN : this.completed / ended,
      latency: latencyStats(this.latencies.view()),
      time_to_failure_s: failures === 0 ? Number.NaN : this.failureTimeSum / failures,
      attempts_per_request: ended === 0 ? Number.NaN : this.attempts / ended,
      wasted_gpu_s: wasted,
      hedges,
      affected,
      affected_latency_s: affectedEnded === 0 ? Number.NaN : affectedLatencySum / affectedEnded,
      users: this.usersEnded,
      users_failed: this.userFailures,
      user_success_rate: this.usersEnded === 0 ? Number.NaN : this.usersCompleted / this.usersEnded,
      user_latency: latencyStats(this.userLatencies.view()),
      user_failure_latency_s: this.userFailures === 0 ? Number.NaN : this.userFailureTimeSum / this.userFailures,
    };
  }
}
