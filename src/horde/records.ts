// The records the model emits, one flat row per thing, as each thing ends (nothing is kept for the end but
// what is still open at the horizon): requests, users (a request followed across resubmissions), attempts
// (jobs), workers (at the horizon) and queue samples. A GPU-second spent on a job whose result was not used
// (aborted, faulted, discarded, expired, cancelled) is wasted.
import type { UserRecord } from "./record-types.js";
import type { Request } from "./request.js";
import { collect } from "./retention.js";
import type { HordeState } from "./state.js";
import type { Job } from "./worker.js";

/** Submitted outside the measurement window: in the warm-up, or at or after measure_until. */
function outsideWindow(s: HordeState, submitted: number): boolean {
  const sc = s.scenario;
  return submitted < sc.warmup || (sc.measure_until !== null && submitted >= sc.measure_until);
}

export function emitRequest(s: HordeState, r: Request, seen: number): void {
  const t = r.template;
  s.sink.request({
    policy: s.policyName,
    replication: s.replication,
    request_id: r.id,
    origin_id: r.originId,
    arrival_id: r.arrival,
    resubmission: r.resubmission,
    stream: r.stream,
    width: t.width,
    height: t.height,
    steps: t.steps,
    sampler: t.sampler,
    model: t.model ?? "",
    submitted_s: r.submitted,
    done_s: r.doneAt,
    outcome: r.outcome,
    images_requested: r.jobs,
    images_delivered: r.completedJobs,
    attempts: r.attempts,
    latency_s: r.doneAt - r.submitted,
    seen_s: seen,
    warmup: outsideWindow(s, r.submitted),
    user_class: r.userClass,
    kudos: r.kudos,
    mps: r.mps,
    first_pop_s: r.firstPopAt,
    wait_s: r.waited,
  });
}

export function emitUser(s: HordeState, r: Request, outcome: UserRecord["outcome"], final: number): void {
  const submitted = r.originSubmitted;
  s.sink.user({
    policy: s.policyName,
    replication: s.replication,
    origin_id: r.originId,
    arrival_id: r.arrival,
    submitted_s: submitted,
    final_s: final,
    outcome,
    submissions: r.resubmission + 1,
    latency_s: final - submitted,
    warmup: outsideWindow(s, submitted),
    user_class: r.userClass,
    model: r.template.model ?? "",
  });
}

export function emitAttempt(s: HordeState, job: Job): void {
  const w = s.workers[job.workerId];
  // a job still running at the horizon is not wasted: its result was simply not in yet
  const wasted = job.end === "completed" || job.end === "open" ? 0 : job.gpuSeconds;
  w.wastedSeconds += wasted;
  s.sink.attempt({
    policy: s.policyName,
    replication: s.replication,
    request_id: job.requestId,
    job_id: job.id,
    attempt: job.attempt,
    worker_id: w.id,
    worker_name: w.name,
    popped_s: job.popped,
    ended_s: job.endedAt,
    end: job.end,
    ttl_s: job.ttl,
    hedge: job.hedge,
    wasted_gpu_s: wasted,
    mps: s.requests[job.requestId].mps,
  });
}

/**
 * The Horde's /status/performance figures of the queue (horde/database/functions.py: count_totals): over the
 * requests with n > 0 (not faulted), each counts n × max(k, 1) + k requests and its one image's MPS × max(k, 1),
 * k being its jobs without a generation (open, aborted, faulted or discarded: the outer join's rows).
 */
export function queuedTotals(items: readonly Request[]): { requests: number; mps: number } {
  let requests = 0;
  let mps = 0;
  for (let i = 0; i < items.length; i++) {
    const r = items[i];
    if (r.n <= 0) continue;
    const k = r.attempts - r.completedJobs;
    const rows = Math.max(k, 1);
    requests += r.n * rows + k;
    mps += r.mps * rows;
  }
  return { requests, mps };
}

export function onSample(s: HordeState): void {
  const now = s.sim.now;
  let requests = 0;
  let mps = 0;
  for (const part of s.queue.parts) {
    const t = queuedTotals(part.items);
    requests += t.requests;
    mps += t.mps;
  }
  const totals = { requests, mps };
  s.sink.sample({
    policy: s.policyName,
    replication: s.replication,
    t_s: now,
    queued: s.queue.length,
    in_flight: s.openJobs,
    queued_requests: totals.requests,
    queued_mps: totals.mps,
    delivered_mps: s.delivered.sum(now),
  });
  const next = now + s.scenario.sample_interval;
  if (next <= s.scenario.horizon) s.sim.schedule(next, s.evSample, 0, 0);
}

/** At the horizon: what is still open is reported as open, then every worker's record. */
export function emitAtHorizon(s: HordeState): void {
  const now = s.sim.now;
  collect(s);
  // Index loops: most slots are empty by now, and a for-of over a million of them allocated an iterator
  // result per slot.
  const jobs = s.jobs;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    if (job === undefined) continue;
    if (job.held && job.running) {
      const spent = now - job.startedAt;
      job.gpuSeconds += spent;
      s.workers[job.workerId].busySeconds += spent;
      job.running = false;
    }
    if (job.held || job.end === "open") {
      if (job.end === "open") job.endedAt = Number.NaN;
      job.held = false;
      emitAttempt(s, job);
    }
  }
  const requests = s.requests;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (r !== undefined && !r.done && r.outcome !== "abandoned") {
      emitRequest(s, r, Number.NaN);
      emitUser(s, r, "open", Number.NaN);
    }
  }
  for (const w of s.workers) {
    s.sink.worker({
      policy: s.policyName,
      replication: s.replication,
      worker_id: w.id,
      worker_name: w.name,
      group: w.group.name,
      pops: w.pops,
      completed: w.completed,
      stale_aborts: w.staleAborts,
      reported_faults: w.reportedFaults,
      late_discarded: w.lateDiscarded,
      maintenance_entries: w.maintenanceEntries,
      busy_s: w.busySeconds,
      wasted_gpu_s: w.wastedSeconds,
    });
  }
}
