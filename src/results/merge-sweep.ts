// `hordesim merge`: joins the folders of the shards of one sweep into the folder the unsharded sweep writes.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { enumerateCells, type PlannedCell } from "../experiment/sweep-grid.js";
import { type UnitResult, unitKey } from "../experiment/sweep-units.js";
import { scenarioSha256 } from "../scenario-file/load.js";
import { HORDESIM_VERSION } from "../version.js";
import { diskError } from "./disk-errors.js";
import { finishSweep, type SweepCharts, shardTasks } from "./run-sweep.js";
import {
  manifestDifference,
  readManifest,
  readUnits,
  SHARD_FILE,
  SUMMARY_FILE,
  SweepFolder,
  type SweepManifest,
  UNITS_FILE,
} from "./sweep-folder.js";
import type { SweepMeta, SweepSummary } from "./sweep-results.js";

interface ShardFolder {
  dir: string;
  manifest: SweepManifest;
}

function readShardFolder(dir: string): ShardFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (existsSync(`${dir}.partial`))
      throw new UserError(
        `${dir} is unfinished (its progress is in ${dir}.partial): rerun that shard with --resume, then merge`,
      );
    throw new UserError(`${dir}: no such folder`);
  }
  const manifest = readManifest(join(dir, SHARD_FILE));
  if (manifest === undefined) {
    if (existsSync(join(dir, SUMMARY_FILE)))
      throw new UserError(`${dir} is a whole sweep, not a shard: there is nothing to merge into it`);
    throw new UserError(`${dir} is not the folder of a sweep shard (it has no readable ${SHARD_FILE})`);
  }
  return { dir, manifest };
}

/** Checks that the folders are all the shards of one sweep, run by this hordesim; returns them by shard index. */
export function checkShards(dirs: string[]): ShardFolder[] {
  if (dirs.length === 0) throw new UserError("name the shard folders to merge");
  const shards = dirs.map(readShardFolder);
  const first = shards[0];
  if (first.manifest.hordesim_version !== HORDESIM_VERSION)
    throw new UserError(
      `${first.dir} was written by hordesim ${first.manifest.hordesim_version}; this is hordesim ${HORDESIM_VERSION}: merge with the version that ran the shards`,
    );
  for (const s of shards.slice(1)) {
    const diff = manifestDifference(first.manifest, s.manifest);
    if (diff !== null) throw new UserError(`${s.dir} is a shard of another sweep than ${first.dir}: it has ${diff}`);
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardFolder>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.shard.index);
    if (other !== undefined)
      throw new UserError(`${other.dir} and ${s.dir} are both shard ${s.manifest.shard.index}/${count}`);
    byIndex.set(s.manifest.shard.index, s);
  }
  const missing: number[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0)
    throw new UserError(`shard(s) ${missing.join(", ")} of ${count} missing: give the folders of all ${count} shards`);
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

export async function mergeSweep(
  dirs: string[],
  out: string,
  opts: { force: boolean; charts?: SweepCharts },
): Promise<{ summary: SweepSummary; cells: PlannedCell[] }> {
  const shards = checkShards(dirs);
  const m = shards[0].manifest;
  const text = readFileSync(join(shards[0].dir, "scenario.yaml"), "utf8");
  if (scenarioSha256(text) !== m.scenario.sha256)
    throw new UserError(`${shards[0].dir}/scenario.yaml is not the scenario the shard ran (its sha256 differs)`);
  const cells = enumerateCells(m.grids);
  const all = new Map<number, UnitResult>();
  for (const s of shards) {
    const mine = new Set(
      shardTasks(cells.length, m.replications, s.manifest.shard).map((t) =>
        unitKey(t.cell, t.replication, m.replications),
      ),
    );
    for (const u of readUnits(join(s.dir, UNITS_FILE))) {
      const key = unitKey(u.cell, u.replication, m.replications);
      if (mine.has(key)) all.set(key, u);
    }
    const have = [...mine].filter((k) => all.has(k)).length;
    if (have < mine.size)
      throw new UserError(`${s.dir} holds ${have} of its ${mine.size} runs: rerun that shard with --resume`);
  }
  const ordered = [...all.keys()].sort((a, b) => a - b).map((k) => all.get(k) as UnitResult);
  const meta: SweepMeta = {
    scenario: m.scenario,
    hordesim_version: m.hordesim_version,
    seed: m.seed,
    replications: m.replications,
    grids: m.grids,
  };
  const manifest: SweepManifest = { ...m, shard: { index: 1, count: 1 } };
  const opened = SweepFolder.open(out, manifest, { force: opts.force, resume: false });
  if (opened.state !== "open") throw new Error("a fresh sweep folder cannot be complete");
  try {
    const summary = await finishSweep(opened.folder, meta, text, cells, ordered, opts.charts);
    return { summary, cells };
  } catch (err) {
    // a merge has nothing to resume: its work folder goes
    opened.folder.discard();
    throw diskError(err, opened.folder.dir, "the merge was not saved (free some space and run it again)");
  }
}
