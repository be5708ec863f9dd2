import { writeFileSync } from "node:fs";
import type { HordeModel, RecordSink } from "../horde/model.js";
import type { TraceObserver } from "../horde/trace.js";
import { CsvWriter } from "../metrics/csv.js";
import type { AttemptRecord, QueueSample, RequestRecord, UserRecord, WorkerRecord } from "../metrics/records.js";
import { ReplicationAccumulator, type ReplicationStats } from "../metrics/replication-stats.js";
import { type Summary, summarize } from "../metrics/summary.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { OutputFolder } from "./output-folder.js";
import { runReplication } from "./run-replication.js";

export const REQUEST_COLUMNS: (keyof RequestRecord & string)[] = [
  "policy",
  "replication",
  "request_id",
  "origin_id",
  "resubmission",
  "stream",
  "width",
  "height",
  "steps",
  "sampler",
  "model",
  "submitted_s",
  "done_s",
  "outcome",
  "images_requested",
  "images_delivered",
  "attempts",
  "latency_s",
  "seen_s",
  "warmup",
];
export const USER_COLUMNS: (keyof UserRecord & string)[] = [
  "policy",
  "replication",
  "origin_id",
  "submitted_s",
  "final_s",
  "outcome",
  "submissions",
  "latency_s",
  "warmup",
];
export const ATTEMPT_COLUMNS: (keyof AttemptRecord & string)[] = [
  "policy",
  "replication",
  "request_id",
  "job_id",
  "attempt",
  "worker_id",
  "worker_name",
  "popped_s",
  "ended_s",
  "end",
  "ttl_s",
  "hedge",
  "wasted_gpu_s",
];
export const WORKER_COLUMNS: (keyof WorkerRecord & string)[] = [
  "policy",
  "replication",
  "worker_id",
  "worker_name",
  "group",
  "pops",
  "completed",
  "stale_aborts",
  "reported_faults",
  "late_discarded",
  "maintenance_entries",
  "busy_s",
  "wasted_gpu_s",
];
export const SAMPLE_COLUMNS: (keyof QueueSample & string)[] = ["policy", "replication", "t_s", "queued", "in_flight"];

export interface ExperimentOptions {
  scenario: Scenario;
  /** The scenario file's text, copied into the folder and hashed into the summary. */
  scenarioText: string;
  scenarioSha256: string;
  seed: number;
  replications: number;
  arms: PolicyConfig[];
  out: string;
  force: boolean;
  /** Called after each replication with wall-clock progress (stderr only). */
  onProgress?: (done: number, total: number, events: number) => void;
  /** A trace observer per (arm, replication), e.g. the horde.log writer. */
  observeFor?: (
    folder: OutputFolder,
    arm: PolicyConfig,
    replication: number,
  ) => ((model: HordeModel) => TraceObserver) | undefined;
  /** Writes more files into the folder before it is committed. */
  afterRuns?: (folder: OutputFolder) => Promise<void> | void;
}

/** Runs every arm over the same replications (common random numbers) into one result folder. */
export async function runExperiment(opts: ExperimentOptions): Promise<Summary> {
  const folder = OutputFolder.open(opts.out, { force: opts.force });
  try {
    const requests = new CsvWriter<RequestRecord>(folder.path("requests.csv"), REQUEST_COLUMNS);
    const users = new CsvWriter<UserRecord>(folder.path("users.csv"), USER_COLUMNS);
    const attempts = new CsvWriter<AttemptRecord>(folder.path("attempts.csv"), ATTEMPT_COLUMNS);
    const workers = new CsvWriter<WorkerRecord>(folder.path("workers.csv"), WORKER_COLUMNS);
    const samples = new CsvWriter<QueueSample>(folder.path("samples.csv"), SAMPLE_COLUMNS);
    const arms: { policy: string; reps: ReplicationStats[] }[] = [];
    const total = opts.arms.length * opts.replications;
    let done = 0;
    for (const arm of opts.arms) {
      const reps: ReplicationStats[] = [];
      for (let rep = 1; rep <= opts.replications; rep++) {
        const acc = new ReplicationAccumulator();
        const sink: RecordSink = {
          request: (r) => {
            requests.write(r);
            acc.addRequest(r);
          },
          user: (u) => {
            users.write(u);
            acc.addUser(u);
          },
          attempt: (a) => {
            attempts.write(a);
            acc.addAttempt(a);
          },
          worker: (w) => workers.write(w),
          sample: (s) => samples.write(s),
        };
        const result = runReplication({
          scenario: opts.scenario,
          arm,
          seed: opts.seed,
          replication: rep,
          sink,
          observe: opts.observeFor?.(folder, arm, rep),
        });
        reps.push(acc.finish());
        done++;
        opts.onProgress?.(done, total, result.events);
      }
      arms.push({ policy: arm.name, reps });
    }
    await Promise.all([requests.close(), users.close(), attempts.close(), workers.close(), samples.close()]);
    const summary = summarize(
      {
        scenario: { name: opts.scenario.name, sha256: opts.scenarioSha256 },
        seed: opts.seed,
        replications: opts.replications,
        warmup_s: opts.scenario.warmup,
        horizon_s: opts.scenario.horizon,
      },
      arms,
    );
    writeFileSync(folder.path("summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(folder.path("scenario.yaml"), opts.scenarioText);
    await opts.afterRuns?.(folder);
    folder.commit();
    return summary;
  } catch (err) {
    folder.abort();
    throw err;
  }
}
