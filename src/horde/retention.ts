// Letting go of ended entities, so that a day of a million requests holds only the few hundred still alive.
// A request is let go once it has ended, its record is out, its jobs are let go and no resubmission still has
// to read it; a job once it has ended on the server, its worker has dropped it and its record is out. Their
// slots in `requests` / `jobs` are emptied at the start of the next event, so an observer told of an event
// always finds the entities it names. With `retain`, nothing is let go.

import type { Request } from "./request.js";
import type { HordeState } from "./state.js";
import type { Job } from "./worker.js";

/** The job has ended on the server, its worker has let go of it and its record is out. */
export function freeJob(s: HordeState, job: Job): void {
  const r = s.requests[job.requestId];
  r.liveJobs--;
  if (s.retain) return;
  s.freedJobs[s.freedJobCount++] = job.id;
  maybeFree(s, r);
}

/** Lets go of the request if nothing can refer to it any more. */
export function maybeFree(s: HordeState, r: Request): void {
  if (s.retain || !r.done || r.liveJobs > 0 || r.resubmitPending) return;
  s.freedRequests[s.freedRequestCount++] = r.id;
}

/** Empties the slots of the entities let go during the last event. */
export function collect(s: HordeState): void {
  const requests = s.requests as (Request | undefined)[];
  const jobs = s.jobs as (Job | undefined)[];
  for (let i = 0; i < s.freedJobCount; i++) {
    const id = s.freedJobs[i];
    if (jobs[id] === undefined) continue;
    jobs[id] = undefined;
    s.liveJobCount--;
  }
  s.freedJobCount = 0;
  for (let i = 0; i < s.freedRequestCount; i++) {
    const id = s.freedRequests[i];
    if (requests[id] === undefined) continue;
    requests[id] = undefined;
    s.liveRequestCount--;
  }
  s.freedRequestCount = 0;
}
