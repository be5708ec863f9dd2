// A failure mode as a value: what it does to a job it strikes, chosen once per worker when the fleet is built
// and called from one place each (worker-jobs.ts at pop and at the run's start and end, server-queue.ts for
// the detector, worker-outages.ts for a crash's downtime). The built-in modes (§5.4 of the worker's rules:
// hang, crash, slow, fault, late) are modules like a user's own (failure-modes.ts).
import type { z } from "zod";
import type { Distribution } from "../engine/distributions.js";
import type { Rng } from "../engine/random.js";
import type { Request } from "./request.js";
import type { Job, Worker } from "./worker.js";

/** What a failure mode does to the jobs it strikes, for one worker. */
export interface FailureBehaviour {
  /**
   * The worker takes the job but never works on it and never tells the server: from the pop on, the detector's
   * silent deadline applies, and the worker lets go of the job `hold` seconds after the pop (a hang).
   */
  readonly silent: boolean;
  /** At the end of its run the worker reports the job faulted instead of submitting a result. */
  readonly reportsFault: boolean;
  /**
   * At pop, when the mode strikes the job (the probability and the filters have been checked): draws what the
   * job needs (kept in `job.fateParam`, or a factor in `job.slowdown`). Returns false when the job then runs as
   * any other (a slow-down only): its fate stays ok.
   */
  strike(job: Job, worker: Worker, request: Request, now: number): boolean;
  /** Silent modes: seconds after the pop at which the worker lets go of the job (Infinity: never). */
  hold(job: Job): number;
  /** When the run, started at `start` with `work` seconds of work, ends on the worker (start + work: as usual). */
  runEnd(job: Job, start: number, work: number): number;
  /** Seconds into the run at which the worker process dies, losing every job it holds (Infinity: it does not). */
  crashAfter(job: Job, work: number): number;
  /** After a crash this mode caused: seconds the worker stays offline (drawn from the worker's outage stream). */
  downtime(): number;
}

/** What a failure mode may use when it is built for one worker. */
export interface FailureModeContext {
  /** A random stream of the mode's own for this worker (the built-in modes use the worker's job stream). */
  readonly rng: Rng;
  /** The worker's outage stream, for a crash's downtime. */
  readonly outageRng: Rng;
  /** The compiled sampler of a distribution (a constant draws nothing). */
  sampler(d: Distribution): (rng: Rng) => number;
  /** The worker's name. */
  readonly worker: string;
}

/** The parts of a behaviour a mode may leave out, and what they default to. */
export type FailureHooks = Pick<FailureBehaviour, "strike"> & Partial<Omit<FailureBehaviour, "strike">>;

const usual = {
  silent: false,
  reportsFault: false,
  hold: () => Number.POSITIVE_INFINITY,
  runEnd: (_job: Job, start: number, work: number) => start + work,
  crashAfter: () => Number.POSITIVE_INFINITY,
  downtime: () => 0,
} satisfies Omit<FailureBehaviour, "strike">;

/** A mode's hooks with the usual behaviour wherever it says nothing. */
export function completeBehaviour(hooks: FailureHooks): FailureBehaviour {
  return {
    silent: hooks.silent ?? usual.silent,
    reportsFault: hooks.reportsFault ?? usual.reportsFault,
    strike: hooks.strike.bind(hooks),
    hold: hooks.hold?.bind(hooks) ?? usual.hold,
    runEnd: hooks.runEnd?.bind(hooks) ?? usual.runEnd,
    crashAfter: hooks.crashAfter?.bind(hooks) ?? usual.crashAfter,
    downtime: hooks.downtime?.bind(hooks) ?? usual.downtime,
  };
}

/** A failure mode from a module: its name, the schema of its constants, and how to build it for one worker. */
export interface FailureModeModule<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: S;
  create(params: z.output<S>, ctx: FailureModeContext): FailureHooks;
}

export function defineFailureMode<S extends z.ZodType>(mode: FailureModeModule<S>): FailureModeModule<S> {
  return mode;
}
