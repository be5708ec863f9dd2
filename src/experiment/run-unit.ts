// One unit of a run: an arm's replication, measured. Its records go, as they are emitted, to the caller's
// sink (a result folder's tables, results/record-files.ts) and into the replication's figures (metrics/).
import type { RecordSink } from "../horde/record-types.js";
import { LoadAccumulator } from "../metrics/load-stats.js";
import { ReplicationAccumulator, type ReplicationStats } from "../metrics/replication-stats.js";
import { type ReplicationRun, runReplication } from "./run-replication.js";

/** What one (arm, replication) hands back: its figures for the summary and its event count (for progress). */
export interface UnitResult {
  stats: ReplicationStats;
  events: number;
}

export interface UnitRun extends Omit<ReplicationRun, "sink"> {
  /** Where every record goes as well (nothing kept here); none when only the figures are wanted. */
  records?: RecordSink;
}

export function runUnit(run: UnitRun): UnitResult {
  const acc = new ReplicationAccumulator();
  const load = new LoadAccumulator({ warmup: run.scenario.warmup, horizon: run.scenario.horizon });
  const out = run.records;
  const sink: RecordSink =
    out === undefined
      ? {
          request: (r) => {
            acc.addRequest(r);
            load.addRequest(r);
          },
          user: (u) => {
            acc.addUser(u);
            load.addUser(u);
          },
          attempt: (a) => {
            acc.addAttempt(a);
            load.addAttempt(a);
          },
          worker: () => {},
          sample: () => {},
        }
      : {
          request: (r) => {
            out.request(r);
            acc.addRequest(r);
            load.addRequest(r);
          },
          user: (u) => {
            out.user(u);
            acc.addUser(u);
            load.addUser(u);
          },
          attempt: (a) => {
            out.attempt(a);
            acc.addAttempt(a);
            load.addAttempt(a);
          },
          worker: (w) => out.worker(w),
          sample: (s) => out.sample(s),
        };
  const { records: _records, ...replication } = run;
  const result = runReplication({ ...replication, sink });
  return { stats: { ...acc.finish(), load: load.finish() }, events: result.events };
}
