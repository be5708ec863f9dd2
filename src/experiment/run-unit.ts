// One unit of a run: an arm's replication, measured. Its records go, as they are emitted, to the caller's
// sink (a result folder's tables, results/record-files.ts) and into the replication's figures (metrics/).
import type { AttemptRecord, RecordSink, RequestRecord, UserRecord } from "../horde/record-types.js";
import { LoadAccumulator } from "../metrics/load-stats.js";
import { ReplicationAccumulator, type ReplicationStats } from "../metrics/replication-stats.js";
import { StatusAverager, type StatusAverages } from "../metrics/status-targets.js";
import { type ReplicationRun, runReplication } from "./run-replication.js";

/** What one (arm, replication) hands back: its figures for the summary and its event count (for progress). */
export interface UnitResult {
  stats: ReplicationStats;
  /** The queue samples' Horde figures, time-averaged after the warm-up (for a scenario's targets). */
  status: StatusAverages;
  events: number;
}

export interface UnitRun extends Omit<ReplicationRun, "sink"> {
  /** Where every record goes as well (nothing kept here); none when only the figures are wanted. */
  records?: RecordSink;
}

interface Accumulator {
  addRequest(r: RequestRecord): void;
  addUser(u: UserRecord): void;
  addAttempt(a: AttemptRecord): void;
}

export function runUnit(run: UnitRun): UnitResult {
  const figures = new ReplicationAccumulator();
  const load = new LoadAccumulator({ warmup: run.scenario.warmup, horizon: run.scenario.horizon });
  const status = new StatusAverager(run.scenario.warmup);
  const accs: Accumulator[] = [figures, load];
  const out = run.records;
  const sink: RecordSink = {
    request: (r) => {
      out?.request(r);
      for (let i = 0; i < accs.length; i++) accs[i].addRequest(r);
    },
    user: (u) => {
      out?.user(u);
      for (let i = 0; i < accs.length; i++) accs[i].addUser(u);
    },
    attempt: (at) => {
      out?.attempt(at);
      for (let i = 0; i < accs.length; i++) accs[i].addAttempt(at);
    },
    worker: (w) => out?.worker(w),
    sample: (s) => {
      out?.sample(s);
      status.add(s);
    },
  };
  const { records: _records, ...replication } = run;
  const result = runReplication({ ...replication, sink });
  const stats = { ...figures.finish(), load: load.finish() };
  return { stats, status: status.finish(), events: result.events };
}
