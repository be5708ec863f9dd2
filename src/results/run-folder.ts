// `hordesim run`'s result folder: every arm over the same replications (common random numbers), each unit's
// records streamed into the record tables, then summary.json and scenario.yaml, the folder put in place whole.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runUnit, type UnitResult } from "../experiment/run-unit.js";
import { runPool } from "../experiment/worker-pool.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { compareTargets, type StatusAverages } from "../metrics/status-targets.js";
import { type Summary, summarize } from "../metrics/summary.js";
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
}

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

/** One (arm, replication) of a parallel run: `arm` indexes UnitWorkerData.arms, `replication` is 1-based. */
export interface UnitTask {
  arm: number;
  replication: number;
}

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
/** Per arm, per replication: the unit's figures. */
interface UnitFigures {
  stats: ReplicationStats[][];
  status: StatusAverages[][];
}

function keep(figures: UnitFigures, arm: number, replication: number, result: UnitResult): void {
  figures.stats[arm][replication - 1] = result.stats;
  figures.status[arm][replication - 1] = result.status;
}

async function runInProcess(opts: ExperimentOptions, folder: OutputFolder, figures: UnitFigures): Promise<void> {
  const files = new RecordFiles(FORMAT, (table) => folder.path(`${table}.${FORMAT.extension}`));
  const total = opts.arms.length * opts.replications;
  let done = 0;
  try {
    for (let a = 0; a < opts.arms.length; a++) {
      for (let rep = 1; rep <= opts.replications; rep++) {
        const hordeLog = opts.hordeLog && a === 0 && rep === 1 ? folder.path("horde.log") : undefined;
        const result = runFolderUnit(opts.scenario, opts.arms[a], opts.seed, rep, files, hordeLog);
        keep(figures, a, rep, result);
        opts.onProgress?.(++done, total, result.events);
      }
    }
  } finally {
    await files.close();
  }
}

/** Every unit on `jobs` worker threads, each into its own files; then the files joined in canonical order. */
async function runInWorkers(
  opts: ExperimentOptions,
  folder: OutputFolder,
  figures: UnitFigures,
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
      keep(figures, task.arm, task.replication, result);
      opts.onProgress?.(++done, tasks.length, result.events);
    },
  });
  for (const { name, columns } of TABLES) {
    const parts = tasks.map((task) => unitFile(folder.dir, task, name));
    FORMAT.join(folder.path(`${name}.${FORMAT.extension}`), columns, parts);
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
    const figures: UnitFigures = {
      stats: opts.arms.map(() => new Array<ReplicationStats>(opts.replications)),
      status: opts.arms.map(() => new Array<StatusAverages>(opts.replications)),
    };
    if (jobs > 1 && opts.arms.length * opts.replications > 1) await runInWorkers(opts, folder, figures, jobs);
    else await runInProcess(opts, folder, figures);
    const targets = opts.scenario.targets;
    const summary = summarize(
      {
        scenario: { name: opts.scenario.name, sha256: opts.scenarioSha256 },
        seed: opts.seed,
        replications: opts.replications,
        warmup_s: opts.scenario.warmup,
        horizon_s: opts.scenario.horizon,
        ...(targets === undefined
          ? {}
          : {
              targets: compareTargets(
                targets,
                opts.arms.map((arm, a) => ({ policy: arm.name, reps: figures.status[a] })),
              ),
            }),
      },
      opts.arms.map((arm, a) => ({ policy: arm.name, reps: figures.stats[a] })),
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
