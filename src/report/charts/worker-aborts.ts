// worker-aborts: stale aborts per worker in the baseline arm, summed over replications, with each worker's
// share of all aborts: the incident report's table ("15 failures: ameli0x …, 71 %") as a bar chart.
import type { ReportData } from "../../results/read-results.js";
import { abortBarsSpec, shareLabel } from "./abort-bars.js";
import { finite, messageChart, type Row, replicationsText, type Spec } from "./common.js";

export const MAX_WORKERS = 15;

export interface WorkerAborts {
  worker: string;
  group: string;
  stale_aborts: number;
  pops: number;
  share: number;
}

/** Stale aborts per worker of one arm summed over replications, most first (ties by name), with shares. */
export function workerAborts(data: ReportData, policy: string): { rows: WorkerAborts[]; total: number } {
  const by = new Map<string, WorkerAborts>();
  for (const w of data.workers) {
    if (w.policy !== policy) continue;
    const name = w.worker_name || `worker ${w.worker_id}`;
    let e = by.get(name);
    if (!e) {
      e = { worker: name, group: w.group, stale_aborts: 0, pops: 0, share: 0 };
      by.set(name, e);
    }
    if (finite(w.stale_aborts)) e.stale_aborts += w.stale_aborts;
    if (finite(w.pops)) e.pops += w.pops;
  }
  const rows = [...by.values()];
  const total = rows.reduce((s, r) => s + r.stale_aborts, 0);
  for (const r of rows) r.share = total > 0 ? r.stale_aborts / total : 0;
  rows.sort((a, b) => b.stale_aborts - a.stale_aborts || (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0));
  return { rows, total };
}

export function workerAbortsSpec(data: ReportData): Spec {
  const policy = data.policies[0] ?? "baseline";
  const reps = new Set(data.workers.filter((w) => w.policy === policy).map((w) => w.replication)).size;
  const { rows, total } = workerAborts(data, policy);
  const title = `Stale aborts per worker (${policy})`;
  const shown = rows.filter((r) => r.stale_aborts > 0).slice(0, MAX_WORKERS);
  const subtitle = `Summed over ${replicationsText(reps || data.summary.replications)}; label: aborts (share of all ${total} stale aborts)${
    rows.filter((r) => r.stale_aborts > 0).length > MAX_WORKERS ? `; top ${MAX_WORKERS} workers` : ""
  }`;
  if (total === 0 || shown.length === 0) {
    return messageChart(
      title,
      null,
      data.workers.length === 0 ? "no worker records (workers.csv)" : `no stale aborts in the ${policy} arm`,
    );
  }
  const bars: Row[] = shown.map((r) => ({
    worker: r.worker,
    group: r.group,
    stale_aborts: r.stale_aborts,
    pops: r.pops,
    share: r.share,
    label: shareLabel(r.stale_aborts, r.share),
  }));
  return abortBarsSpec({
    title,
    subtitle,
    rows: bars,
    countField: "stale_aborts",
    xTitle: "stale aborts (jobs lost and timed out)",
    tooltip: [
      { field: "group", type: "nominal", title: "worker class" },
      { field: "stale_aborts", type: "quantitative", title: "stale aborts" },
      { field: "share", type: "quantitative", title: "share of aborts", format: ".1%" },
      { field: "pops", type: "quantitative", title: "jobs popped" },
    ],
  });
}
