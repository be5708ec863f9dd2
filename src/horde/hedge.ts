// Hedged requests (an arm's rule, not the real Horde's: Dean & Barroso, "The Tail at Scale"): when a job
// runs past the rule's delay, the request becomes poppable for one copy on another worker; the first result
// wins and the other copy is cancelled. A failed copy whose twin still runs costs no re-queue and no strike.
import type { Request } from "./request.js";
import { syncQueue } from "./server-queue.js";
import { closeJob } from "./server-submit.js";
import type { HordeState } from "./state.js";
import type { Job, Worker } from "./worker.js";
import { dropJob } from "./worker-jobs.js";

/** At pop: the earliest hedge delay the arm's rules ask for, if any. */
export function scheduleHedge(s: HordeState, job: Job, r: Request, w: Worker, now: number): void {
  const delay = s.hooks.hedgeDelay(job, r, w, now);
  if (Number.isFinite(delay)) s.sim.schedule(now + delay, s.evHedge, job.id, job.gen);
}

export function onHedge(s: HordeState, jid: number, gen: number): void {
  const job = s.jobs[jid];
  if (job === undefined || gen !== job.gen || job.end !== "open" || job.twin >= 0) return;
  const r = s.requests[job.requestId];
  if (r.done || r.faulted || r.deleted || r.hedgesWanted > 0) return;
  if (!s.hooks.mayHedge(s.jobsIssued, s.hedgesIssued)) return;
  r.hedgesWanted = 1;
  s.hedgesIssued++;
  r.hedgeOf = job.id;
  syncQueue(s, r);
}

/** The job a wanted copy would duplicate has ended before anyone popped the copy. */
export function dropHedgeWant(s: HordeState, r: Request): void {
  if (r.hedgesWanted > 0) s.hedgesIssued -= r.hedgesWanted;
  r.hedgesWanted = 0;
}

/** The job delivered: its twin is cancelled (its worker lets go of it at once). */
export function cancelTwin(s: HordeState, job: Job): void {
  const twin = s.jobs[job.twin];
  job.twin = -1;
  twin.twin = -1;
  if (twin.end !== "open") return;
  closeJob(s, twin, "cancelled");
  s.emit("cancel", twin.requestId, twin.id, twin.workerId);
  if (twin.held) dropJob(s, twin, s.workers[twin.workerId]);
}

/** A failed copy whose twin is still running: the twin carries the image, no requeue and no strike. */
export function failedWithLiveTwin(s: HordeState, job: Job): boolean {
  if (job.twin < 0) return false;
  const twin = s.jobs[job.twin];
  job.twin = -1;
  twin.twin = -1;
  return twin.end === "open";
}
