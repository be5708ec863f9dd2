import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { RecordSink } from "../horde/record-types.js";
import { CsvWriter, formatField } from "../metrics/csv.js";
import type { AttemptRecord, QueueSample, RequestRecord, UserRecord, WorkerRecord } from "../horde/record-types.js";
import { ReplicationAccumulator, type ReplicationStats } from "../metrics/replication-stats.js";
import { type Summary, summarize } from "../metrics/summary.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { HordeLogWriter } from "../report/horde-log-writer.js";
import { OutputFolder } from "./output-folder.js";
import { runReplication } from "./run-replication.js";
import { runPool } from "./worker-pool.js";

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
  /** Worker threads for the replications (default 1: all in this thread). The folder is the same for every value. */
  jobs?: number;
  /** Also write horde.log: the first arm's first replication, as one server's log. */
  hordeLog?: boolean;
  /** Called after each replication with wall-clock progress (stderr only); in completion order. */
  onProgress?: (done: number, total: number, events: number) => void;
  /** Writes more files into the folder before it is committed. */
  afterRuns?: (folder: OutputFolder) => Promise<void> | void;
}

/** The five record files of a run, in the order they are listed here. */
const TABLES = [
  { name: "requests", columns: REQUEST_COLUMNS },
  { name: "users", columns: USER_COLUMNS },
  { name: "attempts", columns: ATTEMPT_COLUMNS },
  { name: "workers", columns: WORKER_COLUMNS },
  { name: "samples", columns: SAMPLE_COLUMNS },
] as const;

type TableName = (typeof TABLES)[number]["name"];

/** Where one (arm, replication) writes its rows. */
interface UnitWriters {
  requests: CsvWriter<RequestRecord>;
  users: CsvWriter<UserRecord>;
  attempts: CsvWriter<AttemptRecord>;
  workers: CsvWriter<WorkerRecord>;
  samples: CsvWriter<QueueSample>;
}

function openWriters(pathOf: (table: TableName) => string): UnitWriters {
  return {
    requests: new CsvWriter<RequestRecord>(pathOf("requests"), REQUEST_COLUMNS),
    users: new CsvWriter<UserRecord>(pathOf("users"), USER_COLUMNS),
    attempts: new CsvWriter<AttemptRecord>(pathOf("attempts"), ATTEMPT_COLUMNS),
    workers: new CsvWriter<WorkerRecord>(pathOf("workers"), WORKER_COLUMNS),
    samples: new CsvWriter<QueueSample>(pathOf("samples"), SAMPLE_COLUMNS),
  };
}

async function closeWriters(w: UnitWriters): Promise<void> {
  await Promise.all([w.requests.close(), w.users.close(), w.attempts.close(), w.workers.close(), w.samples.close()]);
}

/** What one (arm, replication) hands back: its figures for the summary and its event count (for progress). */
export interface UnitResult {
  stats: ReplicationStats;
  events: number;
}

/** Runs one arm's replication, streaming its rows into `files` and, given a path, its horde.log. */
function runUnit(
  scenario: Scenario,
  arm: PolicyConfig,
  seed: number,
  replication: number,
  files: UnitWriters,
  hordeLogPath: string | undefined,
): UnitResult {
  const acc = new ReplicationAccumulator();
  const sink: RecordSink = {
    request: (r) => {
      files.requests.write(r);
      acc.addRequest(r);
    },
    user: (u) => {
      files.users.write(u);
      acc.addUser(u);
    },
    attempt: (a) => {
      files.attempts.write(a);
      acc.addAttempt(a);
    },
    worker: (w) => files.workers.write(w),
    sample: (s) => files.samples.write(s),
  };
  const log = hordeLogPath === undefined ? null : new HordeLogWriter(hordeLogPath, scenario.start_time);
  try {
    const result = runReplication({
      scenario,
      arm,
      seed,
      replication,
      sink,
      observe: log === null ? undefined : (model) => log.observer(model),
      // the writer reads entities only while told of an event (test/report/horde-log-retain.test.ts)
      retainEnded: false,
    });
    return { stats: acc.finish(), events: result.events };
  } finally {
    log?.close();
  }
}

/** Given once to every worker thread of a parallel run. */
export interface UnitWorkerData {
  scenario: Scenario;
  arms: PolicyConfig[];
  seed: number;
  /** The result folder being written (its temporary name). */
  dir: string;
  hordeLog: boolean;
}

/** One (arm, replication) of a parallel run: `arm` indexes UnitWorkerData.arms, `replication` is 1-based. */
export interface UnitTask {
  arm: number;
  replication: number;
}

const UNITS_DIR = ".units";

function unitFile(dir: string, task: UnitTask, table: TableName): string {
  return join(dir, UNITS_DIR, `${task.arm}-${task.replication}.${table}.csv`);
}

