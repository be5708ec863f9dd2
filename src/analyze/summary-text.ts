// The few lines `hordesim analyze` prints.
import type { LogAnalysis } from "./analyze-logs.js";
import { formatLogTime } from "./loguru.js";
import { num, pct } from "./markdown.js";
import { abortsByWorker, failedConfigs } from "./tables.js";

const TOP_WORKERS = 5;

export function summaryText({ analyzer: a, stats }: LogAnalysis): string {
  const workers = abortsByWorker(a);
  const total = workers.reduce((s, w) => s + w.aborts, 0);
  const timeouts = workers.reduce((s, w) => s + w.timeouts, 0);
  const faults = workers.reduce((s, w) => s + w.reported_faults, 0);
  const unknown = total - timeouts - faults;
  const lines: string[] = [];
  lines.push(
    `${num(stats.lines)} lines, ${Number.isNaN(a.first) ? "no events" : `${formatLogTime(a.first)} to ${formatLogTime(a.last)}`}: ${num(stats.events.pop)} pops, ${num(stats.events.deliver)} deliveries, ${num(total)} stale aborts (${num(timeouts)} timeouts ≥ TTL, ${num(faults)} reported faults < TTL${unknown > 0 ? `, ${num(unknown)} popped before the log` : ""}), ${num(a.faulted.length)} requests faulted by 3 strikes`,
  );
  if (workers.length > 0) {
    lines.push("stale aborts per worker:");
    const width = Math.max(...workers.slice(0, TOP_WORKERS).map((w) => num(w.aborts).length));
    for (const w of workers.slice(0, TOP_WORKERS))
      lines.push(
        `  ${num(w.aborts).padStart(width)}  ${pct(w.share).padStart(5)}  ${w.worker}${w.worker_id === "" ? "" : ` (${w.worker_id})`}`,
      );
    if (workers.length > TOP_WORKERS) lines.push(`  … ${workers.length - TOP_WORKERS} more workers`);
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
  return `${lines.join("\n")}\n`;
}
