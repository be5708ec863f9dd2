// `hordesim run`'s result folder: every arm over the same replications (common random numbers), each unit's
// records gathered in the record store in canonical unit order (arm, then replication, whatever --jobs is or
// however a replication plan batches the units), then the record tables, summary.json and scenario.yaml
// written and the folder put in place whole.
import { writeFileSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Interrupted } from "../errors.js";
import { fixedPlan, type ReplicationPlan, type UnitTask } from "../experiment/replication-plan.js";
import { runPool } from "../experiment/worker-pool.js";
import { type DecisionSections, decisionSections } from "../metrics/decision-summary.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { compareTargets, type StatusAverages } from "../metrics/status-targets.js";
import { type Summary, summarize, tidy } from "../metrics/summary.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { diskError } from "./disk-errors.js";
import { OutputFolder } from "./output-folder.js";
import { RecordFiles, type RecordsChoice, tablesFor } from "./record-files.js";
import { type RecordFormat, RecordStore } from "./record-store.js";
import { runFolderUnit, runUnitInWorker, type UnitWorkerData, type WorkerUnitResult } from "./run-unit-folder.js";

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
  /** Which units to run, batch by batch (default: every arm over `replications`, in one batch). */
  plan?: ReplicationPlan;
  /** Called before each batch with its number of units. */
  onBatch?: (units: number) => void;
  /** More of summary.json, read once the plan has finished (e.g. what KN selected). */
  summaryExtra?: () => Record<string, unknown>;
}

/** summary.json: the headline figures and what helps decide. */
export type RunSummary = Summary & DecisionSections;

function interrupted(signal: AbortSignal, folder: OutputFolder): Interrupted {
  const name = signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT";
  return new Interrupted(name, `interrupted (${name}): removed ${folder.dir}; nothing was written`);
}

/** Keeps what one unit hands back (its figures; its records go to the store separately). */
type KeepResult = (task: UnitTask, result: WorkerUnitResult | ReturnType<typeof runFolderUnit>) => void;

/** Every unit in this thread in canonical order, its chunks appended to the store as they fill. */
async function runInProcess(
  opts: ExperimentOptions,
  folder: OutputFolder,
  store: RecordStore | null,
  record: KeepResult,
): Promise<void> {
  const total = opts.arms.length * opts.replications;
  let done = 0;
  for (let a = 0; a < opts.arms.length; a++) {
    for (let rep = 1; rep <= opts.replications; rep++) {
      // a signal is handled between units: the loop gives it its turn here
      await nextTurn();
      if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
      const files =
        store === null ? undefined : new RecordFiles(tablesFor(store.records), store.records === "requests");
      if (store !== null && files !== undefined) {
        await store.beginUnit();
        store.attach(files);
      }
      const hordeLog = opts.hordeLog && a === 0 && rep === 1 ? folder.path("horde.log") : undefined;
      const result = runFolderUnit(opts.scenario, opts.arms[a], opts.seed, rep, files, hordeLog);
      for (const batch of files?.batches() ?? []) batch.flush();
      store?.endUnit();
      record({ arm: a, replication: rep }, result);
      opts.onProgress?.(++done, total, result.events);
    }
  }
}

/**
 * The plan's batches: each batch's units on `jobs` worker threads (or here, for a later plan's batch too small
 * to be worth starting threads), their records handed to the store in canonical order. Under the fixed plan
 * (one batch holding every unit in canonical order) a unit's tables go as soon as every unit before it has
 * come back, so their encoding overlaps the units still running; under another plan they wait for its end (a
 * later batch may add replications of an earlier arm).
 */
