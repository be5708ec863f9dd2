// The analysis as flat tables, sorted for reading: the rows of the CSV files and of the Markdown report.
import type { Analyzer } from "./analyzer.js";
import { configKey } from "./events.js";
import { formatLogTime } from "./loguru.js";

const HOUR = 3600_000;

export interface WorkerAbortRow {
  worker: string;
  worker_id: string;
  aborts: number;
  share: number;
  timeouts: number;
  reported_faults: number;
  unknown_cause: number;
  pops: number;
  /** Aborts per pop. */
  abort_rate: number;
  median_s_pop_to_timeout: number;
  median_s_pop_to_fault: number;
}

export function abortsByWorker(a: Analyzer): WorkerAbortRow[] {
  const total = [...a.workers.values()].reduce((s, w) => s + w.aborts, 0);
  return [...a.workers.values()]
    .filter((w) => w.aborts > 0)
    .map((w) => ({
      worker: w.name,
      worker_id: w.id,
      aborts: w.aborts,
      share: total > 0 ? w.aborts / total : 0,
      timeouts: w.timeouts,
      reported_faults: w.reportedFaults,
      unknown_cause: w.unknownCause,
      pops: w.pops + w.fakePops,
      abort_rate: w.pops + w.fakePops > 0 ? w.aborts / (w.pops + w.fakePops) : Number.NaN,
      median_s_pop_to_timeout: w.timeoutTimes.quantile(0.5),
      median_s_pop_to_fault: w.faultTimes.quantile(0.5),
    }))
    .sort((x, y) => y.aborts - x.aborts || cmp(x.worker, y.worker));
}

export interface ConfigRow {
  config: string;
  width: number;
  height: number;
  steps: number;
  sampler: string;
  ttl_s: number;
  aborts: number;
  share: number;
  timeouts: number;
  reported_faults: number;
  unknown_cause: number;
  requests: number;
  faulted_requests: number;
  median_s_pop_to_timeout: number;
}

export function failedConfigs(a: Analyzer): ConfigRow[] {
  const total = [...a.configs.values()].reduce((s, c) => s + c.aborts, 0);
  return [...a.configs.values()]
    .map((c) => ({
      config: c.key,
      ...c.config,
      ttl_s: c.ttl,
      aborts: c.aborts,
      share: total > 0 ? c.aborts / total : 0,
      timeouts: c.timeouts,
      reported_faults: c.reportedFaults,
      unknown_cause: c.unknownCause,
      requests: c.requests,
      faulted_requests: c.faultedRequests,
      median_s_pop_to_timeout: c.timeoutTimes.quantile(0.5),
    }))
    .sort((x, y) => y.aborts - x.aborts || y.faulted_requests - x.faulted_requests || cmp(x.config, y.config));
}

export interface TimelineRow {
  wp: string;
  seq: number;
  time: string;
  event: string;
  job: string;
  worker: string;
  since_previous_s: number | null;
  since_pop_s: number | null;
  ttl_s: number | null;
  cause: string;
}

export function timelineRows(a: Analyzer): TimelineRow[] {
  return a.timelines.flatMap((tl) =>
    tl.entries.map((e, i) => ({
      wp: tl.wp,
      seq: i + 1,
      time: logTimeMs(e.t),
      event: e.event,
      job: e.job ?? "",
      worker: e.worker ?? "",
      since_previous_s: e.sincePrevious,
      since_pop_s: e.sincePop,
      ttl_s: e.ttl,
      cause: e.cause ?? "",
    })),
  );
}

export interface FaultedRow {
  wp: string;
  time: string;
  config: string;
  n: number | null;
  pops: number;
  aborts: number;
  first_pop: string;
  s_from_first_pop: number | null;
  workers: string;
}

export function faultedRows(a: Analyzer): FaultedRow[] {
  return a.faulted.map((f) => ({
    wp: f.wp,
    time: logTimeMs(f.t),
    config: f.config === null ? "" : configKey(f.config),
    n: f.n,
    pops: f.pops,
    aborts: f.aborts,
    first_pop: Number.isNaN(f.firstPop) ? "" : logTimeMs(f.firstPop),
    s_from_first_pop: Number.isNaN(f.firstPop) ? null : (f.t - f.firstPop) / 1000,
    workers: f.workers.join(" > "),
  }));
}

export interface HourRow {
  hour: string;
  pops: number;
  deliveries: number;
  aborts: number;
  timeouts: number;
  reported_faults: number;
  faulted_requests: number;
}

/** Every hour from the first event's to the last one's, quiet hours included. */
export function abortsByHour(a: Analyzer): HourRow[] {
  if (Number.isNaN(a.first)) return [];
  const rows: HourRow[] = [];
  const end = Math.floor(a.last / HOUR) * HOUR;
  for (let h = Math.floor(a.first / HOUR) * HOUR; h <= end; h += HOUR) {
    const s = a.hours.get(h);
    rows.push({
      hour: `${formatLogTime(h).slice(0, 16)}`,
      pops: s?.pops ?? 0,
      deliveries: s?.deliveries ?? 0,
      aborts: s?.aborts ?? 0,
      timeouts: s?.timeouts ?? 0,
      reported_faults: s?.reportedFaults ?? 0,
      faulted_requests: s?.faultedRequests ?? 0,
    });
  }
  return rows;
}

export interface DeliveryRow {
  worker: string;
  deliveries: number;
  cancelled: number;
  pops: number;
  /** Deliveries whose pop is in the log: the ones timed. */
  timed: number;
  mean_s: number;
  median_s: number;
  p90_s: number;
  min_s: number;
  max_s: number;
  aborts: number;
  unfinished: number;
}

export function deliveriesByWorker(a: Analyzer): DeliveryRow[] {
  return [...a.workers.values()]
    .filter((w) => w.deliveries > 0 || w.pops > 0)
    .map((w) => {
      const d = w.deliveryTimes;
      return {
        worker: w.name,
        deliveries: w.deliveries,
        cancelled: w.cancelled,
        pops: w.pops + w.fakePops,
        timed: d.count,
        mean_s: d.mean,
        median_s: d.quantile(0.5),
        p90_s: d.quantile(0.9),
        min_s: d.count > 0 ? d.min : Number.NaN,
        max_s: d.count > 0 ? d.max : Number.NaN,
        aborts: w.aborts,
        unfinished: w.unfinished,
      };
    })
    .sort((x, y) => y.deliveries - x.deliveries || cmp(x.worker, y.worker));
}

function logTimeMs(t: number): string {
  return new Date(t).toISOString().replace("T", " ").replace("Z", "");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
