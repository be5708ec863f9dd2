// A job's end reaching the server: a result submitted, a fault reported, and the request's completion.
//
// Rules (docs/model.md):
// - §3.6 a result for a job already aborted (or deleted with its request, or cancelled) is refused
//   (set_generation's compare-and-set; AbortedGen); a late one counts as discarded.
// - §4.1 a delivery records a speed sample: MPS / (submit − pop) (stats.py: record_fulfilment), and refreshes
//   the request's expiry to max(expiry, now + 20 min) (§1.3, record_usage); it counts in the last minute's
//   delivered MPS (stats.py: get_things_per_min, delivered-window.ts).
// - §3.5 a reported fault (ImageProcessingGeneration._set_generation_inner) re-queues only while
//   finished < jobs, faults counting as finished (guard of eabea97d), then aborts the job (§3.4).
// - §1.5 completion (WaitingPrompt.is_completed): n = 0 and finished − processing ≥ jobs; a request closed
//   with fewer images than asked counts as faulted for the user (an assumption: the server says done).
import { finishRequest } from "./client.js";
import { cancelTwin, dropHedgeWant, failedWithLiveTwin } from "./hedge.js";
import { emitAttempt } from "./records.js";
import type { Request } from "./request.js";
import { freeJob } from "./retention.js";
import { syncQueue } from "./server-queue.js";
import { afterFailure } from "./server-sweep.js";
import type { HordeState } from "./state.js";
import type { Job } from "./worker.js";

/** The worker submits the job's result. */
export function submitResult(s: HordeState, job: Job): void {
  const now = s.sim.now;
  const r = s.requests[job.requestId];
  const w = s.workers[job.workerId];
  if (job.end !== "open") {
    // Aborted, deleted or cancelled already: the server refuses the late result.
    if (job.end === "stale_abort") {
      job.end = "late_discarded";
      w.lateDiscarded++;
    }
    s.emit("discard", r.id, job.id, w.id);
    return;
  }
  closeJob(s, job, "completed");
  r.completedJobs++;
  if (s.sampling) s.delivered.add(now, r.mps);
  w.completed++;
  const elapsed = now - job.popped;
  if (elapsed > 0) w.recordSpeed(r.mps / elapsed);
  s.hooks.onDelivered(job, r, w, elapsed, now);
  r.expiry = Math.max(r.expiry, now + s.scenario.server.expiry.normal);
  s.emit("deliver", r.id, job.id, w.id);
  if (job.twin >= 0) cancelTwin(s, job);
  if (r.hedgeOf === job.id) dropHedgeWant(s, r);
  checkCompleted(s, r);
  syncQueue(s, r);
}

/** The worker reports the job faulted. */
export function reportFault(s: HordeState, job: Job): void {
  const now = s.sim.now;
  const r = s.requests[job.requestId];
  const w = s.workers[job.workerId];
  if (job.end !== "open") {
    s.emit("discard", r.id, job.id, w.id);
    return;
  }
  const covered = failedWithLiveTwin(s, job);
  // ImageProcessingGeneration._set_generation_inner: re-queue only while finished < jobs (eabea97d).
  if (!covered && r.completedJobs + r.faultedJobs < r.jobs) r.n++;
  closeJob(s, job, "reported_fault");
  if (!covered) r.faultedJobs++;
  w.reportedFaults++;
  afterFailure(s, job, r, w, now);
  s.emit("fault", r.id, job.id, w.id);
  checkCompleted(s, r);
  syncQueue(s, r);
}

/** Ends the server's side of a job. */
export function closeJob(s: HordeState, job: Job, end: Job["end"]): void {
  job.end = end;
  job.endedAt = s.sim.now;
  job.deadlineGen++;
  s.openJobs--;
  const r = s.requests[job.requestId];
  r.processingJobs--;
  if (!job.held) {
    emitAttempt(s, job);
    freeJob(s, job);
  }
}

/** WaitingPrompt.is_completed, once nothing is left to hand out. */
export function checkCompleted(s: HordeState, r: Request): void {
  if (r.done || r.faulted || r.n > 0 || r.hedgesWanted > 0) return;
  if (r.completedJobs + r.faultedJobs - r.processingJobs >= r.jobs) {
    // Fewer images than asked (worker-reported faults past the guard) is a failure for the user.
    const outcome = r.completedJobs >= r.jobs ? "completed" : "faulted";
    if (outcome === "completed") s.emit("request_completed", r.id, -1, -1);
    finishRequest(s, r, outcome);
  }
}
