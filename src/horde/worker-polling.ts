// A worker's pops: when it asks the server for a job, when the answer comes, and what the answer does. Idle
// polling costs no event: an idle worker sleeps until something it could take appears (sleepers.ts).
//
// Rules (docs/model.md; reGen process_management/process_manager.py):
// - §5.2 the pop loop (_api_call_loop): api_job_pop, then sleep poll_interval (1 s), so the loop turns after
//   each answer, on no fixed grid. api_job_pop sends a pop when a slot is free (§5.1), no pause holds and at
//   least _job_pop_frequency has passed since the last pop was sent (1 s, always met after the sleep;
//   error_poll_interval = 5 s after an API error, here the 403 of a worker in maintenance that found nothing
//   it may take, §2.7).
// - the pop's round trip is drawn from the group's pop_round_trip; the server takes the request when it
//   answers, and the worker starts the job then (§2.3: the first eligible request in pop order,
//   server-queue.ts: selectCandidate). An idle worker's empty pops take the distribution's mean, so its
//   answers fall on a grid (anchor + k·idlePeriod) that needs no event while nothing it could take waits.
// - §5.2 after 3 consecutive failed jobs that it knows of (faults it reported, results the server refused)
//   pops pause for more than 180 s (_too_many_consecutive_failed_jobs_wait_time); a success resets the count,
//   a job it lost silently (a hang) does not count.
// - the arm's reassignment rules may keep a worker from popping until later (popAllowedAt: backoff, breaker).
//
// Lazy polling must give exactly the trajectory of naive polling (test/horde/polling.test.ts): an idle
// worker sleeps instead of polling at every answer of its idle grid. When a request appears, the sleeper
// whose idle pop is answered first among those that may take it is woken for that answer; when that pop
// does not take the request, the next one is woken. Waking more workers than needed is always safe; never
// waking the first eligible poller is what must not happen. Answers run after every other event of their
// instant ("late"), so a pop sees what happened at its instant.
import { FAILED_JOBS_BEFORE_PAUSE, pauseEnd } from "./regen-pause.js";
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
  // The eligible sleeper with the earliest answer before the bound, ties to the earliest to fall asleep
  // (exactly what a scan of the sleepers in list order keeping strictly earlier answers would find).
  const best = s.sleepers.first(now, bound, r);
  if (best === null) return;
  if (coverer !== null && coverer.covering === r.id) coverer.covering = -1;
  best.covering = r.id;
  r.coveredBy = best.id;
  unsleep(s, best);
  scheduleAnswer(s, best, best.nextIdleTick(now, false));
}

/**
 * The worker's pop found nothing (or its loop starts idle): it stays on its idle grid. Lazy: it sleeps;
 * naive: its next idle pop is answered on the grid.
 */
function goIdle(s: HordeState, w: Worker): void {
  w.idle = true;
  if (s.naive) scheduleAnswer(s, w, w.nextIdleTick(s.sim.now, true));
  else if (!w.asleep) {
    w.asleep = true;
    s.sleepers.add(w);
  }
}

/** The worker's loop starts, idle, with its first answer ahead of it. */
export function startLoop(s: HordeState, w: Worker): void {
  goIdle(s, w);
}

export function unsleep(s: HordeState, w: Worker): void {
  if (!w.asleep) return;
  w.asleep = false;
  s.sleepers.remove(w);
}

function scheduleAnswer(s: HordeState, w: Worker, at: number): void {
  w.pollPending = true;
  w.pollGen++;
  w.pollAt = at;
  s.sim.scheduleLate(at, s.evPoll, w.id, w.pollGen);
}

/**
 * The worker may pop (a slot is free, it came online, a pause ended): it sends a pop at the next turn of its
 * loop and the answer comes after a round trip drawn from its own stream. An idle worker's next pop is the
 * next of its grid (naive polling has it pending already; a sleeper is woken for it, as what it may take
 * may have changed).
 */
