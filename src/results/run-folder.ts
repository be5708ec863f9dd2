// `hordesim run`'s result folder: every arm over the same replications (common random numbers), each unit's
// records streamed into the record tables, then summary.json and scenario.yaml, the folder put in place whole.
// The units run as a replication plan asks, batch by batch; with more than one batch or thread each unit is
// written to its own files and the tables are joined in canonical order (arm, then replication) at the end.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedPlan, type ReplicationPlan, type UnitTask, unitTasks } from "../experiment/replication-plan.js";
import { runUnit, type UnitResult } from "../experiment/run-unit.js";
import { runPool } from "../experiment/worker-pool.js";
import { type DecisionSections, decisionSections } from "../metrics/decision-summary.js";
import { PairedHitCollector } from "../metrics/paired-collector.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { compareTargets, type StatusAverages } from "../metrics/status-targets.js";
import { type Summary, summarize, tidy } from "../metrics/summary.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { csvFormat } from "./csv-format.js";
import { HordeLogWriter } from "./horde-log-writer.js";
import { OutputFolder } from "./output-folder.js";
import { RecordFiles, TABLES, type TableFormat, type TableName } from "./record-files.js";

/** How the record tables are stored. */
const FORMAT: TableFormat = csvFormat;

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
  /** Which units to run, batch by batch (default: every arm over `replications`, in one batch). */
  plan?: ReplicationPlan;
  /** Called before each batch with its number of units. */
  onBatch?: (units: number) => void;
  /** More of summary.json, read once the plan has finished (e.g. what KN selected). */
  summaryExtra?: () => Record<string, unknown>;
}

/** summary.json: the headline figures and what helps decide. */
export type RunSummary = Summary & DecisionSections;

