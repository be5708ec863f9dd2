// timeline: a Gantt chart of the worst requests of one replication of the baseline arm, like the incident
// report's timeline (three pops, three aborts, then faulted): the replication with a request faulted by three
// strikes if there is one, faulted requests first; one panel per request, one row per worker that took it,
// each job a bar from pop to end coloured by how it ended, stale aborts marked with a cross.
import type { AttemptEnd, AttemptRecord, RequestRecord } from "../../horde/record-types.js";
import type { ReportData } from "../../results/read-results.js";
import {
  approxTextWidth,
  CONFIG,
  clockText,
  finite,
  messageChart,
  type Row,
  SCHEMA,
  type Spec,
  sig,
} from "./common.js";

export const MAX_TIMELINE_REQUESTS = 8;

/** Job ends that mean the job was lost or failed. */
const FAILED_ENDS: ReadonlySet<AttemptEnd> = new Set(["stale_abort", "reported_fault", "late_discarded", "expired"]);
/** Job ends that count as a strike against the request (the horde faults it after three). */
const STRIKE_ENDS: ReadonlySet<AttemptEnd> = new Set(["stale_abort", "reported_fault"]);
const ABORT_ENDS: ReadonlySet<AttemptEnd> = new Set(["stale_abort"]);
/** Strikes after which the horde faults a request (max_faulted_jobs 2: faulted on the third). */
export const STRIKES = 3;

export const END_ORDER: AttemptEnd[] = [
  "completed",
  "stale_abort",
  "reported_fault",
  "late_discarded",
  "expired",
  "cancelled",
  "open",
];
const END_LABELS: Record<AttemptEnd, string> = {
  completed: "completed",
  stale_abort: "stale abort",
  reported_fault: "reported fault",
  late_discarded: "late, discarded",
  expired: "expired",
  cancelled: "cancelled (hedge lost)",
  open: "still running at the horizon",
};
const END_COLORS: Record<AttemptEnd, string> = {
  completed: "#59a14f",
  stale_abort: "#e15759",
  reported_fault: "#f28e2b",
  late_discarded: "#b07aa1",
  expired: "#9c755f",
  cancelled: "#bab0ac",
  open: "#4e79a7",
};

export interface WorstRequest {
  request: RequestRecord;
  attempts: AttemptRecord[];
  /** Time from submission to done, or to the horizon / last job end while open. */
  span_s: number;
  staleAborts: number;
  /** Stale aborts and reported faults: the strikes against the request. */
  strikes: number;
}

/** The replication the timeline shows, and why. */
export interface TimelineReplication {
  replication: number;
  /** Requests of that replication faulted after STRIKES or more strikes. */
  strikeFaulted: number;
  /** Stale aborts in that replication, all of the arm's jobs. */
  staleAborts: number;
  /** "strikes": it has the most requests faulted by three strikes; "aborts": none has such a request, it has the
   * most stale aborts; "lowest": no replication has either, the lowest is shown. */
  reason: "strikes" | "aborts" | "lowest";
  /** How many replications the arm has. */
  of: number;
}

function byRequestKey(attempts: readonly AttemptRecord[]): Map<string, AttemptRecord[]> {
  const m = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    const k = `${a.replication}:${a.request_id}`;
    const list = m.get(k);
    if (list) list.push(a);
    else m.set(k, [a]);
  }
  return m;
}

const count = (attempts: readonly AttemptRecord[], ends: ReadonlySet<AttemptEnd>) =>
  attempts.reduce((n, a) => n + (ends.has(a.end) ? 1 : 0), 0);

/**
 * The baseline arm's replication to show: the one with the most requests faulted by three strikes, else the
 * one with the most stale aborts, else the lowest (ties go to the lower replication).
 */
export function timelineReplication(data: ReportData): TimelineReplication | null {
  const tl = data.timeline;
  if (!tl || tl.replications.length === 0) return null;
  const jobs = byRequestKey(tl.attempts);
  const faulted = new Map<number, number>();
  for (const r of tl.requests) {
    if (r.outcome !== "faulted") continue;
    const strikes = count(jobs.get(`${r.replication}:${r.request_id}`) ?? [], STRIKE_ENDS);
    if (strikes >= STRIKES) faulted.set(r.replication, (faulted.get(r.replication) ?? 0) + 1);
  }
  const ranked = tl.replications
    .map((rep) => ({ rep, f: faulted.get(rep) ?? 0, a: tl.staleAborts[rep] ?? 0 }))
    .sort((x, y) => y.f - x.f || y.a - x.a || x.rep - y.rep);
  const best = ranked[0];
  return {
    replication: best.rep,
    strikeFaulted: best.f,
    staleAborts: best.a,
    reason: best.f > 0 ? "strikes" : best.a > 0 ? "aborts" : "lowest",
    of: tl.replications.length,
  };
}

