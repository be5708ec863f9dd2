// A worker running the jobs it popped: its threads, how long a job takes, and the failure mode that strikes
// it (drawn at pop from the worker's own stream, so every arm sees the same worker behaviour).
//
// Rules (docs/model.md):
// - §5.1 a worker holds up to `slots` jobs and runs up to `threads` of them at once, in pop order (reGen
//   jobs_pending_inference; queue_size + max_threads).
// - §4.1 a job takes MPS / speed × jitter × slow-down, plus overhead and a model load when the model changes
//   (or a `job_time` distribution, which replaces all of it); the server measures pop to submit.
// - §5.4 failure modes: hang (accepts, never returns, forgets the job after `hold`: reGen _purge_jobs),
//   crash (stops polling and loses its jobs: worker-outages.ts), reported fault (reGen handle_job_fault →
//   state=faulted after a delay), late (returns after the TTL: refused, §3.6), slow (speed × multiplier);
//   each by probability, optionally only for some jobs (`when`) or times (`active`). What each does is its
//   module's (failure-modes.ts); this file only asks it, at pop, at the run's start and at its end.
import { standardNormal } from "../engine/distributions.js";
import type { FailureMode } from "../scenario/types.js";
import { emitAttempt } from "./records.js";
import type { Request } from "./request.js";
import { freeJob } from "./retention.js";
import { reportFault, submitResult } from "./server-submit.js";
import type { HordeState } from "./state.js";
import type { Job, Worker } from "./worker.js";
import { scheduleCrash } from "./worker-outages.js";
import { learnJobEnd, schedulePoll } from "./worker-polling.js";

function modeApplies(m: FailureMode, r: Request, now: number): boolean {
  if (m.active !== undefined && !m.active.some((win) => now >= win.from && now < win.to)) return false;
  const f = m.when;
  if (f === undefined) return true;
  const t = r.template;
  if (f.width !== undefined && f.width !== t.width) return false;
  if (f.height !== undefined && f.height !== t.height) return false;
  if (f.steps !== undefined && f.steps !== t.steps) return false;
  if (f.sampler !== undefined && f.sampler !== t.sampler) return false;
  if (f.models !== undefined && (t.model === null || !f.models.includes(t.model))) return false;
  if (f.min_mps !== undefined && r.mps < f.min_mps) return false;
  if (f.max_mps !== undefined && r.mps > f.max_mps) return false;
  return true;
}

/** Draws what will happen to the job on its worker, from the worker's own stream. */
export function decideFate(s: HordeState, w: Worker, r: Request, job: Job, now: number): void {
  const rng = s.workerJobRng[w.id];
  const u = rng.next();
  const jitter = w.group.jitter;
  job.jitter = jitter > 0 ? Math.exp(jitter * standardNormal(rng)) : 1;
  let cumulative = 0;
  for (let i = 0, configs = w.failures; i < configs.length; i++) {
    const m = configs[i];
    if (!modeApplies(m, r, now)) continue;
    cumulative += m.probability;
    if (u >= cumulative) continue;
    const mode = w.modes[i];
    if (mode.strike(job, w, r, now)) job.fate = mode;
    break;
  }
}

/** The worker takes the job it just popped: a hung one is held until forgotten, any other waits for a thread. */
export function acceptJob(s: HordeState, w: Worker, job: Job, now: number): void {
  const fate = job.fate;
  if (fate?.silent) {
    job.silentSince = now;
    const hold = fate.hold(job);
    if (Number.isFinite(hold)) s.sim.schedule(now + hold, s.evRelease, job.id, job.gen);
  } else {
    w.localQueue.push(job.id);
    startJobs(s, w);
  }
}

/** Starts held jobs on free threads, in pop order. */
export function startJobs(s: HordeState, w: Worker): void {
  const now = s.sim.now;
  while (w.running < w.group.threads && w.localQueue.length > 0) {
    const job = s.jobs[w.localQueue.shift() as number];
    // A job dropped while it waited (cancelled twin) may have been let go of already.
    if (job === undefined || !job.held) continue;
    const r = s.requests[job.requestId];
    const g = w.group;
    const t = r.template;
    const rng = s.workerJobRng[w.id];
    // A job_time distribution replaces the size-based time, jitter included (validation against theory).
    let work = t.job_time !== null ? s.sampler(t.job_time)(rng) : (r.mps / w.speed) * job.jitter;
    work *= job.slowdown;
    if (t.job_time === null) {
      work += s.sampler(g.overhead)(rng);
      if (t.model !== w.lastModel) work += s.sampler(g.model_load)(rng);
    }
    w.lastModel = t.model;
    let end = now + work;
    const fate = job.fate;
    if (fate !== null) {
      end = fate.runEnd(job, now, work);
      const crash = fate.crashAfter(job, work);
      if (crash < Number.POSITIVE_INFINITY) scheduleCrash(s, w, fate, now + crash);
    }
    job.running = true;
    job.startedAt = now;
    w.running++;
    s.sim.schedule(end, s.evRunEnd, job.id, job.gen);
  }
}

// An event naming a job the model has let go of is stale: such a job has ended and is not held, so the
// handler would return at its generation or state check anyway.

/** The job's run ended on its worker: it reports the fault it was fated to, or submits its result. */
export function onRunEnd(s: HordeState, jid: number, gen: number): void {
  const job = s.jobs[jid];
  if (job === undefined || gen !== job.gen || !job.running) return;
  const w = s.workers[job.workerId];
  stopRunning(s, job, w);
  if (job.fate?.reportsFault) reportFault(s, job);
  else submitResult(s, job);
  learnJobEnd(s, w, job.end !== "completed");
  dropJob(s, job, w);
}

export function stopRunning(s: HordeState, job: Job, w: Worker): void {
  if (!job.running) return;
  const spent = s.sim.now - job.startedAt;
  job.running = false;
  job.gpuSeconds += spent;
  w.running--;
  w.busySeconds += spent;
}

/** The worker lets go of the job: its slot is free again. */
export function dropJob(s: HordeState, job: Job, w: Worker): void {
  if (!job.held) return;
  job.held = false;
  job.gen++;
  w.held--;
  removeValue(w.heldJobs, job.id);
  stopRunning(s, job, w);
  s.emit("drop", job.requestId, job.id, w.id);
  if (job.end !== "open") {
    emitAttempt(s, job);
    freeJob(s, job);
  }
  startJobs(s, w);
  schedulePoll(s, w);
}

/** A hung job's worker forgets it (reGen's purge): the slot is free, the server still thinks it runs. */
export function onHangRelease(s: HordeState, jid: number, gen: number): void {
  const job = s.jobs[jid];
  if (job === undefined || gen !== job.gen) return;
  dropJob(s, job, s.workers[job.workerId]);
}

/** Removes the first occurrence of the value from the array in place (no array allocated, unlike splice). */
function removeValue(a: number[], v: number): void {
  const i = a.indexOf(v);
  if (i < 0) return;
  for (let j = i + 1; j < a.length; j++) a[j - 1] = a[j];
  a.pop();
}
