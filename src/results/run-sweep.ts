// `hordesim sweep`: plans the units of a sweep (or of one shard of it), runs those not yet on disk in this
// thread or over worker threads, records each as it ends, and writes the final folder once all are done.

import { rmSync, writeFileSync } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { describeGrids, enumerateCells, type PlannedCell, type ResolvedGrid } from "../experiment/sweep-grid.js";
import {
  encodeUnit,
  type SweepPlanData,
  SweepUnitRunner,
  type UnitResult,
  type UnitTask,
  unitKey,
} from "../experiment/sweep-units.js";
import { runPool } from "../experiment/worker-pool.js";
import type { ScenarioYaml } from "../scenario-file/load.js";
import { HORDESIM_VERSION } from "../version.js";
import {
  SweepFolder as Folder,
  SHARD_FILE,
  type Shard,
  type SweepFolder,
  type SweepManifest,
  UNITS_FILE,
} from "./sweep-folder.js";
import { diskError } from "./disk-errors.js";
import { type SweepMeta, type SweepSummary, writeSweepTables } from "./sweep-results.js";

export interface SweepOptions {
  yaml: ScenarioYaml;
  text: string;
  sha256: string;
  name: string;
  grids: ResolvedGrid[];
  seed: number;
  replications: number;
  shard: Shard;
  out: string;
  force: boolean;
  resume: boolean;
  jobs: number;
  /** Draws the charts into the finished sweep's folder (the report's renderSweepCharts); none: no charts. */
  charts?: SweepCharts;
  /** Aborting stops handing out units; those running finish and are kept. */
  signal?: AbortSignal;
  onStart?: (todo: number, total: number) => void;
  onUnit?: (unit: UnitResult) => void;
}

/** Writes charts of a finished sweep into its folder, before the folder is put in place. */
export type SweepCharts = (dir: string, summary: SweepSummary) => Promise<void>;

export type SweepOutcome =
  | { state: "complete-already" }
  | { state: "interrupted"; done: number; total: number; dir: string }
  | { state: "shard-done"; units: number; resumed: number; events: number }
  | { state: "done"; summary: SweepSummary; cells: PlannedCell[]; resumed: number; events: number };

export function sweepMeta(o: Pick<SweepOptions, "name" | "sha256" | "seed" | "replications" | "grids">): SweepMeta {
  return {
    scenario: { name: o.name, sha256: o.sha256 },
    hordesim_version: HORDESIM_VERSION,
    seed: o.seed,
    replications: o.replications,
    grids: describeGrids(o.grids),
  };
}

/** The units of shard i/N: every N-th unit of the canonical order, so that each shard gets a mix of cells. */
export function shardTasks(cells: number, replications: number, shard: Shard): UnitTask[] {
  const tasks: UnitTask[] = [];
  for (let cell = 0; cell < cells; cell++)
    for (let replication = 1; replication <= replications; replication++)
      if (unitKey(cell, replication, replications) % shard.count === shard.index - 1) tasks.push({ cell, replication });
  return tasks;
}

export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const meta = sweepMeta(o);
  const cells = enumerateCells(meta.grids);
  const manifest: SweepManifest = { format: "hordesim-sweep/1", ...meta, cells: cells.length, shard: o.shard };
  const opened = Folder.open(o.out, manifest, { force: o.force, resume: o.resume });
  if (opened.state === "complete") return { state: "complete-already" };
  const folder = opened.folder;
  try {
    return await runOpened(o, folder, opened.done, manifest, meta, cells);
  } catch (err) {
    throw diskError(
      err,
      folder.dir,
      `the finished runs are kept in ${o.out}.partial: free some space and finish with --resume`,
    );
  }
}

async function runOpened(
  o: SweepOptions,
  folder: SweepFolder,
  earlier: UnitResult[],
  manifest: SweepManifest,
  meta: SweepMeta,
  cells: PlannedCell[],
): Promise<SweepOutcome> {
  const mine = shardTasks(cells.length, o.replications, o.shard);
  const key = (t: UnitTask) => unitKey(t.cell, t.replication, o.replications);
  const units = new Map<number, UnitResult>(earlier.map((u) => [key(u), u]));
  const todo = mine.filter((t) => !units.has(key(t)));
  o.onStart?.(todo.length, mine.length);
  let events = 0;
  const record = (u: UnitResult) => {
    folder.append(u);
    units.set(key(u), u);
    events += u.events;
    o.onUnit?.(u);
  };
  const plan: SweepPlanData = { text: o.text, file: o.yaml.file, grids: o.grids, seed: o.seed };
  try {
    if (o.jobs <= 1 || todo.length <= 1) {
      const runner = await SweepUnitRunner.create(plan);
      for (const task of todo) {
        if (o.signal?.aborted) break;
        record(runner.run(task));
        await yieldToEventLoop(); // lets a Ctrl-C handler run between units
      }
    } else {
      await runPool<UnitTask, UnitResult>({
        worker: new URL("../experiment/sweep-worker.js", import.meta.url),
        workerData: plan,
        tasks: todo,
        jobs: o.jobs,
        onResult: (_i, u) => record(u),
        signal: o.signal,
      });
    }
  } finally {
    folder.close();
  }
  const mineDone = mine.filter((t) => units.has(key(t))).length;
  if (mineDone < mine.length) {
    folder.unlock();
    return { state: "interrupted", done: mineDone, total: mine.length, dir: folder.dir };
  }
  const ordered = mine.map((t) => units.get(key(t)) as UnitResult);
  const resumed = earlier.length;
  if (o.shard.count > 1) {
    writeShard(folder, manifest, o.text, ordered);
    folder.commit();
    return { state: "shard-done", units: ordered.length, resumed, events };
  }
  const summary = await finishSweep(folder, meta, o.text, cells, ordered, o.charts);
  return { state: "done", summary, cells, resumed, events };
}

function writeShard(folder: SweepFolder, manifest: SweepManifest, text: string, ordered: UnitResult[]): void {
  writeFileSync(folder.path(UNITS_FILE), ordered.map(encodeUnit).join(""));
  writeFileSync(folder.path(SHARD_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(folder.path("scenario.yaml"), text);
}

/** Writes the final files of a whole sweep into the work folder, drops the progress files and commits it. */
export async function finishSweep(
  folder: SweepFolder,
  meta: SweepMeta,
  text: string,
  cells: PlannedCell[],
  ordered: UnitResult[],
  charts: SweepCharts | undefined,
): Promise<SweepSummary> {
  const summary = writeSweepTables(folder.dir, meta, text, cells, ordered);
  if (charts !== undefined) await charts(folder.dir, summary);
  rmSync(folder.path(UNITS_FILE), { force: true });
  folder.commit();
  return summary;
}
