// The stale sweep and the 3 strikes: how the server notices a lost job, and when it gives up on a request.
//
// Rules (docs/model.md):
// - §3.3 the stale checker (horde/database/threads.py: check_waiting_prompts) runs every 60 s plus its run
//   time, on no fixed grid (PrimaryTimedFunction: call, then sleep 60 s); in order: delete expired requests
//   (server-expiry.ts), abort every open job with now − pop > ttl (strict >, §3.1:
//   ProcessingGeneration.is_stale), commit, fault requests with > 2 faulted jobs. It loads every processing
//   generation, so its run time grows with the jobs in flight and the aborts; the aborts are seen (and the
//   requests can be popped again) when it commits, at the end of the run.
// - §3.4 an abort (ProcessingGeneration.abort) marks the job faulted; the stale path then does n += 1
//   unconditionally, and the worker's abort counter moves (maintenance, server-expiry.ts).
// - §1.6 3 strikes: a request with more than max_faulted_jobs (2) faulted jobs is faulted, in the sweep that
//   counted the last one.
// - an arm's detector may replace the sweep's abort: an exact timer or missed heartbeats give each job its
//   own deadline, and strikes are then checked at once.
import { finishRequest } from "./client.js";
import { dropHedgeWant, failedWithLiveTwin } from "./hedge.js";
import type { Request } from "./request.js";
import { countAbortForMaintenance, deleteExpired } from "./server-expiry.js";
import { syncQueue } from "./server-queue.js";
import { closeJob } from "./server-submit.js";
import type { HordeState } from "./state.js";
import type { Job, Worker } from "./worker.js";

/**
 * check_waiting_prompts starts: delete expired requests, then load every open job and find the stale ones
 * (periodic detector). The run takes run_time + per_job·open + per_abort·stale; its aborts and the strikes
 * are committed when it ends (onSweepCommit), and the next run starts `period` after that.
 */
export function onSweep(s: HordeState): void {
  const now = s.sim.now;
  deleteExpired(s, now);
  const open = s.openJobs;
  const stale = s.sweepStale;
  stale.length = 0;
  if (s.policy.detector.periodic) {
    const d = s.deadlines;
    while (d.size > 0 && d.peekTime() < now) {
      d.pop();
      const job = s.jobs[d.a];
      if (job !== undefined && job.end === "open") stale.push(job.id);
    }
  }
  const sweep = s.scenario.server.sweep;
  const run = s.sampler(sweep.run_time)(s.sweepRng) + sweep.per_job * open + sweep.per_abort * stale.length;
  s.sim.schedule(now + run, s.evSweepCommit, 0, 0);
}

/** The run ends: its aborts are committed (a job delivered meanwhile stays delivered), strikes are counted. */
export function onSweepCommit(s: HordeState): void {
  const now = s.sim.now;
  const stale = s.sweepStale;
  for (let i = 0; i < stale.length; i++) {
    const job = s.jobs[stale[i]];
    if (job !== undefined && job.end === "open") abortStale(s, job);
  }
  stale.length = 0;
  for (const r of s.strikeCandidates) checkStrikes(s, r);
  s.strikeCandidates.length = 0;
  s.sim.schedule(now + s.scenario.server.sweep.period, s.evSweep, 0, 0);
}

/** The detector declares the job lost: abort, n += 1 and a strike (unless its hedge twin still runs). */
function abortStale(s: HordeState, job: Job): void {
  const now = s.sim.now;
  const r = s.requests[job.requestId];
  const w = s.workers[job.workerId];
  const covered = failedWithLiveTwin(s, job);
  closeJob(s, job, "stale_abort");
  if (!covered) {
    r.n++;
    r.faultedJobs++;
  }
  w.staleAborts++;
  s.emit("abort", r.id, job.id, w.id);
  afterFailure(s, job, r, w, now);
  syncQueue(s, r);
}

/** A job failed (aborted or reported faulted): the rules learn of it, the worker's abort count, the strikes. */
export function afterFailure(s: HordeState, job: Job, r: Request, w: Worker, now: number): void {
  r.failures++;
  r.addFailedWorker(w.id);
  if (r.hedgeOf === job.id) dropHedgeWant(s, r);
  s.hooks.onJobEnd(job, r, w, "failure", now);
  countAbortForMaintenance(s, w, now);
  if (s.policy.detector.periodic) s.strikeCandidates.push(r);
  else checkStrikes(s, r);
}

function checkStrikes(s: HordeState, r: Request): void {
  if (r.done || r.faulted) return;
  if (r.faultedJobs > s.scenario.server.max_faulted_jobs) {
    r.faulted = true;
    s.emit("request_faulted", r.id, -1, -1);
    finishRequest(s, r, "faulted");
  }
}

/** The detector's deadline for the job; one past the horizon could never run, so it is not even queued. */
export function scheduleDeadline(s: HordeState, job: Job, at: number): void {
  const gen = ++job.deadlineGen;
  if (at <= s.scenario.horizon) s.sim.schedule(at, s.evDeadline, job.id, gen);
}

export function onDeadline(s: HordeState, jid: number, gen: number): void {
  const job = s.jobs[jid];
  if (job === undefined || gen !== job.deadlineGen || job.end !== "open") return;
  abortStale(s, job);
}
