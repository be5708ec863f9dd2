// analysis.md: the sections of the hand-written incident report, computed from the log.
import type { Analyzer } from "./analyzer.js";
import { configKey } from "./events.js";
import { formatLogTime } from "./loguru.js";
import { num, pct, secs, table } from "./markdown.js";
import type { ReadStats } from "./read-stats.js";
import type { Timeline } from "./stats-types.js";
import { abortsByHour, abortsByWorker, deliveriesByWorker, failedConfigs, faultedRows } from "./tables.js";
import { HORDE_TTL } from "./ttl.js";

/** Timelines shown in the report; all of them are in timelines.csv. */
export const MAX_TIMELINES = 20;

const short = (id: string | null) => (id === null ? "" : id.slice(0, 8));

export function timelineText(tl: Timeline): string {
  const head = `WP ${tl.wp}${tl.config === null ? "" : ` (${configKey(tl.config)}, TTL ${tl.entries.find((e) => e.ttl !== null)?.ttl ?? "?"} s)`}: ${tl.pops} pop(s), ${tl.aborts} abort(s)${tl.deliveries > 0 ? `, ${tl.deliveries} delivered` : ""}${tl.faulted ? ", faulted" : ""}`;
  const lines = tl.entries.map((e) => {
    const time = formatLogTime(e.t, false);
    const who = e.worker === null ? "" : `${e.worker} (${short(e.job)})`;
    const after = e.sincePrevious === null ? "" : `${secs(e.sincePrevious)} after the previous line`;
    switch (e.event) {
      case "pop":
        return `${time}  pop      ${who}${after === "" ? "" : `  ${after}`}`;
      case "abort": {
        const cause =
          e.cause === "timeout"
            ? `timeout (TTL ${e.ttl ?? `≥ ${HORDE_TTL.floor}`} s)`
            : e.cause === "reported_fault"
              ? `reported fault (under the TTL of ${e.ttl ?? HORDE_TTL.floor} s)`
              : "cause unknown (pop before the log)";
        return `${time}  abort    ${who}  ${e.sincePop === null ? "" : `${secs(e.sincePop)} after its pop: `}${cause}`;
      }
      case "deliver":
        return `${time}  deliver  ${who}  ${e.sincePop === null ? "" : `${secs(e.sincePop)} after its pop`}`;
      default:
        return `${time}  faulted  (too many faulted jobs), ${secs((e.t - tl.entries[0].t) / 1000)} after the first line`;
    }
  });
  return [head, ...lines].join("\n");
}

function period(a: Analyzer): string {
  return Number.isNaN(a.first) ? "no events" : `${formatLogTime(a.first)} to ${formatLogTime(a.last)} (UTC as written)`;
}

