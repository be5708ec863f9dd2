// Trace conformance: the real run's user and worker actions replayed into hordesim's server rules
// (src/horde/replay.ts) at the times the server saw them, and every server decision compared with the rules'.
//
// Decisions: what each pop returned (a request or nothing) and the job's TTL; whether each result or fault
// report was accepted; which jobs each sweep aborted; n after an abort (where a status check saw it before the
// next pop); which requests a sweep faulted (3 strikes) or deleted at expiry; which workers ended in maintenance.
// After a disagreement about a pop the replay follows the server (the pop takes the request the server gave),
// so that one difference is not counted again in every later decision; a job the rules could not hand out (they
// disagreed about its request before) is left out of the decisions that follow from it.
//
// A decision that hinges on an event inside its own timing uncertainty is "undecided", not a disagreement: a
// pop whose answer depends on a request that changed while the pop was in flight or that a concurrent pop held
// locked, or a job whose deadline (pop + TTL) falls within the sweep's own run time of the sweep.
import type { ServerReplay } from "../horde/replay.js";
import type { LoggedEvent } from "./events.js";
import type { PlannedSubmission, PlannedWorker } from "./plan.js";
import type { ConformanceResult } from "./result-files.js";
import { parseServerLines, type Sweep } from "./server-log.js";

export type Verdict = "agree" | "disagree" | "undecided";

export interface Decision {
  t: number;
  kind: "pop" | "ttl" | "result" | "abort" | "n_after_abort" | "request_faulted" | "expired" | "maintenance";
  entity: string;
  server: string;
  hordesim: string;
  verdict: Verdict;
  /** Why an undecided decision is undecided. */
  note?: string;
}

export interface TraceComparison {
  decisions: Decision[];
  sweeps: Sweep[];
}

const ACTIVATED = /New txt2img prompt with ID ([0-9a-f-]{36})/;

/** Seconds of slack on either side of a sweep's run for a job's deadline to count as undecided. */
const SWEEP_SLACK = 0.25;

type Item =
  | { t: number; order: 0; kind: "submit"; wp: string; planned: PlannedSubmission }
  | { t: number; order: 1; kind: "result"; e: Extract<LoggedEvent, { ev: "result" }> }
  | { t: number; order: 2; kind: "pop"; e: Extract<LoggedEvent, { ev: "pop" }> }
  | { t: number; order: 3; kind: "sweep"; sweep: Sweep };

