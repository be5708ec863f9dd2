// A worker going away and coming back: a crash (a failure mode drawn for a job, worker-jobs.ts) or a
// flapping schedule (periodic outages).
//
// Rules (docs/model.md):
// - §4.4 liveness: the server learns nothing when a worker vanishes; its jobs stay open until the detector
//   notices them (the stale sweep at the TTL, §3.3; or an arm's timer or missed heartbeats).
// - §5.4 a killed worker process loses every job it holds without telling the server.
import type { FailureBehaviour } from "./failure-mode.js";
import { emitAttempt } from "./records.js";
import { freeJob } from "./retention.js";
import { scheduleDeadline } from "./server-sweep.js";
import type { HordeState } from "./state.js";
import type { Worker } from "./worker.js";
import { stopRunning } from "./worker-jobs.js";
import { releaseCover, schedulePoll, stopPolling } from "./worker-polling.js";

/** The worker process will die at `at` (a failure mode struck its running job); `mode` gives the downtime. */
export function scheduleCrash(s: HordeState, w: Worker, mode: FailureBehaviour, at: number): void {
  w.crashTimes.push(at);
  w.crashModes.push(mode);
  s.sim.schedule(at, s.evCrash, w.id, w.outageGen);
}

export function onCrash(s: HordeState, wid: number, gen: number): void {
  const w = s.workers[wid];
  if (gen !== w.outageGen || !w.online) return;
  // Every crash scheduled since the worker came online is still pending (an outage clears them): this one is
  // the first scheduled for now.
  const i = w.crashTimes.indexOf(s.sim.now);
  const mode = w.crashModes[i];
  goOffline(s, w, mode.downtime());
}

export function onFlap(s: HordeState, wid: number): void {
  const w = s.workers[wid];
  const f = w.group.flapping;
  if (f === null) return;
  if (w.online) goOffline(s, w, f.down);
  s.sim.schedule(s.sim.now + f.period, s.evFlap, wid, 0);
}

/** The worker stops polling and loses every job it holds; the server notices only through its detector. */
function goOffline(s: HordeState, w: Worker, downtime: number): void {
  const now = s.sim.now;
  w.online = false;
  w.outageGen++;
  w.crashTimes.length = 0;
  w.crashModes.length = 0;
  stopPolling(s, w);
  s.emit("offline", -1, -1, w.id);
  const detector = s.policy.detector;
  for (const jid of w.heldJobs) {
    const job = s.jobs[jid];
    if (job.end === "open" && !detector.periodic && Number.isNaN(job.silentSince)) {
      job.silentSince = now;
      const at = detector.silentDeadline(job, now);
      if (Number.isFinite(at)) scheduleDeadline(s, job, at);
    }
    job.held = false;
    job.gen++;
    stopRunning(s, job, w);
    s.emit("drop", job.requestId, job.id, w.id);
    if (job.end !== "open") {
      emitAttempt(s, job);
      freeJob(s, job);
    }
  }
  w.heldJobs.length = 0;
  w.held = 0;
  w.localQueue.length = 0;
  releaseCover(s, w);
  s.sim.schedule(now + downtime, s.evOnline, w.id, w.outageGen);
}

export function onOnline(s: HordeState, wid: number, gen: number): void {
  const w = s.workers[wid];
  if (gen !== w.outageGen || w.online) return;
  w.online = true;
  s.emit("online", -1, -1, w.id);
  // A new process: its loop's first turn comes within one sleep (drawn, so that workers back at the same
  // instant do not pop in lockstep).
  w.anchor = s.sim.now - w.group.poll_interval * (1 - s.workerOutageRng[wid].next());
  schedulePoll(s, w);
}
