// The few lines `hordesim analyze` prints.
import type { LogAnalysis } from "./analyze-logs.js";
import { formatLogTime } from "./loguru.js";
import { num, pct } from "./markdown.js";
import { abortsByWorker, failedConfigs } from "./tables.js";

const TOP_WORKERS = 5;

/** One table of workers: count, share of the total, name (and id). */
function workerLines(rows: { count: number; name: string; id: string }[], total: number): string[] {
  const shown = rows.slice(0, TOP_WORKERS);
  const width = Math.max(...shown.map((r) => num(r.count).length));
  const lines = shown.map(
    (r) =>
      `  ${num(r.count).padStart(width)}  ${pct(r.count / total).padStart(5)}  ${r.name}${r.id === "" ? "" : ` (${r.id})`}`,
  );
  if (rows.length > TOP_WORKERS) lines.push(`  … ${rows.length - TOP_WORKERS} more workers`);
  return lines;
}

/** The command that replays the day under other policies, with the logs as given. */
export function nextStepLines(logs: readonly string[]): string[] {
  const files = logs.map((f) => (/[\s'"$]/.test(f) ? `'${f.replace(/'/g, "'\\''")}'` : f)).join(" ");
  return [
    "next: fit a scenario to this log, then replay the day under other policies (docs/calibration.md):",
    `  npx hordesim calibrate ${files} --out day.yaml --replay`,
    "  npx hordesim run day.yaml",
  ];
}

export function summaryText({ analyzer: a, stats }: LogAnalysis, logs: readonly string[] = []): string {
  const workers = abortsByWorker(a);
  const total = workers.reduce((s, w) => s + w.aborts, 0);
  const timeouts = workers.reduce((s, w) => s + w.timeouts, 0);
  const faults = workers.reduce((s, w) => s + w.reported_faults, 0);
  const unknown = total - timeouts - faults;
  const lines: string[] = [];
  lines.push(
    `${num(stats.lines)} lines, ${Number.isNaN(a.first) ? "no events" : `${formatLogTime(a.first)} to ${formatLogTime(a.last)}`}: ${num(stats.events.pop)} pops, ${num(stats.events.deliver)} deliveries, ${num(total)} stale aborts (${num(timeouts)} timeouts ≥ TTL, ${num(faults)} reported faults < TTL${unknown > 0 ? `, ${num(unknown)} popped before the log` : ""}), ${num(a.faulted.length)} requests faulted by 3 strikes`,
  );
  const rows = (pick: (w: (typeof workers)[number]) => number) =>
    workers
      .map((w) => ({ count: pick(w), name: w.worker, id: w.worker_id }))
      .filter((r) => r.count > 0)
      .sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (timeouts > 0) {
    lines.push("timeouts per worker (jobs never returned; the server noticed each only at its TTL):");
    lines.push(
      ...workerLines(
        rows((w) => w.timeouts),
        timeouts,
      ),
    );
  }
  if (faults > 0) {
    lines.push("reported faults per worker (the worker said the job failed, before its TTL):");
    lines.push(
      ...workerLines(
        rows((w) => w.reported_faults),
        faults,
      ),
    );
  }
  if (unknown > 0) {
    lines.push("aborts of jobs popped before the log (cause unknown):");
    lines.push(
      ...workerLines(
        rows((w) => w.unknown_cause),
        unknown,
      ),
    );
  }
  const configs = failedConfigs(a);
  if (configs.length > 0)
    lines.push(
      `failed configurations: ${configs
        .slice(0, 3)
        .map((c) => `${c.config} ×${c.aborts}`)
        .join(", ")}${configs.length > 3 ? ", …" : ""}`,
    );
  if (a.timelines.length > 0) lines.push(`${num(a.timelines.length)} request(s) with two or more aborts`);
  lines.push(...stats.problemLines());
  if (total > 0 && logs.length > 0) lines.push(...nextStepLines(logs));
  return `${lines.join("\n")}\n`;
}

/** The summary as data, for --json: the counts, timeouts and reported faults per worker kept apart, the next step. */
export function summaryDocument({ analyzer: a, stats }: LogAnalysis, logs: readonly string[]) {
  const workers = abortsByWorker(a);
  const timeouts = workers.reduce((s, w) => s + w.timeouts, 0);
  const faults = workers.reduce((s, w) => s + w.reported_faults, 0);
  const perWorker = (pick: (w: (typeof workers)[number]) => number, total: number) =>
    workers
      .filter((w) => pick(w) > 0)
      .map((w) => ({ worker: w.worker, worker_id: w.worker_id, count: pick(w), share: pick(w) / total }))
      .sort((x, y) => y.count - x.count || (x.worker < y.worker ? -1 : x.worker > y.worker ? 1 : 0));
  return {
    files: [...logs],
    lines: stats.lines,
    first: Number.isNaN(a.first) ? null : formatLogTime(a.first),
    last: Number.isNaN(a.last) ? null : formatLogTime(a.last),
    pops: stats.events.pop,
    deliveries: stats.events.deliver,
    stale_aborts: workers.reduce((s, w) => s + w.aborts, 0),
    timeouts,
    reported_faults: faults,
    faulted_requests: a.faulted.length,
    timeouts_per_worker: perWorker((w) => w.timeouts, timeouts),
    reported_faults_per_worker: perWorker((w) => w.reported_faults, faults),
    failed_configurations: failedConfigs(a).map((c) => ({ config: c.config, aborts: c.aborts, timeouts: c.timeouts })),
    next: nextStepLines(logs)
      .slice(1)
      .map((l) => l.trim()),
  };
}
