import type { FailureMode, WorkerGroup } from "../scenario/types.js";
import type { FailureBehaviour } from "./failure-mode.js";
import type { AttemptEnd } from "./record-types.js";

/** How a job ended: what its attempt record says. */
export type JobEnd = AttemptEnd;

/** A ProcessingGeneration: one popped attempt at one image. */
export class Job {
  /** The server's view: open until delivered, aborted, faulted, cancelled or deleted with its request. */
  end: JobEnd = "open";
  endedAt = Number.NaN;
  /** The worker's view: it still holds the job (occupies a slot). */
  held = true;
  /** Running on one of the worker's threads. */
  running = false;
  startedAt = Number.NaN;
  /** When the worker stopped working on it (hang from the pop, crash, outage), for heartbeats. */
  silentSince = Number.NaN;
  /** The failure mode that struck the job at pop (null: it runs as usual), drawn from the worker's own stream. */
  fate: FailureBehaviour | null = null;
  /** Slow-down factor of the slow failure mode (1 when it does not strike). */
  slowdown = 1;
  /** Per-job speed variation drawn for this job. */
  jitter = 1;
  /** What the failure mode that struck keeps for the job: fault delay, late delay, hang hold, crash point in [0,1). */
  fateParam = 0;
  /** Generation counter for lazy cancellation of the worker-side events of this job. */
  gen = 0;
  /** Generation counter for the detector's deadline event. */
  deadlineGen = 0;
  /** The other copy when hedged (−1 for none). */
  twin = -1;
  /** Popped after an earlier failure of its request (Karn's rule: no timing sample from it). */
  reissued = false;
  /** GPU-seconds spent on it by its worker. */
  gpuSeconds = 0;

  constructor(
    readonly id: number,
    readonly requestId: number,
    readonly workerId: number,
    readonly attempt: number,
    readonly popped: number,
    readonly ttl: number,
    readonly hedge: boolean,
  ) {}
}

/** A volunteer GPU worker: the client's behaviour and the server's record of it. */
export class Worker {
  readonly failures: FailureMode[];
  /** The behaviour of each of `failures`, in the same order (built with the fleet, failure-modes.ts). */
  readonly modes: FailureBehaviour[] = [];
  /** The crashes scheduled and not yet happened, by time, with the mode that will cause each (worker-outages.ts). */
  readonly crashTimes: number[] = [];
  readonly crashModes: FailureBehaviour[] = [];
  /** Jobs held (popped and not yet dropped by the client). */
  held = 0;
  /** Ids of the jobs held. */
  readonly heldJobs: number[] = [];
  /** Jobs running on a thread. */
  running = 0;
  /** Held jobs waiting for a thread, in pop order. */
  readonly localQueue: number[] = [];
  online = true;
  maintenance = false;
  /** Poll scheduling: generation of the pending poll event (the answer of the pop in flight). */
  pollGen = 0;
  pollPending = false;
  /** When the pending poll is answered. */
  pollAt = Number.NaN;
  /**
   * The time of the worker's last answer: its pop loop sleeps poll_interval after each answer, so while it
   * sends no pop it goes round at anchor + k·poll_interval; while idle, its pops are answered at
   * anchor + k·idlePeriod.
   */
  anchor: number;
  /** Idle: its last pop found nothing and it has a free slot; it pops on every turn of its loop. */
  idle = false;
  /** Asleep (lazy polling): idle, and waits to be woken when something it could take appears. */
  asleep = false;
  /** The request this worker was woken for (lazy polling), −1 for none. */
  covering = -1;
  /** Its last pop hit an error (maintenance 403): pops at least error_poll_interval apart. */
  errorPolling = false;
  /** Failed jobs it knows of since its last success (reGen _consecutive_failed_jobs). */
  consecutiveFailed = 0;
  /** No pop before this (reGen's pause after too many consecutive failed jobs). */
  pausedUntil = Number.NEGATIVE_INFINITY;
  pauses = 0;
  lastModel: string | null = null;
  /** Server-measured speed samples (MPS/s), a ring of the last N. */
  readonly samples: Float64Array;
  sampleCount = 0;
  sampleNext = 0;
  sampleSum = 0;
  /** Tumbling abort window (WorkerTemplate.log_aborted_job). */
  abortWindowStart: number;
  abortsInWindow = 0;
  /** Flapping/crash: generation of the online/offline events. */
  outageGen = 0;

