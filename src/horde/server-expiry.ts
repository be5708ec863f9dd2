// Expiry and maintenance: the request's own time to live, and the worker's penalty for dropping jobs.
//
// Rules (docs/model.md):
// - §1.3 a request expires 20 min after submission, refreshed to max(expiry, now + 20 min) at every pop and
//   delivery (60 min, unconditionally, at a pop by an extra-slow worker); the sweep deletes every request with
//   expiry < now (check_waiting_prompts step 1), its open jobs with it (FK cascade).
// - §3.4 WorkerTemplate.log_aborted_job: a tumbling hour opened by the first abort after the previous window;
//   the 21st abort in it (> abort_threshold) puts the worker in maintenance and resets the count.
// - §4.6 maintenance: only the owner's requests may be popped (server-queue.ts: eligible); it is never
//   switched off here (only the owner or a moderator does that).
import { finishRequest } from "./client.js";
import type { Request } from "./request.js";
import { syncQueue } from "./server-queue.js";
import { closeJob } from "./server-submit.js";
import { onMaintenance } from "./worker-polling.js";
import type { HordeState } from "./state.js";
import type { Worker } from "./worker.js";

/** Step 1 of the sweep: deletes the requests whose expiry is before `now`. */
export function deleteExpired(s: HordeState, now: number): void {
  // `live` is in submission order and every write to r.expiry keeps r.expiry ≥ r.submitted + the shorter
  // expiry (submit: + normal; pop: max(…, now + normal) or now + extra_slow; delivery: max(…)), so no
  // request past the first one submitted less than that long ago can have expired: only the old head of
  // the list is looked at (in order, as before, plus the ids of requests let go of, which are dropped),
  // and the rest is kept without touching it.
  const expiry = s.scenario.server.expiry;
  const shortest = Math.min(expiry.normal, expiry.extra_slow);
  // A request let go of is skipped and dropped (its deletion would do nothing: it is done and has no open
  // job). The survivors of the head are packed at its end and the head moves past the rest: no array is
  // rebuilt and nothing past the head is touched (the list is compacted once half of it is dead).
  const live = s.live;
  const requests = s.requests;
  const head = s.liveHead;
  let i = head;
  for (; i < live.length; i++) {
    const r = requests[live[i]];
    if (r === undefined) continue;
    if (r.submitted + shortest >= now) break;
    if (r.expiry < now) deleteRequest(s, r);
  }
  let top = i;
  for (let j = i - 1; j >= head; j--) {
    const id = live[j];
    const r = requests[id];
    if (r !== undefined && !r.deleted) live[--top] = id;
  }
  s.liveHead = top;
  if (top > 1024 && top * 2 > live.length) {
    live.copyWithin(0, top);
    live.length -= top;
    s.liveHead = 0;
  }
}

function deleteRequest(s: HordeState, r: Request): void {
  r.deleted = true;
  // processingJobs counts the request's open jobs: most requests are long done by now, and skipping
  // the loop spares touching their jobs at all.
  if (r.processingJobs > 0) {
    expireJob(s, r.firstJob);
    const later = r.laterJobs;
    if (later !== null) for (let k = 0; k < later.length; k++) expireJob(s, later[k]);
  }
  if (!r.done) {
    s.emit("request_expired", r.id, -1, -1);
    finishRequest(s, r, "expired");
  }
  syncQueue(s, r);
}

/** Closes the job as expired with its request, if it is still open (a job let go of has ended). */
function expireJob(s: HordeState, jid: number): void {
  const job = s.jobs[jid];
  if (job !== undefined && job.end === "open") closeJob(s, job, "expired");
}

/** WorkerTemplate.log_aborted_job: a tumbling hour; the 21st abort in it puts the worker in maintenance. */
export function countAbortForMaintenance(s: HordeState, w: Worker, now: number): void {
  const m = s.scenario.server.maintenance;
  if (!s.policy.maintenance || !m.enabled) return;
  if (now - w.abortWindowStart > m.window) {
    w.abortsInWindow = 0;
    w.abortWindowStart = now;
  }
  w.abortsInWindow++;
  if (w.abortsInWindow > m.abort_threshold) {
    if (!w.maintenance) w.maintenanceEntries++;
    w.maintenance = true;
    onMaintenance(s, w);
    w.abortsInWindow = 0;
    s.emit("maintenance", -1, -1, w.id);
  }
}
