// One unit of `hordesim run` (an arm's replication) with its records gathered in columns, in this thread or on a
// worker thread. Kept apart from record-store.ts so that a worker thread never loads DuckDB's native module.
import { join } from "node:path";
import type { UnitTask } from "../experiment/replication-plan.js";
import { runUnit, type UnitResult } from "../experiment/run-unit.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import type { BatchContents } from "./column-batch.js";
import { HordeLogWriter } from "./horde-log-writer.js";
import { RecordFiles, type TableName } from "./record-files.js";

/** Runs one arm's replication, streaming its rows into `files` and, given a path, its horde.log. */
export function runFolderUnit(
  scenario: Scenario,
  arm: PolicyConfig,
  seed: number,
  replication: number,
  files: RecordFiles | undefined,
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
  /** The record tables wanted (sent back with their results), or null for none. */
  tables: TableName[] | null;
  /** Keep only the attempts of the requests that went wrong (`--records requests`). */
  wrongAttemptsOnly: boolean;
}

/** A unit run on a worker thread: its result and, when records are wanted, its tables. */
export interface WorkerUnitResult extends UnitResult {
  tables: [TableName, BatchContents][] | null;
}

export type { UnitTask };

/** The worker-thread side of a parallel run: one unit, its records gathered in columns and sent back. */
export function runUnitInWorker(data: UnitWorkerData, task: UnitTask): WorkerUnitResult {
  const files = data.tables === null ? undefined : new RecordFiles(data.tables, data.wrongAttemptsOnly);
  const hordeLog = data.hordeLog && task.arm === 0 && task.replication === 1 ? join(data.dir, "horde.log") : undefined;
  const result = runFolderUnit(data.scenario, data.arms[task.arm], data.seed, task.replication, files, hordeLog);
  const tables = files?.batches().map((b): [TableName, BatchContents] => [b.spec.name, b.take()]) ?? null;
  return { ...result, tables };
}
