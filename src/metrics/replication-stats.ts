import { max, mean, quantileSorted } from "simple-statistics";
import type { AttemptRecord, RequestRecord, UserRecord } from "./records.js";

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One arm, one replication, requests submitted after the warm-up only. */
export interface ReplicationStats {
  requests: number;
  completed: number;
  faulted: number;
  expired: number;
  open: number;
  /** completed / (completed + faulted + expired); NaN when none ended. */
  success_rate: number;
  /** Over completed requests. */
  latency: LatencyStats;
  /** Mean submit-to-failure time of faulted and expired requests. */
  time_to_failure_s: number;
  attempts_per_request: number;
  /** GPU-seconds spent on jobs whose result was not used. */
  wasted_gpu_s: number;
  /** Duplicate jobs issued by the hedge rule. */
  hedges: number;
  /** Requests with at least one failed job (aborted, faulted, discarded). */
  affected: number;
  /** Mean submit-to-end time of the affected requests that ended. */
  affected_latency_s: number;
  user_success_rate: number;
  /** What users finally waited for their images, across resubmissions. */
  user_latency: LatencyStats;
}

const NAN_LATENCY: LatencyStats = { mean: Number.NaN, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };

function latencyStats(values: Float64Array): LatencyStats {
  if (values.length === 0) return NAN_LATENCY;
  const sorted = Array.from(values).sort((a, b) => a - b);
  return {
    mean: mean(sorted),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    max: max(sorted),
  };
}

/** A growable list of numbers without an object per element. */
class Numbers {
  private data = new Float64Array(1024);
  length = 0;
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

/**
 * Fed record by record as a run emits them. Attempts arrive before the record of their request, so
 * attempt figures are kept per request id and resolved against the warm-up set at the end.
 */
export class ReplicationAccumulator {
  private requests = 0;
  private completed = 0;
  private faulted = 0;
  private expired = 0;
  private open = 0;
  private attempts = 0;
  private failureTimes = 0;
  private failureCount = 0;
  private readonly latencies = new Numbers();
  private readonly userLatencies = new Numbers();
  private usersEnded = 0;
  private usersCompleted = 0;
  private readonly warmupIds = new Set<number>();
  private readonly endedLatency = new Map<number, number>();
  private readonly wastedByRequest = new Map<number, number>();
  private readonly affectedIds = new Set<number>();
  private readonly hedgesByRequest = new Map<number, number>();

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
    this.endedLatency.set(r.request_id, r.latency_s);
    if (r.outcome === "completed") {
      this.completed++;
      this.latencies.push(r.latency_s);
    } else {
      if (r.outcome === "faulted") this.faulted++;
      else this.expired++;
      this.failureTimes += r.latency_s;
      this.failureCount++;
    }
  }

  addUser(u: UserRecord): void {
    if (u.warmup) return;
    if (u.outcome === "open") return;
    this.usersEnded++;
    if (u.outcome === "completed") {
      this.usersCompleted++;
      this.userLatencies.push(u.latency_s);
    }
  }

  addAttempt(a: AttemptRecord): void {
    if (a.wasted_gpu_s > 0) this.wastedByRequest.set(a.request_id, (this.wastedByRequest.get(a.request_id) ?? 0) + a.wasted_gpu_s);
    if (a.end === "stale_abort" || a.end === "reported_fault" || a.end === "late_discarded") this.affectedIds.add(a.request_id);
    if (a.hedge) this.hedgesByRequest.set(a.request_id, (this.hedgesByRequest.get(a.request_id) ?? 0) + 1);
  }

  finish(): ReplicationStats {
    const ended = this.completed + this.faulted + this.expired;
    let wasted = 0;
    for (const [id, w] of this.wastedByRequest) if (!this.warmupIds.has(id)) wasted += w;
    let hedges = 0;
    for (const [id, h] of this.hedgesByRequest) if (!this.warmupIds.has(id)) hedges += h;
    let affected = 0;
    let affectedEnded = 0;
    let affectedLatency = 0;
    for (const id of this.affectedIds) {
      if (this.warmupIds.has(id)) continue;
      affected++;
      const l = this.endedLatency.get(id);
      if (l !== undefined) {
        affectedEnded++;
        affectedLatency += l;
      }
    }
    return {
      requests: this.requests,
      completed: this.completed,
      faulted: this.faulted,
      expired: this.expired,
      open: this.open,
      success_rate: ended === 0 ? Number.NaN : this.completed / ended,
      latency: latencyStats(this.latencies.view()),
      time_to_failure_s: this.failureCount === 0 ? Number.NaN : this.failureTimes / this.failureCount,
      attempts_per_request: ended === 0 ? Number.NaN : this.attempts / ended,
      wasted_gpu_s: wasted,
      hedges,
      affected,
      affected_latency_s: affectedEnded === 0 ? Number.NaN : affectedLatency / affectedEnded,
      user_success_rate: this.usersEnded === 0 ? Number.NaN : this.usersCompleted / this.usersEnded,
      user_latency: latencyStats(this.userLatencies.view()),
    };
  }
}
