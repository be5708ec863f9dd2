// The scheduler's invariants, checked on one run's trace and records: by the property tests (test/horde) and by
// `hordesim check-rule` against a user's rule (check-rule.ts), with the same code.
import type { TraceEvent } from "../horde/trace.js";
import type { Collected } from "./collect-run.js";

/**
 * Every invariant of the scheduler that a run's trace and records must satisfy; returns the violations:
 * time never goes back; a job is popped once and held by one worker at a time, within its slots; a closed
 * request is never popped; an aborted job never delivers; no request gets more images than it asked for; a
 * request ends exactly once, and only by its strikes after more than max_faulted_jobs failed jobs; n never
 * goes below 0; every request and every job has exactly one record.
 */
export function checkInvariants(run: Collected): string[] {
  const problems: string[] = [];
  const { model, trace } = run;
  const say = (msg: string, e?: TraceEvent) => {
    if (problems.length < 10) problems.push(e ? `${msg} at t=${e.t} (${e.kind} a=${e.a} b=${e.b} c=${e.c})` : msg);
  };
  let last = Number.NEGATIVE_INFINITY;
  const held = new Map<number, number>();
  const holder = new Map<number, number>();
  const delivered = new Map<number, number>();
  const aborted = new Set<number>();
  const closed = new Set<number>();
  const ended = new Map<number, string>();
  /** Per request, the times of its failed jobs; and the strikes' faults, checked once the trace is read. */
  const failedAt = new Map<number, number[]>();
  const struck: TraceEvent[] = [];
  const strikes = model.policyContext.server.max_faulted_jobs;
  for (const e of trace) {
    if (e.t < last) say("time went backwards", e);
    last = e.t;
    switch (e.kind) {
      case "pop": {
        if (holder.has(e.b)) say("a job was popped twice", e);
        holder.set(e.b, e.c);
        const h = (held.get(e.c) ?? 0) + 1;
        held.set(e.c, h);
        if (h > model.workers[e.c].slots) say(`worker held ${h} jobs with ${model.workers[e.c].slots} slots`, e);
        if (closed.has(e.a)) say("a closed request was popped", e);
        break;
      }
      case "drop":
        if (holder.get(e.b) !== e.c) say("a job was dropped by a worker that did not hold it", e);
        holder.set(e.b, -1);
        held.set(e.c, (held.get(e.c) ?? 0) - 1);
        break;
      case "deliver": {
        if (aborted.has(e.b)) say("an aborted job delivered", e);
        const d = (delivered.get(e.a) ?? 0) + 1;
        delivered.set(e.a, d);
        if (d > model.requests[e.a].jobs) say("more images delivered than requested", e);
        break;
      }
      case "abort":
      case "fault":
        aborted.add(e.b);
        failedAt.set(e.a, [...(failedAt.get(e.a) ?? []), e.t]);
        break;
      case "request_completed":
      case "request_faulted":
      case "request_expired":
        if (ended.has(e.a)) say("a request ended twice", e);
        if (e.kind === "request_faulted") struck.push(e);
        ended.set(e.a, e.kind);
        closed.add(e.a);
        break;
      default:
        break;
    }
  }
  // the failure that makes the strike is told after the fault when the worker reported it: same instant
  for (const e of struck) {
    const failed = (failedAt.get(e.a) ?? []).filter((t) => t <= e.t).length;
    if (failed <= strikes) say(`a request was faulted after ${failed} failed jobs (strikes: more than ${strikes})`, e);
  }
  for (const r of model.requests) if (r.n < 0) say(`request ${r.id} has n = ${r.n}`);
  const rows = new Map<number, number>();
  for (const r of run.requests) rows.set(r.request_id, (rows.get(r.request_id) ?? 0) + 1);
  for (const r of model.requests) {
    const count = rows.get(r.id) ?? 0;
    if (count !== 1) say(`request ${r.id} has ${count} rows in requests.csv`);
  }
  const jobRows = new Map<number, number>();
  for (const a of run.attempts) jobRows.set(a.job_id, (jobRows.get(a.job_id) ?? 0) + 1);
  for (const j of model.jobs) if ((jobRows.get(j.id) ?? 0) !== 1) say(`job ${j.id} has ${jobRows.get(j.id) ?? 0} rows`);
  for (const r of run.requests) {
    if (r.outcome === "open" && !Number.isNaN(r.done_s)) say(`open request ${r.request_id} has a done time`);
    if (r.images_delivered > r.images_requested) say(`request ${r.request_id} delivered too many images`);
  }
  return problems;
}