export function renderAnalysisMd(a: Analyzer, stats: ReadStats, files: readonly string[]): string {
  const workers = abortsByWorker(a);
  const configs = failedConfigs(a);
  const totalAborts = workers.reduce((s, w) => s + w.aborts, 0);
  const timeouts = workers.reduce((s, w) => s + w.timeouts, 0);
  const faults = workers.reduce((s, w) => s + w.reported_faults, 0);
  const unknown = workers.reduce((s, w) => s + w.unknown_cause, 0);
  const deliveries = deliveriesByWorker(a);
  const delivered = deliveries.reduce((s, d) => s + d.deliveries, 0);
  const out: string[] = [];
  out.push(`# Stale aborts and deliveries: ${files.join(", ")}`, "");
  out.push(
    `Read ${num(stats.lines)} lines from ${files.length} file(s), ${period(a)}: ${num(stats.events.pop)} pops, ${num(stats.events.deliver)} deliveries, ${num(stats.events.abort)} stale aborts, ${num(stats.events.faulted)} faulted requests, ${num(stats.events.suspicion)} suspicions.`,
    "",
  );

  out.push("## Summary", "");
  out.push(
    `- **${num(totalAborts)} stale aborts** ("Aborted Stale Generation"): ${num(timeouts)} timeouts, ${num(faults)} reported faults${unknown > 0 ? `, ${num(unknown)} whose pop is before the log` : ""}.`,
  );
  const topBy = (pick: (w: (typeof workers)[number]) => number) =>
    workers.reduce<(typeof workers)[number] | null>(
      (best, w) => (pick(w) > (best === null ? 0 : pick(best)) ? w : best),
      null,
    );
  const topTimeouts = topBy((w) => w.timeouts);
  if (topTimeouts !== null)
    out.push(
      `- Worker **${topTimeouts.worker}** is responsible for ${pct(topTimeouts.timeouts / timeouts)} of the timeouts (${topTimeouts.timeouts} of ${timeouts}).`,
    );
  const topFaults = topBy((w) => w.reported_faults);
  if (topFaults !== null)
    out.push(
      `- Reported faults: ${num(faults)}, the most by **${topFaults.worker}** (${topFaults.reported_faults} of ${faults}).`,
    );
  if (configs.length === 1)
    out.push(`- All aborts are of one configuration: **${configs[0].config}** (TTL ${configs[0].ttl_s} s).`);
  else if (configs.length > 1)
    out.push(
      `- ${configs.length} configurations failed; the most: **${configs[0].config}** (${configs[0].aborts} aborts).`,
    );
  out.push(
    `- ${num(a.timelines.length)} request(s) had two or more aborts; ${num(a.faulted.length)} were faulted by 3 strikes.`,
    `- ${num(delivered)} deliveries by ${deliveries.filter((d) => d.deliveries > 0).length} workers.`,
    "",
  );
  if (totalAborts > 0)
    out.push(
      "**Next step**: fit a scenario to this log (`hordesim calibrate LOG… --out day.yaml --replay`), then replay the day under other timeout, detection and reassignment policies (`hordesim run day.yaml`) to see which would have spared the users these failures (docs/calibration.md).",
      "",
    );

  out.push("## Timeouts or reported faults", "");
  out.push(
    `A worker-reported fault is logged as "Aborted Stale Generation" too. The time from the job's pop to its abort tells them apart: a stale timeout comes at least the job's TTL after the pop (the real formula, docs/model.md §3.2: max(${HORDE_TTL.floor}, ${HORDE_TTL.base} + accurate steps × ${HORDE_TTL.per_step} × pixels / 512²)), a reported fault usually sooner. The log shows neither the model, ControlNet nor extra_slow_worker, so their multipliers are left out; an abort line without the size is judged against the ${HORDE_TTL.floor} s floor.`,
    "",
  );
  if (totalAborts > 0) {
    if (timeouts === totalAborts) {
      out.push(
        `**All ${totalAborts} aborts are timeouts**: the workers reported no error; the server noticed each lost job only when its TTL ran out.`,
        "",
      );
    } else if (faults === totalAborts) {
      out.push(
        `**All ${totalAborts} aborts are reported faults**: they came before the TTL, so the workers said the job failed.`,
        "",
      );
    } else {
      out.push(
        `${num(timeouts)} timeouts (${pct(timeouts / totalAborts)}), ${num(faults)} reported faults (${pct(faults / totalAborts)}).`,
        "",
      );
    }
    const lagRows = configs
      .filter((c) => c.timeouts > 0)
      .map((c) => [
        c.config,
        String(c.ttl_s),
        num(c.timeouts),
        secs(c.median_s_pop_to_timeout),
        secs(c.median_s_pop_to_timeout - c.ttl_s),
      ]);
    if (lagRows.length > 0) {
      out.push(
        "The stale checker runs about every 60 s, so a timeout is noticed up to a minute after the TTL:",
        "",
        table(["configuration", "TTL s", "timeouts", "median pop → abort", "median after the TTL"], lagRows, [
          "l",
          "r",
          "r",
          "r",
          "r",
        ]),
        "",
      );
    }
  }

  out.push("## Aborts per worker", "");
  if (workers.length === 0) out.push("No stale aborts.", "");
  else
    out.push(
      table(
        ["worker", "worker id", "aborts", "share", "timeouts", "reported faults", "pops", "aborts per pop"],
        workers.map((w) => [
          w.worker,
          w.worker_id,
          num(w.aborts),
          pct(w.share),
          num(w.timeouts),
          num(w.reported_faults),
          num(w.pops),
          Number.isFinite(w.abort_rate) ? pct(w.abort_rate) : "–",
        ]),
        ["l", "l", "r", "r", "r", "r", "r", "r"],
      ),
      "",
    );

  out.push("## Failed configurations", "");
  if (configs.length === 0) out.push("No abort line shows a size.", "");
  else
    out.push(
      table(
        [
          "configuration (W×H×steps@sampler)",
          "TTL s",
          "aborts",
          "share",
          "timeouts",
          "reported faults",
          "requests",
          "faulted requests",
        ],
        configs.map((c) => [
          c.config,
          String(c.ttl_s),
          num(c.aborts),
          pct(c.share),
          num(c.timeouts),
          num(c.reported_faults),
          num(c.requests),
          num(c.faulted_requests),
        ]),
        ["l", "r", "r", "r", "r", "r", "r", "r"],
      ),
      "",
    );

  out.push("## Requests with two or more aborts", "");
  if (a.timelines.length === 0) out.push("None.", "");
  else {
    const shown = a.timelines.slice(0, MAX_TIMELINES);
    for (const tl of shown) out.push("```", timelineText(tl), "```", "");
    if (a.timelines.length > shown.length) out.push(`${a.timelines.length - shown.length} more in timelines.csv.`, "");
  }

  out.push("## Requests faulted by 3 strikes", "");
  const faulted = faultedRows(a);
  if (faulted.length === 0) out.push("None.", "");
  else
    out.push(
      table(
        ["request (WP)", "faulted at", "configuration", "pops", "aborts", "from first pop", "aborted by"],
        faulted.map((f) => [
          f.wp,
          f.time.slice(0, 19),
          f.config,
          num(f.pops),
          num(f.aborts),
          secs(f.s_from_first_pop),
          f.workers,
        ]),
        ["l", "l", "l", "r", "r", "r", "l"],
      ),
      "",
    );

  out.push("## Aborts per hour", "");
  out.push(
    table(
      ["hour", "pops", "deliveries", "aborts", "timeouts", "reported faults", "faulted requests"],
      abortsByHour(a).map((h) => [
        h.hour,
        num(h.pops),
        num(h.deliveries),
        num(h.aborts),
        num(h.timeouts),
        num(h.reported_faults),
        num(h.faulted_requests),
      ]),
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
    "",
  );

  out.push("## Deliveries per worker", "");
  out.push(
    "Pop to delivery is the server's view of a job: the worker's own queue, model loading, sampling, upload and HTTP all count.",
    "",
    table(
      ["worker", "deliveries", "pops", "timed", "mean", "median", "p90", "max", "aborts"],
      deliveries.map((d) => [
        d.worker,
        num(d.deliveries),
        num(d.pops),
        num(d.timed),
        secs(d.mean_s),
        secs(d.median_s),
        secs(d.p90_s),
        secs(d.max_s),
        num(d.aborts),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
  );
  if (a.suspicions.length > 0) {
    out.push("## Worker suspicions", "");
    out.push(
      table(
        ["time", "worker", "reason"],
        a.suspicions.map((s) => [formatLogTime(s.t), s.worker, s.reason]),
      ),
      "",
    );
  }

  out.push("## What was read", "");
  out.push(
    table(
      ["file", "compression", "lines", "records", "events", "first event", "last event"],
      stats.files.map((f) => [
        f.path,
        f.compression ?? "none",
        num(f.lines),
        num(f.records),
        num(f.events),
        Number.isNaN(f.first) ? "–" : formatLogTime(f.first),
        Number.isNaN(f.last) ? "–" : formatLogTime(f.last),
      ]),
      ["l", "l", "r", "r", "r", "l", "l"],
    ),
    "",
  );
  const notes = [
    `${num(stats.continuation)} continuation line(s) of multi-line messages skipped.`,
    a.deliveriesWithoutPop + a.abortsWithoutPop > 0
      ? `${num(a.deliveriesWithoutPop)} deliveries and ${num(a.abortsWithoutPop)} aborts of jobs popped before the log starts (not timed).`
      : "",
    a.unfinished > 0 ? `${num(a.unfinished)} job(s) popped and neither delivered nor aborted within the log.` : "",
    stats.outOfOrder > 0
      ? `${num(stats.outOfOrder)} event(s) out of time order (several server nodes or overlapping files).`
      : "",
  ].filter((s) => s !== "");
  for (const n of notes) out.push(`- ${n}`);
  const problems = stats.problemLines();
  if (problems.length > 0) out.push("", "```", ...problems, "```");
  else out.push("- Every line was understood or skipped on purpose.");
  out.push("");
  return out.join("\n");
}
