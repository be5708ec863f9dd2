// What each arrival of one (arm, replication) finally got, indexed by arrival id: the input of the paired
// per-request estimator (paired-requests.ts). Fed record by record as a run emits them, in any order, in
// typed arrays only (a day of a million requests costs ~14 bytes per request and per arrival, no object each).
//
// An arrival is hit when a failed job (stale abort, reported fault, late discard) hit any of its submissions;
// its latency is what the user finally waited when the chain completed, NaN when it failed or was still open.
// Arrivals submitted in the warm-up are neither hit nor timed, as in every other figure.
import type { AttemptRecord, RequestRecord, UserRecord } from "../horde/record-types.js";
import type { RequestLatencies } from "./paired-requests.js";

const FAILED_ENDS: ReadonlySet<AttemptRecord["end"]> = new Set(["stale_abort", "reported_fault", "late_discarded"]);

/** A typed array that grows to hold any index set, new slots filled with `fill`. */
class Growable<A extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    private data: A,
    private readonly make: (n: number) => A,
    private readonly fill: number,
  ) {
    data.fill(fill);
  }
  set(i: number, x: number): void {
    if (i >= this.data.length) {
      const bigger = this.make(Math.max(i + 1, this.data.length * 2));
      bigger.fill(this.fill, this.data.length);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = x;
    if (i >= this.length) this.length = i + 1;
  }
  get(i: number): number {
    return i < this.length ? this.data[i] : this.fill;
  }
  push(x: number): void {
    this.set(this.length, x);
  }
}

const floats = (n: number) => new Float64Array(n);
const ints = (n: number) => new Int32Array(n);
const bytes = (n: number) => new Uint8Array(n);

export class ArrivalOutcomeAccumulator {
  /** By request id: its arrival id, −1 for a warm-up request or one not seen yet. */
  private readonly arrivalOf = new Growable(ints(1024), ints, -1);
  /** Request ids with a failed job, once per failed job. */
  private readonly failedRequests = new Growable(ints(64), ints, -1);
  /** By arrival id: the user's latency, NaN when not completed. */
  private readonly latency = new Growable(floats(1024), floats, Number.NaN);
  /** By arrival id: 1 for an arrival submitted after the warm-up. */
  private readonly counted = new Growable(bytes(1024), bytes, 0);

  addRequest(r: RequestRecord): void {
    if (!r.warmup) this.arrivalOf.set(r.request_id, r.arrival_id);
  }

  addUser(u: UserRecord): void {
    if (u.warmup) return;
    this.counted.set(u.arrival_id, 1);
    this.latency.set(u.arrival_id, u.outcome === "completed" ? u.latency_s : Number.NaN);
  }

  addAttempt(a: AttemptRecord): void {
    if (FAILED_ENDS.has(a.end)) this.failedRequests.push(a.request_id);
  }

  /** Every arrival id from 0 to the highest seen (an arrival with no user record is neither timed nor hit). */
  finish(): RequestLatencies {
    const n = Math.max(this.latency.length, this.counted.length);
    const latency = new Float64Array(n);
    for (let i = 0; i < n; i++) latency[i] = this.latency.get(i);
    const hit = new Uint8Array(n);
    for (let k = 0; k < this.failedRequests.length; k++) {
      const arrival = this.arrivalOf.get(this.failedRequests.get(k));
      if (arrival >= 0 && arrival < n && this.counted.get(arrival) === 1) hit[arrival] = 1;
    }
    return { latency, hit };
  }
}
