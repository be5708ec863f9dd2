import type { FailureMode, WorkerGroup } from "../scenario/types.js";
import type { AttemptEnd } from "./record-types.js";

/** How a job ended: what its attempt record says. */
export type JobEnd = AttemptEnd;

/** What will happen to a job on its worker, decided at pop from the worker's own random stream. */
export type Fate = "ok" | "hang" | "crash" | "fault" | "late";

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
  fate: Fate = "ok";
  /** Slow-down factor of the slow failure mode (1 when it does not strike). */
  slowdown = 1;
  /** Per-job speed variation drawn for this job. */
  jitter = 1;
  /** Fate parameter: fault delay, late delay, hang hold, crash point in [0,1). */
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
  /** Poll scheduling: generation of the pending poll event, or −1 when none is pending. */
  pollGen = 0;
  pollPending = false;
  /** When the pending poll happens. */
  pollAt = Number.NaN;
  /** Asleep: has a free slot, found nothing, waits to be woken when something it could take appears. */
  asleep = false;
  /** The request this worker was woken for (lazy polling), −1 for none. */
  covering = -1;
  /** Time of the last poll that hit an error (maintenance 403): polls go on the error interval. */
  errorPolling = false;
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
    /** Poll phase in [0, poll_interval). */
    readonly phase: number,
    sampleLimit: number,
    /** The group's failure modes this worker has (a mode's share may leave some workers out). */
    failures: FailureMode[] = group.failures,
  ) {
    this.failures = failures;
    this.samples = new Float64Array(Math.max(1, sampleLimit));
    this.abortWindowStart = 0;
  }

  get slots(): number {
    return this.group.slots;
  }

  get pollInterval(): number {
    return this.errorPolling ? this.group.error_poll_interval : this.group.poll_interval;
  }

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
   * The first poll tick at or after t on this worker's own grid (strictly after t when `strict`: the worker
   * just polled). With instant polling the tick is t itself.
   */
  nextTick(t: number, strict: boolean): number {
    const interval = this.pollInterval;
    if (interval <= 0) return t;
    let tick = this.phase + Math.ceil((t - this.phase) / interval) * interval;
    if (tick < t) tick += interval;
    if (strict && tick <= t) tick += interval;
    return tick;
  }
}
