// The under-load figures of an arm over its replications (mean and 95 % interval of each), and the printed
// "who waits" tables: per user class for every arm, per model for the baseline.
import { type Estimate, estimate } from "./intervals.js";
import type { GroupLoad, LoadStats } from "./load-stats.js";
import type { ReplicationStats } from "./replication-stats.js";

export interface GroupSummary {
  /** Users over every replication. */
  users: number;
  success_rate: Estimate;
  latency_mean_s: Estimate;
  latency_p50_s: Estimate;
  latency_p90_s: Estimate;
  wait_mean_s: Estimate;
  wait_p90_s: Estimate;
}

export interface LoadSummary {
  wait_mean_s: Estimate;
  processing_mean_s: Estimate;
  wait_share: Estimate;
  delivered_mps_per_s: Estimate;
  wasted_mps_per_s: Estimate;
  fairness_p90_wait_ratio: Estimate;
  by_class: Record<string, GroupSummary>;
  by_model: Record<string, GroupSummary>;
}

function groups(loads: LoadStats[], pick: (l: LoadStats) => Record<string, GroupLoad>): Record<string, GroupSummary> {
  const names = [...new Set(loads.flatMap((l) => Object.keys(pick(l))))].sort();
  const out: Record<string, GroupSummary> = {};
  for (const name of names) {
    const gs = loads.map((l) => pick(l)[name]);
    const of = (f: (g: GroupLoad) => number) => estimate(gs.map((g) => (g === undefined ? Number.NaN : f(g))));
    out[name] = {
      users: gs.reduce((sum, g) => sum + (g?.users ?? 0), 0),
      success_rate: of((g) => g.success_rate),
      latency_mean_s: of((g) => g.latency.mean),
      latency_p50_s: of((g) => g.latency.p50),
      latency_p90_s: of((g) => g.latency.p90),
      wait_mean_s: of((g) => g.wait.mean),
      wait_p90_s: of((g) => g.wait.p90),
    };
  }
  return out;
}

/** Null when the replications carry no load figures. */
export function summarizeLoad(reps: ReplicationStats[]): LoadSummary | null {
  const loads = reps.flatMap((r) => (r.load === undefined ? [] : [r.load]));
  if (loads.length === 0) return null;
  const of = (f: (l: LoadStats) => number) => estimate(loads.map(f));
  return {
    wait_mean_s: of((l) => l.wait_mean_s),
    processing_mean_s: of((l) => l.processing_mean_s),
    wait_share: of((l) => l.wait_share),
    delivered_mps_per_s: of((l) => l.delivered_mps_per_s),
    wasted_mps_per_s: of((l) => l.wasted_mps_per_s),
    fairness_p90_wait_ratio: of((l) => l.fairness_p90_wait_ratio),
    by_class: groups(loads, (l) => l.by_class),
    by_model: groups(loads, (l) => l.by_model),
  };
}

function meanText(e: Estimate, digits: number, scale = 1): string {
  if (e.mean === null) return "—";
  const half = e.ci95 === null ? "" : ` ±${(((e.ci95[1] - e.ci95[0]) / 2) * scale).toFixed(digits)}`;
  return `${(e.mean * scale).toFixed(digits)}${half}`;
}

/** Per model (the `top` with most users), one arm's wait and latency: where a loaded Horde's queues form. */
export function formatModelTable(arm: { name: string; load: LoadSummary | null }, top = 10): string | null {
  const models = arm.load?.by_model;
  if (models === undefined || Object.keys(models).length < 2) return null;
  const named = Object.entries(models)
    .sort((a, b) => b[1].users - a[1].users || (a[0] < b[0] ? -1 : 1))
    .slice(0, top);
  const header = ["model", "users", "wait mean s", "wait p90 s", "user p50 s", "user p90 s", "success %"];
  const body = named.map(([name, g]) => [
    name === "" ? "(any)" : name,
    String(g.users),
    meanText(g.wait_mean_s, 1),
    meanText(g.wait_p90_s, 1),
    meanText(g.latency_p50_s, 1),
    meanText(g.latency_p90_s, 1),
    meanText(g.success_rate, 2, 100),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const shown =
    named.length < Object.keys(models).length
      ? `the ${named.length} with most users of ${Object.keys(models).length}`
      : "every model";
  return [
    `who waits, per model (${arm.name}; ${shown}; mean ±95 % half-width over replications):`,
    "",
    line(header),
    ...body.map(line),
  ].join("\n");
}
