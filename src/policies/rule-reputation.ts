import { z } from "zod";
import { positiveDuration, positiveInt, probability } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerSettings {
  consecutive: number;
  window: number;
  max_failure_rate: number;
  min_samples: number;
  open_for: number;
}

/**
 * A circuit breaker per worker (Envoy outlier ejection): open after `consecutive` failures in a row, or when
 * the failure rate over the last `window` outcomes (at least `min_samples`) exceeds `max_failure_rate`;
 * after `open_for` one probe job is allowed (half-open): its success closes the breaker, its failure opens it again.
 */
export class Breaker {
  state: BreakerState = "closed";
  openedAt = Number.NaN;
  consecutiveFailures = 0;
  probeOut = false;
  private readonly outcomes: Uint8Array;
  private count = 0;
  private next = 0;
  private failures = 0;

  constructor(private readonly s: BreakerSettings) {
    this.outcomes = new Uint8Array(s.window);
  }

  get samples(): number {
    return this.count;
  }

  get successRate(): number {
    return this.count === 0 ? Number.NaN : 1 - this.failures / this.count;
  }

  /** The wait is over at openedAt + open_for: the breaker is half-open from then on, whether or not anyone asks. */
  refresh(now: number): void {
    if (this.state === "open" && now >= this.openedAt + this.s.open_for) {
      this.state = "half-open";
      this.probeOut = false;
    }
  }

  /** When a pop may happen: now, the end of the wait while open, or never while a probe is out. */
  popAllowedAt(now: number): number {
    this.refresh(now);
    if (this.state === "open") return this.openedAt + this.s.open_for;
    if (this.state === "half-open" && this.probeOut) return Number.POSITIVE_INFINITY;
    return now;
  }

  onPop(): void {
    if (this.state === "half-open") this.probeOut = true;
  }

  record(success: boolean, now: number): void {
    this.refresh(now);
    if (this.count === this.s.window) this.failures -= this.outcomes[this.next];
    else this.count++;
    this.outcomes[this.next] = success ? 0 : 1;
    this.failures += success ? 0 : 1;
    this.next = (this.next + 1) % this.s.window;
    this.consecutiveFailures = success ? 0 : this.consecutiveFailures + 1;
    if (this.state === "half-open") {
      if (success) this.close();
      else this.open(now);
      return;
    }
    if (this.state === "closed" && !success) {
      const rateTrip = this.count >= this.s.min_samples && this.failures / this.count > this.s.max_failure_rate;
      if (this.consecutiveFailures >= this.s.consecutive || rateTrip) this.open(now);
    }
  }

  private open(now: number): void {
    this.state = "open";
    this.openedAt = now;
    this.probeOut = false;
  }

  private close(): void {
    this.state = "closed";
    this.probeOut = false;
    this.consecutiveFailures = 0;
    this.count = 0;
    this.next = 0;
    this.failures = 0;
  }
}

/** Breakers per worker, and re-issued requests only to workers with a good record (BOINC's reliable hosts). */
export const reputationRule = defineRule({
  kind: "reassignment",
  name: "reputation",
  params: z.strictObject({
    consecutive: positiveInt.default(3).describe("Failures in a row that open the breaker (default 3)"),
    window: positiveInt
      .default(20)
      .describe("Jobs: the last this many of the worker make its failure rate (default 20)"),
    max_failure_rate: probability
      .prefault(0.5)
      .describe("Fraction: a failure rate over the window above this opens the breaker (default 0.5)"),
    min_samples: positiveInt.default(5).describe("Jobs in the window before its failure rate counts (default 5)"),
    open_for: positiveDuration
      .prefault(600)
      .describe("Seconds an open breaker keeps the worker out before one probe job (default 600 s)"),
    reissue_min_success: probability
      .prefault(0.8)
      .describe(
        "Fraction: a re-issued request goes only to closed workers with at least this success rate (default 0.8)",
      ),
  }),
  create: (p) => {
    const breakers = new Map<number, Breaker>();
    const breaker = (worker: number): Breaker => {
      let b = breakers.get(worker);
      if (b === undefined) {
        b = new Breaker(p);
        breakers.set(worker, b);
      }
      return b;
    };
    return {
      popAllowedAt: (worker, now) => breaker(worker.id).popAllowedAt(now),
      mayTake(worker, request, now) {
        if (request.failures === 0) return true;
        const b = breaker(worker.id);
        b.refresh(now);
        return b.state === "closed" && (b.samples === 0 || b.successRate >= p.reissue_min_success);
      },
      onPop: (_job, _request, worker) => breaker(worker.id).onPop(),
      onJobEnd: (_job, _request, worker, outcome, now) => breaker(worker.id).record(outcome === "success", now),
    };
  },
});