async function runPlan(
  opts: ExperimentOptions,
  plan: ReplicationPlan,
  folder: OutputFolder,
  store: RecordStore | null,
  stats: readonly ReplicationStats[][],
  record: KeepResult,
  jobs: number,
): Promise<void> {
  const data: UnitWorkerData = {
    scenario: opts.scenario,
    arms: opts.arms,
    seed: opts.seed,
    dir: folder.dir,
    hordeLog: opts.hordeLog === true,
    tables: store === null ? null : [...tablesFor(store.records)],
    wrongAttemptsOnly: store?.records === "requests",
  };
  const streaming = opts.plan === undefined;
  let handing: Promise<void> = Promise.resolve();
  const hand = (tables: WorkerUnitResult["tables"]) => {
    if (store === null) return;
    handing = handing.then(async () => {
      await store.beginUnit();
      for (const [name, contents] of tables ?? []) store.add(name, contents);
      store.endUnit();
    });
    handing.catch(() => {}); // awaited below
  };
  try {
    const kept = new Map<string, { task: UnitTask; tables: WorkerUnitResult["tables"] }>();
    for (let tasks = plan.next(stats); tasks !== null; tasks = plan.next(stats)) {
      opts.onBatch?.(tasks.length);
      let done = 0;
      const waiting = new Map<number, WorkerUnitResult["tables"]>();
      let handed = 0;
      const onResult = (index: number, result: WorkerUnitResult) => {
        const task = tasks[index];
        record(task, result);
        if (streaming) {
          waiting.set(index, result.tables);
          for (; waiting.has(handed); handed++) {
            hand(waiting.get(handed) ?? null);
            waiting.delete(handed);
          }
        } else kept.set(`${task.arm}/${task.replication}`, { task, tables: result.tables });
        opts.onProgress?.(++done, tasks.length, result.events);
      };
      // Threads start afresh for every batch (~0.3 s each): a small batch (KN's rounds) runs here instead.
      if (jobs === 1 || (!streaming && tasks.length < 2 * jobs)) {
        for (let i = 0; i < tasks.length; i++) {
          await nextTurn();
          if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
          onResult(i, runUnitInWorker(data, tasks[i]));
        }
      } else {
        await runPool<UnitTask, WorkerUnitResult>({
          worker: new URL("./run-worker.js", import.meta.url),
          workerData: data,
          tasks,
          jobs,
          signal: opts.signal,
          onResult,
        });
        if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
      }
    }
    const ordered = [...kept.values()].sort(
      (x, y) => x.task.arm - y.task.arm || x.task.replication - y.task.replication,
    );
    for (const unit of ordered) hand(unit.tables);
    await handing;
  } finally {
    // a failed or stopped run leaves the store only once nothing is being handed to it
    await handing.catch(() => {});
  }
}

/**
 * Runs every arm over the same replications (common random numbers) into one result folder. With `jobs` > 1
 * the replications run on worker threads; the folder is byte-identical whatever `jobs` is.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<RunSummary> {
  const jobs = opts.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be an integer >= 1, got ${jobs}`);
  const records = opts.records ?? "requests";
  const folder = OutputFolder.open(opts.out, { force: opts.force });
  let store: RecordStore | null = null;
  const onAbort = () => store?.interrupt();
  opts.signal?.addEventListener("abort", onAbort);
  try {
    const inProcess = opts.plan === undefined && (jobs === 1 || opts.arms.length * opts.replications === 1);
    // in process, each unit's tables are encoded on one DuckDB thread while the next unit runs on the other core
    store =
      records === "none"
        ? null
        : await RecordStore.open(opts.format ?? "parquet", records, folder.path(".parts"), {
            threads: inProcess ? 1 : undefined,
          });
    const stats: ReplicationStats[][] = opts.arms.map(() => []);
    const status: StatusAverages[][] = opts.arms.map(() => []);
    const record: KeepResult = (task, result) => {
      stats[task.arm][task.replication - 1] = result.stats;
      status[task.arm][task.replication - 1] = result.status;
    };
    if (inProcess) {
      await runInProcess(opts, folder, store, record);
    } else {
      const plan = opts.plan ?? fixedPlan(opts.arms.length, opts.replications);
      await runPlan(opts, plan, folder, store, stats, record, jobs);
    }
    await store?.write((name, extension) => folder.path(`${name}.${extension}`));
    store?.close();
    const arms = opts.arms.map((arm, a) => ({ policy: arm.name, reps: stats[a] }));
    const targets = opts.scenario.targets;
    const summary = summarize(
      {
        scenario: {
          name: opts.scenario.name,
          sha256: opts.scenarioSha256,
          ...(opts.scenario.modules === undefined
            ? {}
            : { modules: opts.scenario.modules.map((m) => ({ file: m.file, kind: m.kind, sha256: m.sha256 })) }),
        },
        seed: opts.seed,
        replications: Math.max(0, ...stats.map((s) => s.length)),
        warmup_s: opts.scenario.warmup,
        horizon_s: opts.scenario.horizon,
        ...(targets === undefined
          ? {}
          : {
              targets: compareTargets(
                targets,
                opts.arms.map((arm, a) => ({ policy: arm.name, reps: status[a] })),
              ),
            }),
      },
      arms,
    );
    const full: RunSummary = tidy({
      ...summary,
      ...decisionSections(opts.scenario.objectives, arms),
      ...opts.summaryExtra?.(),
    });
    writeFileSync(folder.path("summary.json"), `${JSON.stringify(full, null, 2)}\n`);
    writeFileSync(folder.path("scenario.yaml"), opts.scenarioText);
    await opts.afterRuns?.(folder);
    if (opts.signal?.aborted) throw interrupted(opts.signal, folder);
    folder.commit();
    return full;
  } catch (err) {
    await store?.settle();
    folder.abort();
    if (opts.signal?.aborted && !(err instanceof Interrupted)) throw interrupted(opts.signal, folder);
    throw diskError(err, folder.dir);
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    await store?.settle();
    store?.close();
  }
}