/** The worker-thread side of a parallel run: one unit into its own files under `.units/` of the folder. */
export async function runUnitInWorker(data: UnitWorkerData, task: UnitTask): Promise<UnitResult> {
  const files = openWriters((table) => unitFile(data.dir, task, table));
  try {
    const hordeLog =
      data.hordeLog && task.arm === 0 && task.replication === 1 ? join(data.dir, "horde.log") : undefined;
    return runUnit(data.scenario, data.arms[task.arm], data.seed, task.replication, files, hordeLog);
  } finally {
    await closeWriters(files);
  }
}

function writeAll(fd: number, buf: Buffer, length: number): void {
  for (let off = 0; off < length; ) off += writeSync(fd, buf, off, length - off);
}

/**
 * Writes `path` as one header followed by the rows of every part, in order, streaming through a fixed buffer;
 * each part is a CSV file with the same header, deleted once copied.
 */
function concatenateParts(path: string, header: string, parts: readonly string[]): void {
  const head = Buffer.from(header, "utf8");
  const buf = Buffer.allocUnsafe(1 << 20);
  const out = openSync(path, "w");
  try {
    writeAll(out, head, head.length);
    for (const part of parts) {
      const fd = openSync(part, "r");
      try {
        const n = readSync(fd, buf, 0, head.length, 0);
        if (n !== head.length || !buf.subarray(0, n).equals(head)) throw new Error(`${part}: unexpected CSV header`);
        for (let pos = head.length; ; ) {
          const got = readSync(fd, buf, 0, buf.length, pos);
          if (got === 0) break;
          writeAll(out, buf, got);
          pos += got;
        }
      } finally {
        closeSync(fd);
      }
      rmSync(part);
    }
  } finally {
    closeSync(out);
  }
}

/** Every unit in this thread, one after the other, straight into the folder's files. */
async function runInProcess(opts: ExperimentOptions, folder: OutputFolder, stats: ReplicationStats[][]): Promise<void> {
  const files = openWriters((table) => folder.path(`${table}.csv`));
  const total = opts.arms.length * opts.replications;
  let done = 0;
  try {
    for (let a = 0; a < opts.arms.length; a++) {
      for (let rep = 1; rep <= opts.replications; rep++) {
        const hordeLog = opts.hordeLog && a === 0 && rep === 1 ? folder.path("horde.log") : undefined;
        const result = runUnit(opts.scenario, opts.arms[a], opts.seed, rep, files, hordeLog);
        stats[a][rep - 1] = result.stats;
        opts.onProgress?.(++done, total, result.events);
      }
    }
  } finally {
    await closeWriters(files);
  }
}

/** Every unit on `jobs` worker threads, each into its own files; then the files joined in canonical order. */
async function runInWorkers(
  opts: ExperimentOptions,
  folder: OutputFolder,
  stats: ReplicationStats[][],
  jobs: number,
): Promise<void> {
  const tasks: UnitTask[] = [];
  for (let arm = 0; arm < opts.arms.length; arm++) {
    for (let replication = 1; replication <= opts.replications; replication++) tasks.push({ arm, replication });
  }
  mkdirSync(join(folder.dir, UNITS_DIR), { recursive: true });
  const data: UnitWorkerData = {
    scenario: opts.scenario,
    arms: opts.arms,
    seed: opts.seed,
    dir: folder.dir,
    hordeLog: opts.hordeLog === true,
  };
  let done = 0;
  await runPool<UnitTask, UnitResult>({
    worker: new URL("./run-worker.js", import.meta.url),
    workerData: data,
    tasks,
    jobs,
    onResult: (index, result) => {
      const task = tasks[index];
      stats[task.arm][task.replication - 1] = result.stats;
      opts.onProgress?.(++done, tasks.length, result.events);
    },
  });
  for (const { name, columns } of TABLES) {
    const header = `${(columns as readonly string[]).map(formatField).join(",")}\n`;
    const parts = tasks.map((task) => unitFile(folder.dir, task, name));
    concatenateParts(folder.path(`${name}.csv`), header, parts);
  }
  rmSync(join(folder.dir, UNITS_DIR), { recursive: true, force: true });
}

/**
 * Runs every arm over the same replications (common random numbers) into one result folder. With `jobs` > 1
 * the replications run on worker threads; the folder is byte-identical whatever `jobs` is.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<Summary> {
  const jobs = opts.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be an integer >= 1, got ${jobs}`);
  const folder = OutputFolder.open(opts.out, { force: opts.force });
  try {
    const stats: ReplicationStats[][] = opts.arms.map(() => new Array<ReplicationStats>(opts.replications));
    if (jobs > 1 && opts.arms.length * opts.replications > 1) await runInWorkers(opts, folder, stats, jobs);
    else await runInProcess(opts, folder, stats);
    const summary = summarize(
      {
        scenario: { name: opts.scenario.name, sha256: opts.scenarioSha256 },
        seed: opts.seed,
        replications: opts.replications,
        warmup_s: opts.scenario.warmup,
        horizon_s: opts.scenario.horizon,
      },
      opts.arms.map((arm, a) => ({ policy: arm.name, reps: stats[a] })),
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
