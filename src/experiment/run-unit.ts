// One unit of a run: an arm's replication, measured. Its records go, as they are emitted, to the caller's
// sink (a result folder's tables, results/record-files.ts) and into the replication's figures (metrics/).
import type { RecordSink } from "../horde/record-types.js";
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

export function runUnit(run: UnitRun): UnitResult {
  const acc = new ReplicationAccumulator();
  const status = new StatusAverager(run.scenario.warmup);
  const out = run.records;
  const sink: RecordSink =
    out === undefined
      ? {
          request: (r) => acc.addRequest(r),
          user: (u) => acc.addUser(u),
          attempt: (a) => acc.addAttempt(a),
          worker: () => {},
          sample: (s) => status.add(s),
        }
      : {
          request: (r) => {
            out.request(r);
            acc.addRequest(r);
          },
          user: (u) => {
            out.user(u);
            acc.addUser(u);
          },
          attempt: (a) => {
            out.attempt(a);
            acc.addAttempt(a);
          },
          worker: (w) => out.worker(w),
          sample: (s) => {
            out.sample(s);
            status.add(s);
          },
        };
  const { records: _records, ...replication } = run;
  const result = runReplication({ ...replication, sink });
  return { stats: acc.finish(), status: status.finish(), events: result.events };
}