  // Counters for workers.csv
  pops = 0;
  completed = 0;
  staleAborts = 0;
  reportedFaults = 0;
  lateDiscarded = 0;
  maintenanceEntries = 0;
  busySeconds = 0;
  wastedSeconds = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly group: WorkerGroup,
    /** Base speed in MPS/s, drawn once. */
    readonly speed: number,
    /** The first answer of its loop, in [−idlePeriod, 0): where its loop stands when the run starts. */
    anchor: number,
    /** The round trip of an idle worker's empty pop: the mean of the group's pop_round_trip. */
    readonly idleRoundTrip: number,
    sampleLimit: number,
    /** The group's failure modes this worker has (a mode's share may leave some workers out). */
    failures: FailureMode[] = group.failures,
  ) {
    this.failures = failures;
    this.anchor = anchor;
    const sleep = group.poll_interval;
    const least = group.error_poll_interval;
    this.normalIdlePeriod = sleep + idleRoundTrip;
    this.errorIdlePeriod =
      sleep <= 0
        ? Math.max(idleRoundTrip, least)
        : idleRoundTrip + sleep * Math.max(1, Math.ceil((least - idleRoundTrip) / sleep - 1e-9));
    this.samples = new Float64Array(Math.max(1, sampleLimit));
    this.abortWindowStart = 0;
  }

  get slots(): number {
    return this.group.slots;
  }

  /**
   * Seconds between the answers of an idle worker's pops: the loop's sleep plus the round trip, or after an
   * error the first turn of the loop at least error_poll_interval after the last send.
   */
  get idlePeriod(): number {
    return this.errorPolling ? this.errorIdlePeriod : this.normalIdlePeriod;
  }

  /** Idle pops, normally: the loop's sleep plus the round trip. */
  readonly normalIdlePeriod: number;
  /** Idle pops after an error: the first turn at least error_poll_interval after the send, plus the round trip. */
  readonly errorIdlePeriod: number;

  /** The server's measured speed: mean of the last samples, or the baseline when there are none. */
  measuredSpeed(baseline: number): number {
    return this.sampleCount === 0 ? baseline : this.sampleSum / this.sampleCount;
  }

  recordSpeed(sample: number): void {
    const cap = this.samples.length;
    if (this.sampleCount === cap) this.sampleSum -= this.samples[this.sampleNext];
    else this.sampleCount++;
    this.samples[this.sampleNext] = sample;
    this.sampleSum += sample;
    this.sampleNext = (this.sampleNext + 1) % cap;
  }

  /**
   * The answer of the idle worker's next pop at or after t (strictly after t when `strict`: it was just
   * answered); never the anchor itself, which was answered already.
   */
  nextIdleTick(t: number, strict: boolean): number {
    const period = this.idlePeriod;
    if (period <= 0) return t;
    return firstOnGrid(this.anchor, period, t, strict);
  }

  /** The first turn of the pop loop at or after t (after its anchor's sleep). */
  nextTurn(t: number): number {
    const sleep = this.group.poll_interval;
    if (sleep <= 0) return Math.max(t, this.anchor);
    return firstOnGrid(this.anchor, sleep, t, false);
  }

  /** It stops being idle at t: its loop is anchored at the last answer of its idle pops. */
  wake(t: number): void {
    if (!this.idle) return;
    this.idle = false;
    const period = this.idlePeriod;
    if (period > 0 && t > this.anchor) this.anchor += Math.floor((t - this.anchor) / period) * period;
  }
}

/**
 * anchor + k·step for the smallest k ≥ 1 that is at or after t (strictly after when `strict`), as computed in
 * floating point: the division only guesses k, the comparisons settle it, so every path to the same grid
 * point (a naive poll stepping along, a sleeper woken at that very instant) finds the same number.
 */
function firstOnGrid(anchor: number, step: number, t: number, strict: boolean): number {
  let k = Math.max(1, Math.ceil((t - anchor) / step));
  if (strict) {
    while (k > 1 && anchor + (k - 1) * step > t) k--;
    while (!(anchor + k * step > t)) k++;
  } else {
    while (k > 1 && anchor + (k - 1) * step >= t) k--;
    while (!(anchor + k * step >= t)) k++;
  }
  return anchor + k * step;
}