/** Runs one arm's replication, streaming its rows into `files` and, given a path, its horde.log. */
function runFolderUnit(
  scenario: Scenario,
  arm: PolicyConfig,
  seed: number,
  replication: number,
  files: RecordFiles,
  hordeLogPath: string | undefined,
): UnitResult {
  const log = hordeLogPath === undefined ? null : new HordeLogWriter(hordeLogPath, scenario.start_time);
  try {
    return runUnit({
      scenario,
      arm,
      seed,
      replication,
      records: files,
      arrivals: true,
      observe: log === null ? undefined : (model) => log.observer(model),
      // the writer reads entities only while told of an event (test/results/horde-log-retain.test.ts)
      retainEnded: false,
    });
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

export type { UnitTask };

const UNITS_DIR = ".units";

function unitFile(dir: string, task: UnitTask, table: TableName): string {
  return join(dir, UNITS_DIR, `${task.arm}-${task.replication}.${table}.${FORMAT.extension}`);
}

/** The worker-thread side of a parallel run: one unit into its own files under `.units/` of the folder. */
export async function runUnitInWorker(data: UnitWorkerData, task: UnitTask): Promise<UnitResult> {
  const files = new RecordFiles(FORMAT, (table) => unitFile(data.dir, task, table));
  try {
    const hordeLog =
      data.hordeLog && task.arm === 0 && task.replication === 1 ? join(data.dir, "horde.log") : undefined;
    return runFolderUnit(data.scenario, data.arms[task.arm], data.seed, task.replication, files, hordeLog);
  } finally {
    await files.close();
  }
}

/** Every unit in this thread, one after the other, straight into the folder's files. */
async function runInProcess(opts: ExperimentOptions, folder: OutputFolder, record: KeepResult): Promise<void> {
  const files = new RecordFiles(FORMAT, (table) => folder.path(`${table}.${FORMAT.extension}`));
  const total = opts.arms.length * opts.replications;
  let done = 0;
  try {
    for (let a = 0; a < opts.arms.length; a++) {
      for (let rep = 1; rep <= opts.replications; rep++) {
        const hordeLog = opts.hordeLog && a === 0 && rep === 1 ? folder.path("horde.log") : undefined;
        const result = runFolderUnit(opts.scenario, opts.arms[a], opts.seed, rep, files, hordeLog);
        record({ arm: a, replication: rep }, result);
        opts.onProgress?.(++done, total, result.events);
      }
    }
  } finally {
    await files.close();
  }
}

/** Keeps what one unit hands back. */
type KeepResult = (task: UnitTask, result: UnitResult) => void;

/** One batch, each unit into its own files under `.units/`: on `jobs` worker threads, or here. */
async function runBatch(
  opts: ExperimentOptions,
  data: UnitWorkerData,
  tasks: UnitTask[],
  record: KeepResult,
  jobs: number,
): Promise<void> {
  let done = 0;
  const onResult = (index: number, result: UnitResult) => {
    record(tasks[index], result);
    opts.onProgress?.(++done, tasks.length, result.events);
  };
  // Threads start afresh for every batch (~0.3 s each): a small batch (KN's rounds) runs here instead.
  if (tasks.length < 2 * jobs) {
    for (let i = 0; i < tasks.length; i++) onResult(i, await runUnitInWorker(data, tasks[i]));
    return;
  }
  await runPool<UnitTask, UnitResult>({
    worker: new URL("./run-worker.js", import.meta.url),
    workerData: data,
    tasks,
    jobs,
    onResult,
  });
}

/** The plan's batches, each unit into its own files; then the files joined in canonical order. */
async function runPlan(
  opts: ExperimentOptions,
  plan: ReplicationPlan,
  folder: OutputFolder,
  stats: readonly ReplicationStats[][],
  beforeBatch: (tasks: readonly UnitTask[]) => void,
  record: KeepResult,
  jobs: number,
): Promise<void> {
  mkdirSync(join(folder.dir, UNITS_DIR), { recursive: true });
  const data: UnitWorkerData = {
    scenario: opts.scenario,
    arms: opts.arms,
    seed: opts.seed,
    dir: folder.dir,
    hordeLog: opts.hordeLog === true,
  };
  const ran: UnitTask[] = [];
  for (let tasks = plan.next(stats); tasks !== null; tasks = plan.next(stats)) {
    beforeBatch(tasks);
    opts.onBatch?.(tasks.length);
    await runBatch(opts, data, tasks, record, jobs);
    ran.push(...tasks);
  }
  ran.sort((a, b) => a.arm - b.arm || a.replication - b.replication);
  const targets = opts.scenario.targets;
  for (const { name, columns } of TABLES) {
    const parts = ran.map((task) => unitFile(folder.dir, task, name));
    FORMAT.join(folder.path(`${name}.${FORMAT.extension}`), columns, parts);
  }
  rmSync(join(folder.dir, UNITS_DIR), { recursive: true, force: true });
}

/**
 * Runs every arm over the same replications (common random numbers) into one result folder. With `jobs` > 1
 * the replications run on worker threads; the folder is byte-identical whatever `jobs` is.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<RunSummary> {
  const jobs = opts.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be an integer >= 1, got ${jobs}`);
  const folder = OutputFolder.open(opts.out, { force: opts.force });
  try {
    const stats: ReplicationStats[][] = opts.arms.map(() => []);
    const status: StatusAverages[][] = opts.arms.map(() => []);
    const paired = new PairedHitCollector(opts.arms.length);
    const record: KeepResult = (task, result) => {
      stats[task.arm][task.replication - 1] = result.stats;
      status[task.arm][task.replication - 1] = result.status;
      if (result.arrivals !== undefined) paired.add(task.arm, task.replication, result.arrivals);
    };
    if (opts.plan === undefined && (jobs === 1 || opts.arms.length * opts.replications === 1)) {
      paired.expect(unitTasks([0], 1, opts.replications));
      await runInProcess(opts, folder, record);
    } else {
      const plan = opts.plan ?? fixedPlan(opts.arms.length, opts.replications);
      await runPlan(opts, plan, folder, stats, (tasks) => paired.expect(tasks), record, jobs);
    }
    const arms = opts.arms.map((arm, a) => ({ policy: arm.name, reps: stats[a] }));
    const targets = opts.scenario.targets;
    const summary = summarize(
      {
        scenario: { name: opts.scenario.name, sha256: opts.scenarioSha256 },
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
      ...decisionSections(opts.scenario.objectives, arms, paired.estimates()),
      ...opts.summaryExtra?.(),
    });
    writeFileSync(folder.path("summary.json"), `${JSON.stringify(full, null, 2)}\n`);
    writeFileSync(folder.path("scenario.yaml"), opts.scenarioText);
    await opts.afterRuns?.(folder);
    folder.commit();
    return full;
  } catch (err) {
    folder.abort();
    throw err;
  }
}