export function schedulePoll(s: HordeState, w: Worker): void {
  if (w.pollPending || !w.online || w.held >= w.slots) return;
  if (w.idle) {
    unsleep(s, w);
    scheduleAnswer(s, w, w.nextIdleTick(s.sim.now, false));
    return;
  }
  const send = w.nextTurn(Math.max(s.sim.now, w.pausedUntil));
  const trip = Math.max(0, s.sampler(w.group.pop_round_trip)(s.workerPopRng[w.id]));
  scheduleAnswer(s, w, send + trip);
}

/**
 * The worker went into maintenance. A sleeper is woken for its next idle pop, as naive polling would answer
 * it: that pop gets the 403 (or its owner's request), moves the worker to the error cadence, and it falls
 * asleep again among the workers in maintenance, whom the search for a request's first poller skips unless
 * the request is their owner's (sleepers.ts).
 */
export function onMaintenance(s: HordeState, w: Worker): void {
  if (!w.asleep) return;
  unsleep(s, w);
  scheduleAnswer(s, w, w.nextIdleTick(s.sim.now, false));
}

/** The worker stops popping (it went offline): its pop in flight is lost and it is idle no more. */
export function stopPolling(s: HordeState, w: Worker): void {
  w.pollPending = false;
  w.pollGen++;
  w.idle = false;
  unsleep(s, w);
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

/** The server answers the worker's pop. */
export function onPoll(s: HordeState, wid: number, gen: number): void {
  const w = s.workers[wid];
  if (gen !== w.pollGen || !w.pollPending) return;
  w.pollPending = false;
  const now = s.sim.now;
  if (!w.online || w.held >= w.slots) {
    releaseCover(s, w);
    return;
  }
  const allowedAt = s.hooks.popAllowedAt(w, now);
  if (allowedAt > now) {
    // Not now: an idle worker's grid goes on (its next pop at or after allowedAt is on it), a busy one's
    // loop turns after this answer.
    if (!w.idle) w.anchor = now;
    if (Number.isFinite(allowedAt)) s.sim.schedule(allowedAt, s.evPopAllowed, w.id, 0);
    releaseCover(s, w);
    return;
  }
  const r = selectCandidate(s, w, now);
  if (r === null) {
    // The idle grid starts at this answer, or again when the error cadence starts or ends.
    if (!w.idle || w.errorPolling !== w.maintenance) w.anchor = now;
    w.errorPolling = w.maintenance;
    goIdle(s, w);
    releaseCover(s, w);
    return;
  }
  w.idle = false;
  w.anchor = now;
  w.errorPolling = false;
  pop(s, w, r, now);
  if (w.held < w.slots) schedulePoll(s, w);
  releaseCover(s, w);
  syncQueue(s, r);
}

export function onPopAllowed(s: HordeState, wid: number): void {
  schedulePoll(s, s.workers[wid]);
}

/**
 * The worker learns how a job ended (reGen api_submit_job): a fault it reported or a result the server
 * refused counts against it, a result accepted resets the count; the third failure in a row pauses its pops
 * (its loop checks at every turn and resumes at the turn after more than 180 s, which itself sends nothing).
 * Failures while paused are forgotten: the count restarts from 0 when the pause ends.
 */
export function learnJobEnd(s: HordeState, w: Worker, failed: boolean): void {
  const now = s.sim.now;
  if (now < w.pausedUntil) return;
  if (!failed) {
    w.consecutiveFailed = 0;
    return;
  }
  if (++w.consecutiveFailed < FAILED_JOBS_BEFORE_PAUSE) return;
  w.consecutiveFailed = 0;
  w.pauses++;
  w.pausedUntil = pauseEnd(now, w.group.poll_interval);
  s.emit("pause", -1, -1, w.id);
  // A pop not yet answered is dropped (one in flight would come back, one not sent yet would not be sent:
  // the difference is a round trip at most, and dropping both keeps the rule one line).
  if (w.pollPending || w.idle) {
    if (w.idle) w.wake(now);
    w.pollPending = false;
    w.pollGen++;
    unsleep(s, w);
    releaseCover(s, w);
  }
  schedulePoll(s, w);
}
