// The seam between the Horde model and the policies: what a rule may see and decide. The model defines it
// and calls it; the rules of src/policies/ implement it, and the experiment hands the model an arm's rules
// (HordeModel never imports a policy).
import type { Rng } from "../engine/random.js";
import type { ServerConfig } from "../scenario/types.js";
import type { Request } from "./request.js";
import type { Job, Worker } from "./worker.js";

/** What a rule may read of the model besides the entities it is handed. */
export interface PolicyContext {
  readonly server: ServerConfig;
  /** Median server-measured speed (MPS/s) of the workers that have samples; the baseline when none has. */
  fleetMedianSpeed(now: number): number;
  /** A random stream of the policy's own, so that it never shifts anyone else's. */
  stream(name: string): Rng;
}

/** How long a job may run before it counts as lost. */
export interface TimeoutRule {
  ttl(request: Request, worker: Worker, now: number): number;
  /** A job was delivered `elapsed` seconds after its pop. */
  onDelivered?(job: Job, request: Request, elapsed: number): void;
}

/**
 * How the server notices a lost job.
 * - `periodic`: stale jobs are aborted by the server's sweep (every period plus its run time);
 *   the 3-strikes check runs in the same sweep.
 * - otherwise `deadline` gives the exact instant the job is declared lost, and `silentDeadline`
 *   the instant when the worker stopped working on it at `silentSince` (hang, crash, outage).
 */
export interface Detector {
  readonly periodic: boolean;
  deadline(job: Job): number;
  silentDeadline(job: Job, silentSince: number): number;
}

export type JobOutcome = "success" | "failure";

/** Which worker may take which request, and when a worker may pop at all. */
export interface ReassignmentRule {
  /** The earliest time ≥ now at which the worker may pop (now when it may pop now). */
  popAllowedAt?(worker: Worker, now: number): number;
  /** May this worker take a job of this request? */
  mayTake?(worker: Worker, request: Request, now: number): boolean;
  onPop?(job: Job, request: Request, worker: Worker, now: number): void;
  /** A job ended on its worker: delivered (success) or aborted, faulted, discarded (failure). */
  onJobEnd?(job: Job, request: Request, worker: Worker, outcome: JobOutcome, now: number): void;
  /** Seconds after the pop at which a duplicate of this job should be issued (Infinity: never). */
  hedgeDelay?(job: Job, request: Request, worker: Worker, now: number): number;
  /** May a duplicate be issued now (the cap on extra work)? */
  mayHedge?(jobsIssued: number, hedgesIssued: number): boolean;
}

export interface Policy {
  readonly name: string;
  readonly timeout: TimeoutRule;
  readonly detector: Detector;
  readonly rules: ReassignmentRule[];
  readonly maintenance: boolean;
}