const OUTCOME_RANK: Record<string, number> = { faulted: 0, expired: 1, abandoned: 2 };

/**
 * The requests that went worst in one replication (by default the one timelineReplication picks): those with
 * a failed job or a failed outcome; faulted requests first (then expired ones), then the most stale aborts,
 * the most strikes, the most jobs and the longest. Ties are broken by request id so the choice is deterministic.
 */
export function worstRequests(
  data: ReportData,
  limit = MAX_TIMELINE_REQUESTS,
  replication = timelineReplication(data)?.replication,
): WorstRequest[] {
  const tl = data.timeline;
  if (!tl || replication === undefined) return [];
  const jobs = byRequestKey(tl.attempts.filter((a) => a.replication === replication));
  const horizon = data.summary.horizon_s;
  const out: WorstRequest[] = [];
  for (const r of tl.requests) {
    if (r.replication !== replication) continue;
    const attempts = (jobs.get(`${r.replication}:${r.request_id}`) ?? [])
      .slice()
      .sort((a, b) => a.popped_s - b.popped_s || a.job_id - b.job_id);
    const failedJob = attempts.some((a) => FAILED_ENDS.has(a.end));
    const failedOutcome = r.outcome === "faulted" || r.outcome === "expired" || r.outcome === "abandoned";
    if (!failedJob && !failedOutcome) continue;
    if (attempts.length === 0) continue;
    let end = r.done_s;
    if (!finite(end))
      end = finite(horizon) ? horizon : Math.max(...attempts.map((a) => (finite(a.ended_s) ? a.ended_s : a.popped_s)));
    out.push({
      request: r,
      attempts,
      span_s: end - r.submitted_s,
      staleAborts: count(attempts, ABORT_ENDS),
      strikes: count(attempts, STRIKE_ENDS),
    });
  }
  const rank = (w: WorstRequest) => OUTCOME_RANK[w.request.outcome] ?? 2;
  out.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      b.staleAborts - a.staleAborts ||
      b.strikes - a.strikes ||
      b.attempts.length - a.attempts.length ||
      b.span_s - a.span_s ||
      a.request.request_id - b.request.request_id,
  );
  return out.slice(0, limit);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why this replication: the subtitle's first line. */
function choiceText(c: TimelineReplication, policy: string): string {
  const of = c.of > 1 ? ` of ${c.of}` : "";
  const aborts = plural(c.staleAborts, "stale abort");
  if (c.reason === "strikes") {
    return `Replication ${c.replication}${of} has the most requests faulted by ${STRIKES} strikes (${c.strikeFaulted}; ${aborts} in all)`;
  }
  if (c.reason === "aborts") {
    return `Replication ${c.replication}${of}: no request of ${policy} was faulted by ${STRIKES} strikes; this one has the most stale aborts (${c.staleAborts})`;
  }
  return `Replication ${c.replication}${of}: no stale aborts and no request faulted by ${STRIKES} strikes in any replication`;
}

function minutes(s: number): string {
  return `${(s / 60).toFixed(1)} min`;
}