export function compareTrace(
  result: ConformanceResult,
  submissions: readonly PlannedSubmission[],
  workers: readonly PlannedWorker[],
  replay: ServerReplay,
  maxFaultedJobs: number,
): TraceComparison {
  const decisions: Decision[] = [];
  const decide = (d: Omit<Decision, "verdict"> & { verdict?: Verdict }) =>
    decisions.push({ ...d, verdict: d.verdict ?? (d.server === d.hordesim ? "agree" : "disagree") });
  const byArrival = new Map(submissions.map((s) => [s.arrival, s]));
  const jobsById = new Map(result.jobs.map((j) => [j.id, j]));
  const wpOfReq = new Map<number, string>();
  for (const r of result.requests) if (r.req !== null) wpOfReq.set(r.req, r.id);
  const created = new Map(result.requests.map((r) => [r.id, r.created]));

  const items: Item[] = [];
  const serverLines: { t: number; line: string }[] = [];
  const reportedFaults = new Set<string>();
  const checks: Extract<LoggedEvent, { ev: "check" }>[] = [];
  // A request becomes poppable when its activation commits (WaitingPrompt.activate): after its row is
  // created, before the server logs "New txt2img prompt with ID ...", before any pop of it and before the
  // submission is answered. It is placed at the earliest of those; its creation opens the uncertainty.
  const activated = new Map<string, number>();
  for (const e of result.events) {
    if (e.ev === "server") {
      const m = ACTIVATED.exec(e.line);
      if (m !== null && !activated.has(m[1])) activated.set(m[1], e.t);
    }
  }
  const firstPop = new Map<string, number>();
  const popsOf = new Map<string, number[]>();
  for (const j of result.jobs) {
    firstPop.set(j.wp, Math.min(firstPop.get(j.wp) ?? Number.POSITIVE_INFINITY, j.start));
    const list = popsOf.get(j.wp) ?? [];
    list.push(j.start);
    popsOf.set(j.wp, list);
  }
  for (const e of result.events) {
    if (e.ev === "submit" && e.wp !== null) {
      const planned = byArrival.get(e.arrival);
      const t = Math.min(activated.get(e.wp) ?? e.t1, firstPop.get(e.wp) ?? Number.POSITIVE_INFINITY);
      if (planned !== undefined && created.has(e.wp)) items.push({ t, order: 0, kind: "submit", wp: e.wp, planned });
    } else if (e.ev === "pop") {
      const job = e.job === null ? undefined : jobsById.get(e.job);
      items.push({ t: job?.start ?? (e.t0 + e.t1) / 2, order: 2, kind: "pop", e });
    } else if (e.ev === "result") {
      if (e.state === "faulted") reportedFaults.add(e.job);
      items.push({ t: (e.t0 + e.t1) / 2, order: 1, kind: "result", e });
    } else if (e.ev === "server") serverLines.push({ t: e.t, line: e.line });
    else if (e.ev === "check") checks.push(e);
  }
  // The pop query reads the queue FOR UPDATE SKIP LOCKED: while one pop holds a request (from its start to its
  // commit, within its round trip), a concurrent pop skips that request.
  const heldBy = new Map<string, { t0: number; t1: number }[]>();
  for (const e of result.events) {
    if (e.ev !== "pop" || e.job === null) continue;
    const j = jobsById.get(e.job);
    if (j === undefined) continue;
    const list = heldBy.get(j.wp) ?? [];
    list.push({ t0: e.t0, t1: e.t1 });
    heldBy.set(j.wp, list);
  }
  const parsed = parseServerLines(serverLines);
  const faultingSweep = serverFaultingSweeps(result, parsed.sweeps, reportedFaults, maxFaultedJobs);
  for (const sweep of parsed.sweeps) items.push({ t: sweep.t, order: 3, kind: "sweep", sweep });
  items.sort((a, b) => a.t - b.t || a.order - b.order);

  const reqOfWp = new Map<string, number>();
  const wpOfReplay = new Map<number, string>();
  const jobOfProcgen = new Map<string, number>();
  const procgenOfJob = new Map<number, string>();
  /** When each replay request last changed (arrived, popped, aborted, faulted): for undecided pops. */
  const changed = new Map<number, number>();
  const maintenanceAt = new Map<number, number>();
  const first403 = new Map<number, number>();
  const last200 = new Map<number, number>();
  const wpLabel = (r: number | null) => (r === null ? "nothing" : `request ${wpOfReplay.get(r)?.slice(0, 8) ?? r}`);
  /** The rules' events at t; `until`: the requests they touched may come back on the server until then. */
  const noteEvents = (t: number, evs: readonly { kind: string; a: number; c: number }[], until = t) => {
    for (const ev of evs) {
      if (ev.kind === "abort" || ev.kind === "fault" || ev.kind === "request_faulted") changed.set(ev.a, until);
      if (ev.kind === "maintenance" && !maintenanceAt.has(ev.c)) maintenanceAt.set(ev.c, t);
    }
  };

  for (const it of items) {
    if (it.kind === "submit") {
      const id = replay.submit(it.t, it.planned.template, it.planned.stream, it.planned.kudos);
      reqOfWp.set(it.wp, id);
      wpOfReplay.set(id, it.wp);
      changed.set(id, it.t);
    } else if (it.kind === "pop") {
      const e = it.e;
      if (e.status !== 200 && e.status !== 403) continue;
      const w = e.worker;
      if (e.status === 403) {
        if (!first403.has(w)) first403.set(w, e.t0);
      } else if (!first403.has(w)) last200.set(w, e.t1);
      const job = e.job === null ? undefined : jobsById.get(e.job);
      const real = job === undefined ? null : (reqOfWp.get(job.wp) ?? null);
      if (job !== undefined && real === null) continue;
      const hs = replay.candidate(w, it.t);
      const inFlight = (r: number | null) => r !== null && (changed.get(r) ?? -1) >= e.t0 - 0.05;
      const lockedByOther = (r: number | null) =>
        r !== null &&
        (heldBy.get(wpOfReplay.get(r) ?? "") ?? []).some((h) => h.t0 < e.t1 && h.t1 > e.t0 && h.t0 !== e.t0);
      const note =
        real === hs
          ? undefined
          : inFlight(real) || inFlight(hs)
            ? "the request changed while the pop was in flight"
            : lockedByOther(hs)
              ? "a concurrent pop held the request (SKIP LOCKED)"
              : undefined;
      decide({
        t: it.t,
        kind: "pop",
        entity: `worker ${workers[w]?.name ?? w}`,
        server: wpLabel(real),
        hordesim: wpLabel(hs),
        verdict: real === hs ? "agree" : note !== undefined ? "undecided" : "disagree",
        note,
      });
      if (job === undefined || real === null) continue;
      const popped = replay.pop(w, real, it.t);
      if (popped === null) continue;
      noteEvents(it.t, replay.events);
      changed.set(real, it.t);
      jobOfProcgen.set(job.id, popped.job);
      procgenOfJob.set(popped.job, job.id);
      decide({
        t: it.t,
        kind: "ttl",
        entity: `job ${job.id.slice(0, 8)}`,
        server: String(e.ttl ?? job.ttl),
        hordesim: String(Math.round(popped.ttl)),
      });
    } else if (it.kind === "result") {
      const e = it.e;
      const job = jobOfProcgen.get(e.job);
      if (job === undefined) continue;
      let accepted: boolean;
      if (e.state === "ok") accepted = replay.deliver(job, it.t);
      else {
        accepted = replay.job(job).open;
        replay.fault(job, it.t);
      }
      noteEvents(it.t, replay.events);
      changed.set(replay.job(job).request, it.t);
      decide({
        t: it.t,
        kind: "result",
        entity: `job ${e.job.slice(0, 8)} (${e.state})`,
        server: e.status === 200 ? "accepted" : `refused (${e.status})`,
        hordesim: accepted ? "accepted" : "refused",
        verdict: (e.status === 200) === accepted ? "agree" : "disagree",
      });
    } else {
      const sweep = it.sweep;
      const evs = [...replay.sweep(sweep.t)];
      // The server commits each abort as it goes (ProcessingGeneration.abort) and n += 1 after it: the requests
      // come back one by one over the sweep's run, where the rules put them back at its start.
      noteEvents(sweep.t, evs, sweep.end);
      const realAborted = new Set(sweep.aborted.filter((j) => !reportedFaults.has(j) && jobOfProcgen.has(j)));
      const hsAborted = new Set<string>();
      for (const ev of evs) {
        if (ev.kind !== "abort") continue;
        const p = procgenOfJob.get(ev.b);
        if (p !== undefined) hsAborted.add(p);
      }
      for (const p of new Set([...realAborted, ...hsAborted])) {
        const j = replay.job(jobOfProcgen.get(p) ?? -1);
        const deadline = j.popped + j.ttl;
        const near = deadline >= sweep.t - SWEEP_SLACK && deadline <= sweep.end + SWEEP_SLACK;
        const agree = realAborted.has(p) === hsAborted.has(p);
        decide({
          t: sweep.t,
          kind: "abort",
          entity: `job ${p.slice(0, 8)} (popped ${j.popped.toFixed(2)} s, ttl ${j.ttl})`,
          server: realAborted.has(p) ? "aborted" : "kept",
          hordesim: hsAborted.has(p) ? "aborted" : "kept",
          verdict: agree ? "agree" : near ? "undecided" : "disagree",
          note: !agree && near ? "the deadline falls within the sweep's own run" : undefined,
        });
        if (!realAborted.has(p) || !hsAborted.has(p)) continue;
        // n after the abort, where a status check saw the request before anyone popped it again.
        const r = j.request;
        const wp = wpOfReplay.get(r);
        const nextPop = Math.min(...(popsOf.get(wp ?? "") ?? []).filter((t) => t > sweep.t));
        const seen = checks.find((c) => c.wp === wp && c.t0 > sweep.end && c.t1 < nextPop && c.restarted > 0);
        if (seen !== undefined) {
          decide({
            t: seen.t0,
            kind: "n_after_abort",
            entity: `request ${wp?.slice(0, 8)}`,
            server: String(seen.waiting),
            hordesim: String(Math.min(replay.remaining(r), 1)),
          });
        }
      }
      const realFaulted = new Set(sweep.faulted);
      for (const [wp, s] of faultingSweep) if (s === sweep) realFaulted.add(wp);
      const hsFaulted = new Set(
        evs.filter((ev) => ev.kind === "request_faulted").map((ev) => wpOfReplay.get(ev.a) ?? `#${ev.a}`),
      );
      for (const wp of new Set([...realFaulted, ...hsFaulted])) {
        decide({
          t: sweep.t,
          kind: "request_faulted",
          entity: `request ${wp.slice(0, 8)}`,
          server: realFaulted.has(wp) ? "faulted" : "not faulted",
          hordesim: hsFaulted.has(wp) ? "faulted" : "not faulted",
        });
      }
      const hsExpired = evs.filter((ev) => ev.kind === "request_expired").length;
      if (sweep.expired > 0 || hsExpired > 0) {
        decide({
          t: sweep.t,
          kind: "expired",
          entity: "sweep",
          server: String(sweep.expired),
          hordesim: String(hsExpired),
        });
      }
    }
  }

  // Maintenance: the server's entry lies between the worker's last answered pop and its first 403.
  for (const w of workers) {
    const hsAt = maintenanceAt.get(w.index);
    const realAt = first403.get(w.index);
    const realFlag = result.maintenance.get(w.name) ?? false;
    const server = realFlag || realAt !== undefined ? `maintenance by ${realAt?.toFixed(1) ?? "the end"} s` : "never";
    const hordesim = hsAt === undefined ? "never" : `maintenance at ${hsAt.toFixed(1)} s`;
    let verdict: Verdict = (hsAt === undefined) === (server === "never") ? "agree" : "disagree";
    if (verdict === "agree" && hsAt !== undefined && realAt !== undefined) {
      const after = last200.get(w.index) ?? 0;
      verdict = hsAt <= realAt + SWEEP_SLACK && hsAt >= after - 60 ? "agree" : "disagree";
    }
    decide({ t: hsAt ?? realAt ?? 0, kind: "maintenance", entity: `worker ${w.name}`, server, hordesim, verdict });
  }
  return { decisions, sweeps: parsed.sweeps };
}

