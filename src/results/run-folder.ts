// `hordesim run`'s result folder: every arm over the same replications (common random numbers), each unit's
// records gathered in the record store in canonical unit order (arm, then replication, whatever --jobs is),
// then the record tables, summary.json and scenario.yaml written and the folder put in place whole.
import { writeFileSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Interrupted } from "../errors.js";
import { runPool } from "../experiment/worker-pool.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { type Summary, summarize } from "../metrics/summary.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { diskError } from "./disk-errors.js";
import { OutputFolder } from "./output-folder.js";
import { RecordFiles, type RecordsChoice } from "./record-files.js";
import { type RecordFormat, RecordStore } from "./record-store.js";
import { runFolderUnit, type UnitTask, type UnitWorkerData, type WorkerUnitResult } from "./run-unit-folder.js";

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
  /** Which record tables to write (default `requests`: every chart's data, attempts only where they matter). */
  records?: RecordsChoice;
  /** The record tables' format (default parquet). */
  format?: RecordFormat;
  /** Aborted with "SIGINT" or "SIGTERM" as its reason: stop, remove the partial folder, throw Interrupted. */
  signal?: AbortSignal;
  /** Worker threads for the replications (default 1: all in this thread). The folder is the same for every value. */
  jobs?: number;
  /** Also write horde.log: the first arm's first replication, as one server's log. */
  hordeLog?: boolean;
  /** Called after each replication with wall-clock progress (stderr only); in completion order. */
  onProgress?: (done: number, total: number, events: number) => void;
  /** Writes more files into the folder before it is committed. */
  afterRuns?: (folder: OutputFolder) => Promise<void> | void;
}

function interrupted(signal: AbortSignal, folder: OutputFolder): Interrupted {
  const name = signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT";
  return new Interrupted(name, `interrupted (${name}): removed ${folder.dir}; nothing was written`);
}

/** Every unit in this thread, one after the other, its chunks appended to the store as they fill. */
async function runInProcess(
  opts: ExperimentOptions,
  folder: OutputFolder,
  store: RecordStore | null,
  stats: ReplicationStats[][],
): Promise<void> {
  const total = opts.arms.length * opts.replications;
  let done = 0;
  for (let a = 0; a < opts.arms.length; a++) {
    for (let rep = 1; rep <= opts.replications; rep++) {
      // a signal is handled between units: the loop gives it its turn here
      await nextTurn();
      if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
      const files = store === null ? undefined : new RecordFiles();
      if (files !== undefined) store?.attach(files);
      const hordeLog = opts.hordeLog && a === 0 && rep === 1 ? folder.path("horde.log") : undefined;
      const result = runFolderUnit(opts.scenario, opts.arms[a], opts.seed, rep, files, hordeLog);
      for (const batch of files?.batches() ?? []) batch.flush();
      stats[a][rep - 1] = result.stats;
      opts.onProgress?.(++done, total, result.events);
    }
  }
}

/** Every unit on `jobs` worker threads; their records appended to the store in canonical order as they come. */
async function runInWorkers(
  opts: ExperimentOptions,
  folder: OutputFolder,
  store: RecordStore | null,
  stats: ReplicationStats[][],
  jobs: number,
): Promise<void> {
  const tasks: UnitTask[] = [];
  for (let arm = 0; arm < opts.arms.length; arm++) {
    for (let replication = 1; replication <= opts.replications; replication++) tasks.push({ arm, replication });
  }
  const data: UnitWorkerData = {
    scenario: opts.scenario,
    arms: opts.arms,
    seed: opts.seed,
    dir: folder.dir,
    hordeLog: opts.hordeLog === true,
    records: store !== null,
  };
  const waiting = new Map<number, WorkerUnitResult["tables"]>();
  let nextToStore = 0;
  let done = 0;
  await runPool<UnitTask, WorkerUnitResult>({
    worker: new URL("./run-worker.js", import.meta.url),
    workerData: data,
    tasks,
    jobs,
    signal: opts.signal,
    onResult: (index, result) => {
      const task = tasks[index];
      stats[task.arm][task.replication - 1] = result.stats;
      waiting.set(index, result.tables);
      for (; waiting.has(nextToStore); nextToStore++) {
        for (const [name, contents] of waiting.get(nextToStore) ?? []) store?.add(name, contents);
        waiting.delete(nextToStore);
      }
      opts.onProgress?.(++done, tasks.length, result.events);
    },
  });
  if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
}

/**
 * Runs every arm over the same replications (common random numbers) into one result folder. With `jobs` > 1
 * the replications run on worker threads; the folder is byte-identical whatever `jobs` is.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<Summary> {
  const jobs = opts.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be an integer >= 1, got ${jobs}`);
  const records = opts.records ?? "requests";
  const folder = OutputFolder.open(opts.out, { force: opts.force });
  let store: RecordStore | null = null;
  const onAbort = () => store?.interrupt();
  opts.signal?.addEventListener("abort", onAbort);
  try {
    store = records === "none" ? null : await RecordStore.open(opts.format ?? "parquet", records);
    const stats: ReplicationStats[][] = opts.arms.map(() => new Array<ReplicationStats>(opts.replications));
    if (jobs > 1 && opts.arms.length * opts.replications > 1) await runInWorkers(opts, folder, store, stats, jobs);
    else await runInProcess(opts, folder, store, stats);
    await store?.write((name, extension) => folder.path(`${name}.${extension}`));
    store?.close();
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
    if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
    folder.commit();
    return summary;
  } catch (err) {
    folder.abort();
    if (opts.signal?.aborted && !(err instanceof Interrupted)) throw interrupted(opts.signal, folder);
    throw diskError(err, folder.dir);
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    store?.close();
  }
}
