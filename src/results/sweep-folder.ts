// Where a sweep keeps its work. A sweep writes in `OUT.partial/`: its plan (sweep-progress.json) and one line
// per finished unit (units.jsonl, appended as each unit ends), so that Ctrl-C or a kill loses only the units
// that were running. `--resume` reads them back and runs the rest. When every unit is done, the final files
// are written into OUT.partial and it is renamed to OUT: a final folder is always whole.
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { decodeUnit, encodeUnit, type UnitResult } from "../experiment/sweep-units.js";
import { checkOutPath, checkReplaceable, isReplaceable, makeFolder } from "./out-path.js";
import { diskError } from "./disk-errors.js";
import { alive, putInPlace } from "./output-folder.js";
import type { SweepMeta } from "./sweep-results.js";

export const PROGRESS_FILE = "sweep-progress.json";
export const UNITS_FILE = "units.jsonl";
export const SHARD_FILE = "sweep-shard.json";
export const SUMMARY_FILE = "sweep.json";
/** Held in the work folder by the sweep that writes it (its pid): a second sweep on the folder is refused. */
export const LOCK_FILE = "sweep.lock";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** What a sweep folder holds: the plan it runs and which share of its units. */
export interface SweepManifest extends SweepMeta {
  format: "hordesim-sweep/1";
  cells: number;
  shard: Shard;
}

/** The first way in which two manifests describe different work (the shard index aside), or null. */
export function manifestDifference(want: SweepManifest, have: SweepManifest): string | null {
  if (have.format !== want.format) return `another folder format (${have.format}, this hordesim writes ${want.format})`;
  if (have.hordesim_version !== want.hordesim_version)
    return `another hordesim version (${have.hordesim_version}; this is ${want.hordesim_version})`;
  if (have.scenario.sha256 !== want.scenario.sha256)
    return `another scenario (${have.scenario.name}, sha256 ${have.scenario.sha256.slice(0, 12)}…; this is ${want.scenario.name}, sha256 ${want.scenario.sha256.slice(0, 12)}…)`;
  if (have.seed !== want.seed) return `another seed (${have.seed}; this is ${want.seed})`;
  if (have.replications !== want.replications)
    return `another number of replications (${have.replications}; this is ${want.replications})`;
  if (JSON.stringify(have.grids) !== JSON.stringify(want.grids))
    return "other swept settings or values (--set, --policy)";
  if (have.shard.count !== want.shard.count)
    return `another shard count (${have.shard.count}; this is ${want.shard.count})`;
  return null;
}

/** Like manifestDifference, and the same shard too. */
function workDifference(want: SweepManifest, have: SweepManifest): string | null {
  return (
    manifestDifference(want, have) ??
    (have.shard.index !== want.shard.index ? `another shard (${have.shard.index}/${have.shard.count})` : null)
  );
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export function readManifest(path: string): SweepManifest | undefined {
  const m = readJson(path) as SweepManifest | undefined;
  return m !== undefined && m !== null && m.format === "hordesim-sweep/1" ? m : undefined;
}

/** The units recorded in a units.jsonl; a line cut short by a kill is left out. */
export function readUnits(path: string): UnitResult[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const out: UnitResult[] = [];
  const lines = text.split("\n");
  // the last piece has no newline: it is either empty or a line whose write was cut short
  for (const line of lines.slice(0, -1)) {
    const u = decodeUnit(line);
    if (u !== undefined) out.push(u);
  }
  return out;
}

const isNonEmptyDir = (p: string) => statSync(p).isDirectory() && readdirSync(p).length > 0;

export type OpenedSweep = { state: "complete" } | { state: "open"; folder: SweepFolder; done: UnitResult[] };

/** The pid in a work folder's lock file when that process still runs, else null. */
function lockHolder(work: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(work, LOCK_FILE), "utf8").trim());
  } catch {
    return null;
  }
  return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

function refuseInUse(work: string, out: string): void {
  const pid = lockHolder(work);
  if (pid !== null)
    throw new UserError(
      `${out}.partial is in use by another sweep (process ${pid}): wait for it to end or stop it; nothing was changed`,
    );
}

/** Takes the work folder's lock (a lock left by a process that is gone is taken over). */
function takeLock(work: string, out: string): void {
  const path = join(work, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      refuseInUse(work, out);
      rmSync(path, { force: true });
    }
  }
  refuseInUse(work, out);
  throw new UserError(`${out}.partial: another sweep took it at the same moment; nothing was changed`);
}

export class SweepFolder {
  private fd = -1;
  private locked = true;
  private readonly onExit = () => this.unlock();

  private constructor(
    readonly final: string,
    readonly dir: string,
    private readonly replace: boolean,
  ) {
    process.once("exit", this.onExit);
  }