export function timelineSpec(data: ReportData): Spec {
  const tl = data.timeline;
  const policy = tl?.policy ?? data.policies[0] ?? "baseline";
  const choice = timelineReplication(data);
  const title = `Timeline of the worst requests (${policy}, replication ${choice?.replication ?? "n/a"})`;
  const subtitle = [
    ...(choice ? [choiceText(choice, policy)] : []),
    "Faulted requests first, then most stale aborts; one panel per request, one row per worker that took it;",
    "bars: jobs from pop to end; ✕: stale abort",
  ];
  const worst = choice ? worstRequests(data, MAX_TIMELINE_REQUESTS, choice.replication) : [];
  if (worst.length === 0) {
    return messageChart(
      title,
      choice ? choiceText(choice, policy) : null,
      tl
        ? `no stale aborts or failed jobs in ${choice?.reason === "lowest" ? "any replication" : "this replication"}`
        : "no requests or jobs recorded (requests.csv, attempts.csv)",
    );
  }
  const horizon = data.summary.horizon_s;
  const rows: Row[] = [];
  const usedEnds = new Set<AttemptEnd>();
  const labels: string[] = [];
  worst.forEach((w, rank) => {
    const r = w.request;
    const outcome = r.outcome === "open" ? "still open" : `${r.outcome} after ${minutes(w.span_s)}`;
    const faults = w.strikes - w.staleAborts;
    const failed = [
      ...(w.staleAborts > 0 ? [plural(w.staleAborts, "stale abort")] : []),
      ...(faults > 0 ? [plural(faults, "reported fault")] : []),
    ];
    const label = `request ${r.request_id} · submitted ${clockText(r.submitted_s, data.scenario.startTime)} · ${plural(
      w.attempts.length,
      "job",
    )}${failed.length > 0 ? `, ${failed.join(", ")}` : ""} · ${outcome}`;
    labels.push(label);
    for (const a of w.attempts) {
      let ended = a.ended_s;
      if (!finite(ended)) ended = finite(horizon) ? horizon : r.submitted_s + w.span_s;
      const end = (END_ORDER.includes(a.end) ? a.end : "open") as AttemptEnd;
      usedEnds.add(end);
      rows.push({
        rank,
        request: label,
        request_id: r.request_id,
        worker: a.worker_name || `worker ${a.worker_id}`,
        attempt: a.attempt,
        start_min: sig((a.popped_s - r.submitted_s) / 60, 6),
        end_min: sig((Math.max(ended, a.popped_s) - r.submitted_s) / 60, 6),
        end: END_LABELS[end],
        // where the abort cross goes: null (not drawn) for other ends; one data source for both layers
        abort_min: end === "stale_abort" ? sig((Math.max(ended, a.popped_s) - r.submitted_s) / 60, 6) : null,
        ttl_s: sig(a.ttl_s),
        popped: clockText(a.popped_s, data.scenario.startTime),
      });
    }
  });
  const ends = END_ORDER.filter((e) => usedEnds.has(e));
  const yExtent = Math.min(210, Math.ceil(Math.max(...rows.map((r) => approxTextWidth(String(r.worker), 11))) + 10));
  const y = {
    field: "worker",
    type: "nominal" as const,
    title: null,
    sort: { field: "start_min", op: "min" as const, order: "ascending" as const },
    // the same axis width in every panel, so that the panels line up
    axis: { labelLimit: 200, minExtent: yExtent, maxExtent: yExtent },
  };
  // one sub-chart per request (a vconcat rather than a facet: each request has its own set of workers)
  const xMax = Math.max(...rows.map((r) => r.end_min as number));
  const xMin = Math.min(0, ...rows.map((r) => r.start_min as number));
  const color = {
    field: "end",
    type: "nominal" as const,
    title: "job ended",
    scale: { domain: ends.map((e) => END_LABELS[e]), range: ends.map((e) => END_COLORS[e]) },
    legend: { orient: "bottom" as const, direction: "horizontal" as const, columns: 4 },
  };
  const panel = (rank: number) => {
    const last = rank === worst.length - 1;
    const x = {
      field: "start_min",
      type: "quantitative" as const,
      title: last ? "minutes since the request was submitted" : null,
      scale: { domain: [xMin, xMax], nice: true },
      axis: last ? { tickMinStep: 0.5 } : { labels: false, ticks: false, tickMinStep: 0.5 },
    };
    return {
      title: { text: labels[rank], anchor: "start" as const, fontSize: 12, fontWeight: "normal" as const, offset: 6 },
      width: 620,
      height: { step: 20 },
      transform: [{ filter: { field: "rank", equal: rank } }],
      layer: [
        {
          mark: { type: "bar" as const, cornerRadius: 2, height: { band: 0.7 } },
          encoding: {
            x,
            x2: { field: "end_min" },
            y,
            color,
            tooltip: [
              { field: "worker", type: "nominal" as const },
              { field: "attempt", type: "quantitative" as const, title: "job #" },
              { field: "popped", type: "nominal" as const, title: "popped at" },
              { field: "start_min", type: "quantitative" as const, title: "from (min)", format: ".2f" },
              { field: "end_min", type: "quantitative" as const, title: "to (min)", format: ".2f" },
              { field: "end", type: "nominal" as const, title: "ended" },
              { field: "ttl_s", type: "quantitative" as const, title: "TTL (s)" },
            ],
          },
        },
        {
          mark: { type: "point" as const, shape: "cross", angle: 45, filled: true, size: 90, color: "#111" },
          encoding: { x: { ...x, field: "abort_min" }, y },
        },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    vconcat: worst.map((_, rank) => panel(rank)),
    spacing: 12,
    resolve: { scale: { x: "shared", color: "shared" } },
  };
}
