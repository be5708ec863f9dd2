// A worker's polls: when it asks the server for a job, and what the answer does. Idle polling costs no event:
// an idle worker whose poll found nothing sleeps until something it could take appears (sleepers.ts).
//
// Rules (docs/model.md):
// - §5.2 pop cadence (reGen _default_job_pop_frequency / _error_job_pop_frequency): a poll every
//   poll_interval on the worker's own grid, every error_poll_interval after an error, such as the 403 of a
//   worker in maintenance that found nothing it may take (§2.7, WorkerMaintenance).
// - §5.1 a worker pops only while it holds fewer jobs than its slots (reGen api_job_pop).
// - §2.3 a poll takes the first eligible request in pop order (server-queue.ts: selectCandidate).
// - the arm's reassignment rules may keep a worker from popping until later (popAllowedAt: backoff, breaker).
//
// Lazy polling must give exactly the trajectory of naive per-tick polling (test/horde/polling.test.ts): an
// idle worker whose poll found nothing sleeps instead of polling every tick. When a request appears, the
// sleeper that would have polled first among those that may take it is woken for its next tick; when that
// poll does not take the request, the next one is woken. Waking more workers than needed is always safe;
// never waking the first eligible poller is what must not happen. Polls run after every other event of their
// instant ("late"), so a poll sees what happened at its tick.
import type { Request } from "./request.js";
import { pop, selectCandidate, syncQueue } from "./server-queue.js";
import type { HordeState } from "./state.js";
import type { Worker } from "./worker.js";

/** Wakes the eligible sleeper that would poll first for the request, unless its cover already polls sooner. */
export function ensureCovered(s: HordeState, r: Request): void {
  if (s.naive || !r.poppable) return;
  const now = s.sim.now;
  const coverer = r.coveredBy >= 0 ? s.workers[r.coveredBy] : null;
  const bound = coverer?.pollPending ? coverer.pollAt : Number.POSITIVE_INFINITY;
  // The eligible sleeper with the earliest tick before the bound, ties to the earliest to fall asleep
  // (exactly what a scan of the sleepers in list order keeping strictly earlier ticks would find).
  const best = s.sleepers.first(now, bound, r);
  if (best === null) return;
  if (coverer !== null && coverer.covering === r.id) coverer.covering = -1;
  best.covering = r.id;
  r.coveredBy = best.id;
  schedulePoll(s, best);
}

/** The worker found nothing: it sleeps (naive polling: it polls again at its next tick). */
export function sleep(s: HordeState, w: Worker): void {
  if (s.naive) {
    schedulePoll(s, w, true);
    return;
  }
  if (w.asleep) return;
  w.asleep = true;
  s.sleepers.add(w);
}

export function unsleep(s: HordeState, w: Worker): void {
  if (!w.asleep) return;
  w.asleep = false;
  s.sleepers.remove(w);
}

/**
 * Schedules the worker's next poll if it may poll at all; `strict` when the worker has just polled and its
 * next poll is on the next tick.
 */
export function schedulePoll(s: HordeState, w: Worker, strict = false): void {
  if (w.pollPending || !w.online || w.held >= w.slots) return;
  unsleep(s, w);
  w.pollPending = true;
  w.pollGen++;
  w.pollAt = w.nextTick(s.sim.now, strict);
  s.sim.scheduleLate(w.pollAt, s.evPoll, w.id, w.pollGen);
}

/** The worker's poll ended without covering a request it was woken for: find another poller for it. */
export function releaseCover(s: HordeState, w: Worker): void {
  const c = w.covering;
  if (c < 0) return;
  w.covering = -1;
  const r = s.requests[c];
  // A request let go of is done: nobody need cover it.
  if (r === undefined) return;
  if (r.coveredBy === w.id) r.coveredBy = -1;
  ensureCovered(s, r);
}

export function onPoll(s: HordeState, wid: number, gen: number): void {
  const w = s.workers[wid];
  if (gen !== w.pollGen || !w.pollPending) return;
  w.pollPending = false;
  const now = s.sim.now;
  if (!w.online || w.held >= w.slots) {
    releaseCover(s, w);
    return;
  }
  let allowedAt = now;
  for (let i = 0, rules = s.policy.rules; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.popAllowedAt) allowedAt = Math.max(allowedAt, rule.popAllowedAt(w, now));
  }
  if (allowedAt > now) {
    if (Number.isFinite(allowedAt)) s.sim.schedule(allowedAt, s.evPopAllowed, w.id, 0);
    releaseCover(s, w);
    return;
  }
  const r = selectCandidate(s, w, now);
  if (r === null) {
    w.errorPolling = w.maintenance;
    sleep(s, w);
    releaseCover(s, w);
    return;
  }
  w.errorPolling = false;
  pop(s, w, r, now);
  if (w.held < w.slots) schedulePoll(s, w, true);
  releaseCover(s, w);
  syncQueue(s, r);
}

export function onPopAllowed(s: HordeState, wid: number): void {
  schedulePoll(s, s.workers[wid]);
}