  /**
   * Opens the work folder of `out`: fresh, or with `resume` the interrupted one of the same plan, whose
   * finished units are returned. `force` discards an interrupted sweep and replaces a finished folder at commit.
   */
  static open(out: string, manifest: SweepManifest, opts: { force: boolean; resume: boolean }): OpenedSweep {
    const final = checkOutPath(out);
    const work = `${final}.partial`;
    if (existsSync(final)) {
      if (!statSync(final).isDirectory())
        throw new UserError(`${out} exists and is not a folder: choose another --out`);
      if (opts.force) checkReplaceable(final, out);
      if (isNonEmptyDir(final) && !opts.force) {
        const finished =
          manifest.shard.count > 1
            ? readManifest(join(final, SHARD_FILE))
            : readManifestFromSummary(join(final, SUMMARY_FILE));
        if (opts.resume && finished !== undefined && workDifference(manifest, finished) === null)
          return { state: "complete" };
        throw new UserError(
          `${out} already exists and is not empty: nothing was written. Use --force to replace it, or another --out.`,
        );
      }
    }
    let done: UnitResult[] = [];
    if (existsSync(work)) {
      if (!statSync(work).isDirectory())
        throw new UserError(`${out}.partial exists and is not a folder: nothing was written. Choose another --out.`);
      refuseInUse(work, out);
      if (opts.force) {
        checkReplaceable(work, `${out}.partial`);
        rmSync(work, { recursive: true, force: true });
      } else if (!opts.resume) {
        const n = readUnits(join(work, UNITS_FILE)).length;
        throw new UserError(
          `${out}.partial holds an interrupted sweep (${n} run(s) finished): add --resume to finish it, or --force to discard it and start over.`,
        );
      } else {
        const have = readManifest(join(work, PROGRESS_FILE));
        if (have === undefined)
          throw new UserError(
            `${out}.partial has no readable ${PROGRESS_FILE}: it cannot be resumed; use --force to start over`,
          );
        const diff = workDifference(manifest, have);
        if (diff !== null)
          throw new UserError(
            `${out}.partial was started with ${diff}: it cannot be resumed by this command; use --force to start over`,
          );
        takeLock(work, out);
        done = readUnits(join(work, UNITS_FILE));
      }
    }
    const fresh = !existsSync(work);
    if (fresh) {
      makeFolder(work, out);
      takeLock(work, out);
    }
    const folder = new SweepFolder(final, work, opts.force);
    try {
      if (fresh) writeFileSync(join(work, PROGRESS_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      // rewrite the finished units: drops a line cut short by a kill, so that appends start on a fresh line
      writeFileSync(join(work, UNITS_FILE), done.map(encodeUnit).join(""));
      folder.fd = openSync(join(work, UNITS_FILE), "a");
    } catch (err) {
      if (fresh) folder.discard();
      else folder.unlock();
      throw diskError(
        err,
        work,
        fresh
          ? "nothing was written (free some space and run it again)"
          : `the ${done.length} finished run(s) are kept in ${out}.partial: free some space and finish with --resume`,
      );
    }
    return { state: "open", folder, done };
  }

  /** Records one finished unit (one write of one line). */
  append(unit: UnitResult): void {
    writeSync(this.fd, encodeUnit(unit));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Lets another sweep open the work folder (at the latest when this process exits). */
  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    process.removeListener("exit", this.onExit);
    rmSync(join(this.dir, LOCK_FILE), { force: true });
  }

  /** Removes the work folder and everything in it (a merge that failed: there is nothing to resume). */
  discard(): void {
    this.close();
    this.unlock();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Removes the progress files and renames the work folder to its final name. */
  commit(): void {
    this.close();
    if (existsSync(this.final) && !this.replace && isNonEmptyDir(this.final))
      throw new UserError(
        `${this.final} appeared while the sweep ran: left untouched; the results stay in ${this.dir}`,
      );
    if (existsSync(this.final) && !isReplaceable(this.final))
      throw new UserError(
        `${this.final} changed while the sweep ran and is no longer a hordesim result folder: left untouched; the results stay in ${this.dir}`,
      );
    rmSync(join(this.dir, PROGRESS_FILE), { force: true });
    this.unlock();
    putInPlace(this.dir, this.final);
  }
}

/** sweep.json of a finished unsharded sweep, read as the manifest it was run with. */
function readManifestFromSummary(path: string): SweepManifest | undefined {
  const s = readJson(path) as (SweepMeta & { cells?: unknown[] }) | undefined;
  if (s === undefined || s === null || typeof s !== "object" || !Array.isArray(s.cells)) return undefined;
  return {
    format: "hordesim-sweep/1",
    scenario: s.scenario,
    hordesim_version: s.hordesim_version,
    seed: s.seed,
    replications: s.replications,
    grids: s.grids,
    cells: s.cells.length,
    shard: { index: 1, count: 1 },
  };
}