/** "decisions agreeing: X of Y" and every disagreement and undecided decision, one a line. */
export function formatTraceComparison(c: TraceComparison): string {
  const agree = c.decisions.filter((d) => d.verdict === "agree").length;
  const undecided = c.decisions.filter((d) => d.verdict === "undecided");
  const disagree = c.decisions.filter((d) => d.verdict === "disagree");
  const kinds = new Map<string, [number, number]>();
  for (const d of c.decisions) {
    const k = kinds.get(d.kind) ?? [0, 0];
    k[1]++;
    if (d.verdict === "agree") k[0]++;
    kinds.set(d.kind, k);
  }
  const lines = [
    `decisions agreeing: ${agree} of ${c.decisions.length} (${disagree.length} disagreeing, ${undecided.length} undecided within the log's timing)`,
    `sweeps seen: ${c.sweeps.length}`,
    ...undecidedReasons(undecided),
    ...[...kinds].map(([k, [a, n]]) => `  ${k}: ${a} of ${n} agree`),
  ];
  const row = (d: Decision) =>
    `  t=${d.t.toFixed(2)} s  ${d.kind}  ${d.entity}: server ${d.server}, hordesim ${d.hordesim}${d.note === undefined ? "" : ` (${d.note})`}`;
  if (disagree.length > 0) lines.push("disagreements:", ...disagree.map(row));
  if (undecided.length > 0)
    lines.push(
      "undecided (the deciding event lies within the decision's own timing uncertainty):",
      ...undecided.map(row),
    );
  return `${lines.join("\n")}\n`;
}

