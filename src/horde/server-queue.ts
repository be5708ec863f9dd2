// The server's queue and pop: which requests wait, in which order, which worker may take which, and what a
// pop does to the request.
//
// Rules (docs/model.md):
// - §1.2 aging: +50 every 10 s to every waiting request with n > 0 (horde/database/threads.py:
//   increment_extra_priority), kept as a static key per waiting spell (waiting-queue.ts).
// - §2.3 order and filters (horde/database/functions.py: get_sorted_wp_filtered_to_worker): extra_priority
//   DESC, created ASC; n > 0, not faulted, expiry > now; w·h ≤ max_pixels; model match; speed ≥ 0.5 MPS/s
//   unless slow_workers; the extra-slow opt-in; a worker in maintenance only takes its owner's requests.
// - §2.3 pass order (JobPopTemplate._post_inner): the worker owner's own requests first (priority pass).
// - §1.4 and §1.3 (WaitingPrompt._start_generation, refresh): a pop decrements n and extends the expiry to
//   max(expiry, now + 20 min), or sets now + 60 min for an extra-slow worker.
// - §3.2 the job's TTL comes from the arm's timeout rule (the real formula by default, ttl.ts).
// - §2.8 nothing in pop excludes a worker that failed the request: only the arm's reassignment rules may.
import type { RequestTemplate, WorkerGroup } from "../scenario/types.js";
import { scheduleHedge } from "./hedge.js";
import type { Request } from "./request.js";
import { scheduleDeadline } from "./server-sweep.js";
import type { HordeState } from "./state.js";
import { before } from "./waiting-queue.js";
import { Job, type Worker } from "./worker.js";
import { acceptJob, decideFate } from "./worker-jobs.js";
import { ensureCovered } from "./worker-polling.js";

/** Puts the request in the queue iff it is poppable, with aging iff n > 0, then makes sure a worker will look. */
export function syncQueue(s: HordeState, r: Request): void {
  const now = s.sim.now;
  const want = r.poppable;
  const inQueue = r.queueIndex >= 0;
  if (inQueue && (!want || r.aging !== r.n > 0)) {
    s.queue.remove(r, now);
    countWaiting(s, r, -1);
    if (!Number.isNaN(r.waitingSince)) {
      r.waited += now - r.waitingSince;
      r.waitingSince = Number.NaN;
    }
  }
  if (want && r.queueIndex < 0) {
    s.queue.add(r, now, s.sleepers.mask(r));
    countWaiting(s, r, 1);
    if (r.n > 0) r.waitingSince = now;
  }
  if (want) ensureCovered(s, r);
}

function countWaiting(s: HordeState, r: Request, delta: number): void {
  const user = r.template.user;
  s.waitingByUser.set(user, (s.waitingByUser.get(user) ?? 0) + delta);
}

/**
 * The pop filters that depend only on the worker's group and the request's template (size, model,
 * extra-slow): false means no worker of the group may take such a request, whatever its state.
 */
export function groupMayTake(g: WorkerGroup, t: RequestTemplate): boolean {
  if (t.width * t.height > g.max_pixels) return false;
  if (t.model !== null && !g.models.includes(t.model)) return false;
  if (g.extra_slow_worker && !t.extra_slow_workers) return false;
  return true;
}

/** The Horde's pop filters (§2.3–§2.4) and the policy's reassignment rules. */
export function eligible(s: HordeState, w: Worker, r: Request, now: number): boolean {
  if (!r.poppable || r.expiry <= now) return false;
  if (!w.online || w.held >= w.slots) return false;
  const t = r.template;
  const g = w.group;
  if (r.n <= 0) {
    // Only a hedge copy is wanted: never to the worker already running the job.
    const original = s.jobs[r.hedgeOf];
    if (original === undefined || original.workerId === w.id) return false;
  }
  if (!s.sleepers.groupAdmits(w, r)) return false;
  const server = s.scenario.server;
  if (!t.slow_workers && w.measuredSpeed(server.speed.baseline) < server.speed.slow_gate) return false;
  if (w.maintenance && t.user !== g.owner) return false;
  return s.hooks.mayTake(w, r, now);
}

/**
 * `eligible` bound to the state, for the sleepers' search (sleepers.ts calls it for every sleeper it looks at):
 * made here so that the hot call stays within this module (a call to an imported function costs V8 a load and
 * a check that a call inside the module does not).
 */
export function eligibleIn(s: HordeState): (w: Worker, r: Request, now: number) => boolean {
  return (w, r, now) => eligible(s, w, r, now);
}

/**
 * The first eligible request in the Horde's order, the worker owner's own requests first (the Horde's priority
 * pass): the best of each part the worker's group may take, merged by that order.
 */
export function selectCandidate(s: HordeState, w: Worker, now: number): Request | null {
  const owner = w.group.owner;
  const ownerWaiting = (s.waitingByUser.get(owner) ?? 0) > 0;
  const parts = s.queue.parts;
  const mine = s.queue.partsFor(s.sleepers.groupIndex(w));
  let best: Request | null = null;
  let bestOwn: Request | null = null;
  for (let p = 0; p < mine.length; p++) {
    const items = parts[mine[p]].items;
    for (let i = 0; i < items.length; i++) {
      const r = items[i];
      if (ownerWaiting ? bestOwn !== null && !before(r, bestOwn) : best !== null && !before(r, best)) break;
      if (!eligible(s, w, r, now)) continue;
      if (best === null || before(r, best)) best = r;
      if (!ownerWaiting) break;
      if (r.template.user === owner) {
        if (bestOwn === null || before(r, bestOwn)) bestOwn = r;
        break;
      }
    }
  }
  return bestOwn ?? best;
}

/** The worker pops one job of the request: the server's side, then the worker's, the detector's and the hedge's. */
export function pop(s: HordeState, w: Worker, r: Request, now: number): void {
  const server = s.scenario.server;
  const policy = s.policy;
  const hedge = r.n <= 0;
  if (hedge) r.hedgesWanted--;
  else r.n--;
  r.expiry = w.group.extra_slow_worker
    ? now + server.expiry.extra_slow
    : Math.max(r.expiry, now + server.expiry.normal);
  r.attempts++;
  r.processingJobs++;
  const ttl = policy.timeout.ttl(r, w, now);
  const job = new Job(s.jobs.length, r.id, w.id, r.attempts, now, ttl, hedge);
  job.reissued = r.failures > 0;
  s.jobs.push(job);
  s.liveJobCount++;
  if (r.firstJob < 0) r.firstPopAt = now;
  r.addJob(job.id);
  r.liveJobs++;
  if (hedge) {
    const original = s.jobs[r.hedgeOf];
    original.twin = job.id;
    job.twin = original.id;
  }
  s.jobsIssued++;
  s.openJobs++;
  w.held++;
  w.heldJobs.push(job.id);
  w.pops++;
  decideFate(s, w, r, job, now);
  s.emit("pop", r.id, job.id, w.id);
  s.hooks.onPop(job, r, w, now);

  const detector = policy.detector;
  if (detector.periodic) s.deadlines.push(job.popped + job.ttl, 0, job.id, 0);
  acceptJob(s, w, job, now);
  if (!detector.periodic) {
    const at = job.fate?.silent ? detector.silentDeadline(job, now) : detector.deadline(job);
    if (Number.isFinite(at)) scheduleDeadline(s, job, at);
  }
  if (!hedge) scheduleHedge(s, job, r, w, now);
}
