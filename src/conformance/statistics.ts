// Statistical conformance: the real run's figures against what hordesim predicts for the same scenario over
// many replications (the central 95 % of the replications' values: a prediction interval for one run).
import { runReplication } from "../experiment/run-replication.js";
import type { AttemptRecord, RecordSink, RequestRecord } from "../horde/record-types.js";
import type { Scenario } from "../scenario/types.js";
import type { ConformanceResult } from "./result-files.js";
import type { Sweep } from "./server-log.js";

export interface RunFigures {
  /** Stale aborts per worker, for the workers named. */
  abortsByWorker: Map<string, number>;
  /** Mean seconds from a job's pop to its stale abort (NaN when none). */
  popToAbort: number;
  /** Requests faulted by the 3 strikes. */
  requestsFaulted: number;
  /** Seconds from a completed request's activation to the acceptance of its result (server side). */
  latencyP50: number;
  latencyP90: number;
}

export interface FigureCheck {
  figure: string;
  real: number;
  low: number;
  high: number;
  inside: boolean;
}

/** The R-7 quantile of sorted values (NaN for none). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The real run's figures from its log, its database dump and its sweeps. */
export function realFigures(
  result: ConformanceResult,
  sweeps: readonly Sweep[],
  hangingWorkers: readonly string[],
): RunFigures {
  const jobs = new Map(result.jobs.map((j) => [j.id, j]));
  const abortsByWorker = new Map(hangingWorkers.map((w) => [w, 0]));
  const popToAbort: number[] = [];
  let requestsFaulted = 0;
  for (const s of sweeps) {
    requestsFaulted += s.faultedCount;
    for (const id of s.aborted) {
      const j = jobs.get(id);
      if (j === undefined) continue;
      popToAbort.push(s.t - j.start);
      if (abortsByWorker.has(j.worker)) abortsByWorker.set(j.worker, (abortsByWorker.get(j.worker) ?? 0) + 1);
    }
  }
  // Latency on the server's side: from the request's activation (its log line, or its first pop if that came
  // first) to the acceptance of the result that completed it.
  const activated = new Map<string, number>();
  for (const e of result.events) {
    if (e.ev !== "server") continue;
    const m = /New txt2img prompt with ID ([0-9a-f-]{36})/.exec(e.line);
    if (m !== null && !activated.has(m[1])) activated.set(m[1], e.t);
  }
  for (const j of result.jobs) activated.set(j.wp, Math.min(activated.get(j.wp) ?? Number.POSITIVE_INFINITY, j.start));
  const latencies: number[] = [];
  for (const e of result.events) {
    if (e.ev !== "result" || e.state !== "ok" || e.status !== 200) continue;
    const j = jobs.get(e.job);
    const t = j === undefined ? undefined : activated.get(j.wp);
    if (t !== undefined) latencies.push(e.t1 - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    abortsByWorker,
    popToAbort: mean(popToAbort),
    requestsFaulted,
    latencyP50: quantile(latencies, 0.5),
    latencyP90: quantile(latencies, 0.9),
  };
}

/** One replication's figures, from its records (run for `horizon`, the real run's length). */
function simulatedFigures(scenario: Scenario, replication: number, hangingWorkers: readonly string[]): RunFigures {
  const attempts: AttemptRecord[] = [];
  const requests: RequestRecord[] = [];
  const sink: RecordSink = {
    request: (r) => requests.push(r),
    user() {},
    attempt: (a) => attempts.push(a),
    worker() {},
    sample() {},
  };
  // Faulted by the 3 strikes (the server's "New faulted WPs"), not closed with fewer images than asked.
  let struck = 0;
  const trace = (_t: number, kind: string) => {
    if (kind === "request_faulted") struck++;
  };
  runReplication({ scenario, arm: scenario.policies[0], seed: scenario.seed, replication, sink, trace });
  const abortsByWorker = new Map(hangingWorkers.map((w) => [w, 0]));
  const popToAbort: number[] = [];
  for (const a of attempts) {
    if (a.end !== "stale_abort") continue;
    popToAbort.push(a.ended_s - a.popped_s);
    const name = `conformance-${a.worker_name}`;
    if (abortsByWorker.has(name)) abortsByWorker.set(name, (abortsByWorker.get(name) ?? 0) + 1);
  }
  const latencies = requests
    .filter((r) => r.outcome === "completed" && Number.isFinite(r.latency_s))
    .map((r) => r.latency_s)
    .sort((a, b) => a - b);
  return {
    abortsByWorker,
    popToAbort: mean(popToAbort),
    requestsFaulted: struck,
    latencyP50: quantile(latencies, 0.5),
    latencyP90: quantile(latencies, 0.9),
  };
}

function flatten(f: RunFigures): Map<string, number> {
  const m = new Map<string, number>();
  for (const [w, n] of f.abortsByWorker) m.set(`stale aborts of ${w}`, n);
  m.set("mean pop-to-abort (s)", f.popToAbort);
  m.set("requests faulted", f.requestsFaulted);
  m.set("latency p50 (s)", f.latencyP50);
  m.set("latency p90 (s)", f.latencyP90);
  return m;
}

/** The real figures against the central 95 % of `replications` simulated runs of `seconds`. */
export function checkFigures(
  scenario: Scenario,
  real: RunFigures,
  seconds: number,
  replications: number,
  hangingWorkers: readonly string[],
): FigureCheck[] {
  const sc: Scenario = { ...scenario, horizon: seconds };
  const sims: Map<string, number>[] = [];
  for (let r = 1; r <= replications; r++) sims.push(flatten(simulatedFigures(sc, r, hangingWorkers)));
  const checks: FigureCheck[] = [];
  for (const [figure, value] of flatten(real)) {
    const values = sims
      .map((m) => m.get(figure) ?? Number.NaN)
      .filter((v) => Number.isFinite(v))
      .sort((a, b) => a - b);
    const low = quantile(values, 0.025);
    const high = quantile(values, 0.975);
    checks.push({ figure, real: value, low, high, inside: value >= low && value <= high });
  }
  return checks;
}

export function formatFigureChecks(checks: readonly FigureCheck[], replications: number): string {
  const lines = [
    `statistical conformance: the real run against ${replications} hordesim replications (95 % prediction interval)`,
  ];
  for (const c of checks) {
    lines.push(
      `  ${c.figure.padEnd(40)} real ${c.real.toFixed(2).padStart(9)}   interval [${c.low.toFixed(2)}, ${c.high.toFixed(2)}]   ${c.inside ? "inside" : "OUTSIDE"}`,
    );
  }
  const outside = checks.filter((c) => !c.inside).length;
  lines.push(`figures inside their interval: ${checks.length - outside} of ${checks.length}`);
  return `${lines.join("\n")}\n`;
}