function undecidedReasons(undecided: readonly Decision[]): string[] {
  const counts = new Map<string, number>();
  for (const d of undecided) counts.set(d.note ?? "", (counts.get(d.note ?? "") ?? 0) + 1);
  return [...counts].map(([note, n]) => `  undecided: ${n} because ${note}`);
}

/**
 * Which sweep faulted each request the database says ended faulted. The log only counts them ("Found N New
 * faulted WPs", server-log.ts): a request is faulted in the sweep that aborted its (max_faulted_jobs + 1)th
 * faulted job, or in the first sweep after that job was reported faulted, provided that sweep counted one.
 */
export function serverFaultingSweeps(
  result: ConformanceResult,
  sweeps: readonly Sweep[],
  reportedFaults: ReadonlySet<string>,
  maxFaultedJobs: number,
): Map<string, Sweep> {
  const abortedIn = new Map<string, Sweep>();
  for (const s of sweeps) for (const j of s.aborted) if (!reportedFaults.has(j)) abortedIn.set(j, s);
  const reportedAt = new Map<string, number>();
  for (const e of result.events) if (e.ev === "result" && e.state === "faulted") reportedAt.set(e.job, e.t1);
  const ends = new Map<string, { t: number; sweep: Sweep | undefined }[]>();
  for (const j of result.jobs) {
    if (!j.faulted || j.delivered) continue;
    const sweep = abortedIn.get(j.id);
    const t = sweep?.t ?? reportedAt.get(j.id);
    if (t === undefined) continue;
    const list = ends.get(j.wp) ?? [];
    list.push({ t, sweep });
    ends.set(j.wp, list);
  }
  const out = new Map<string, Sweep>();
  for (const r of result.requests) {
    if (!r.faulted) continue;
    const list = (ends.get(r.id) ?? []).sort((a, b) => a.t - b.t);
    const last = list[maxFaultedJobs];
    if (last === undefined) continue;
    const sweep = last.sweep ?? sweeps.find((s) => s.t > last.t);
    if (sweep !== undefined && sweep.faultedCount > 0) out.set(r.id, sweep);
  }
  return out;
}
