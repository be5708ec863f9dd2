import type { RequestTemplate } from "../scenario/types.js";

/** Samplers the Horde counts twice (horde/consts.py: SECOND_ORDER_SAMPLERS). */
export const SECOND_ORDER_SAMPLERS: ReadonlySet<string> = new Set([
  "k_heun",
  "k_dpm_2",
  "k_dpm_2_a",
  "k_dpmpp_2s_a",
  "k_dpmpp_sde",
]);

/** ImageWaitingPrompt.get_accurate_steps. */
export function accurateSteps(steps: number, sampler: string): number {
  if (sampler === "k_dpm_adaptive") return 40;
  if (SECOND_ORDER_SAMPLERS.has(sampler)) return steps * 2;
  return steps;
}

/** Megapixel-steps of one image: width × height × accurate steps / 1e6. */
export function megapixelSteps(width: number, height: number, steps: number, sampler: string): number {
  return (width * height * accurateSteps(steps, sampler)) / 1e6;
}

/** Shared by every request no worker has failed yet (most of them): no array per request. */
const NO_WORKERS: readonly number[] = [];

/** A WaitingPrompt: one user request for `jobs` images. */
export class Request {
  /** Images still to hand out (the Horde's `n`). */
  n: number;
  /** Images asked for (the Horde's `jobs`; a cancel sets it to the finished ones). */
  jobs: number;
  readonly mps: number;
  /** Priority accumulated before the current waiting spell (extra_priority minus the aging of this spell). */
  accumulated: number;
  /** Static sort key while waiting: accumulated − increment × (aging ticks before the spell began). */
  key = 0;
  /** Ages while waiting (n > 0 when the spell began); a hedge-only spell does not. */
  aging = false;
  /** The waiting queue's part it is in (waiting-queue.ts), while it waits. */
  part = -1;
  /** Index in its part of the waiting queue, −1 when not in it. */
  queueIndex = -1;
  expiry: number;
  completedJobs = 0;
  faultedJobs = 0;
  processingJobs = 0;
  /** Hedge copies wanted: the request is poppable for a duplicate although n = 0. */
  hedgesWanted = 0;
  attempts = 0;
  faulted = false;
  deleted = false;
  done = false;
  doneAt = Number.NaN;
  outcome: "completed" | "faulted" | "expired" | "abandoned" | "open" = "open";
  /** When the user gives up (originSubmitted + patience), +∞ for never. */
  giveUpAt = Number.POSITIVE_INFINITY;
  /** When its first job was popped, NaN before. */
  firstPopAt = Number.NaN;
  /** The first job popped for this request, −1 for none. */
  firstJob = -1;
  /** The jobs popped after the first, in order (null until there is a second: most requests have one). */
  laterJobs: number[] | null = null;
  /** The job a wanted hedge copy duplicates, −1 for none. */
  hedgeOf = -1;
  /** Workers that failed a job of this request (for exclude-failed and the trace). */
  failedWorkers: readonly number[] = NO_WORKERS;
  /** Failed attempts so far, for the adaptive timeout's doubling. */
  failures = 0;
  /** The worker currently woken on this request's behalf (lazy polling), −1 for none. */
  coveredBy = -1;
  /** Jobs of this request the model still holds (not both ended on the server and let go by their worker). */
  liveJobs = 0;
  /** When the origin request (the user's first submission) was submitted. */
  readonly originSubmitted: number;
  /** Its arrival's number in arrival order over all streams; a resubmission keeps its origin's. */
  arrival = -1;
  /** A resubmission of this request is scheduled (the client's retry reads it when it fires). */
  resubmitPending = false;
  /** The user class its arrival drew ("default" when its stream names none). */
  userClass = "default";
  /** The requester's kudos: the initial priority. */
  readonly kudos: number;
  /** Seconds spent waiting in the queue with images left to hand out, over the spells that have ended. */
  waited = 0;
  /** When the current waiting spell began, NaN when not waiting. */
  waitingSince = Number.NaN;

  constructor(
    readonly id: number,
    readonly template: RequestTemplate,
    readonly stream: string,
    readonly submitted: number,
    readonly originId: number,
    readonly resubmission: number,
    expiry: number,
    /** When the origin request (the user's first submission) was submitted; this one's time by default. */
    originSubmitted?: number,
    /** The requester's kudos; the template's by default. */
    kudos?: number,
  ) {
    this.originSubmitted = originSubmitted ?? submitted;
    this.n = template.n;
    this.jobs = template.n;
    this.mps = megapixelSteps(template.width, template.height, template.steps, template.sampler);
    this.kudos = kudos ?? template.kudos;
    this.accumulated = this.kudos;
    this.expiry = expiry;
  }

  /** Every job popped for this request, in order. */
  jobIds(): number[] {
    if (this.firstJob < 0) return [];
    return this.laterJobs === null ? [this.firstJob] : [this.firstJob, ...this.laterJobs];
  }

  addJob(id: number): void {
    if (this.firstJob < 0) this.firstJob = id;
    else if (this.laterJobs === null) this.laterJobs = [id];
    else this.laterJobs.push(id);
  }

  addFailedWorker(id: number): void {
    if (this.failedWorkers === NO_WORKERS) this.failedWorkers = [id];
    else if (!this.failedWorkers.includes(id)) (this.failedWorkers as number[]).push(id);
  }

  get pixels(): number {
    return this.template.width * this.template.height;
  }

  /** Poppable: something left to hand out and not closed. */
  get poppable(): boolean {
    return (this.n > 0 || this.hedgesWanted > 0) && !this.faulted && !this.deleted && !this.done;
  }
}
