// The checks every --out folder passes before anything is written: not empty, not the current folder or one
// above it, not a symbolic link, a folder whose parents can be created; and what --force may replace: an empty
// folder or one that hordesim wrote, recognised by the files it writes (nothing else is ever deleted).
import { lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmdirSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { ANALYSIS_CSV_FILES } from "../analysis-tables.js";
import { UserError } from "../errors.js";

/** A file whose presence says which command wrote the folder: run, sweep or merge, a shard, an unfinished sweep, analyze. */
const MARKERS: readonly string[] = [
  "summary.json",
  "sweep.json",
  "sweep-shard.json",
  "sweep-progress.json",
  "analysis.md",
];

/** Every other name that a result folder of some command holds at its top level (charts/ is checked apart). */
const RESULT_NAMES: ReadonlySet<string> = new Set([
  ...MARKERS,
  "scenario.yaml",
  "report.html",
  "horde.log",
  ...["requests", "users", "attempts", "workers", "samples"].flatMap((t) => [`${t}.parquet`, `${t}.csv`]),
  "sweep.csv",
  "sweep-summary.csv",
  "units.jsonl",
  "sweep.lock",
  ...ANALYSIS_CSV_FILES,
]);

const CHART_FILE = /\.(png|svg|vl\.json)$/;

/** The names of a folder that hordesim did not write, or null when `path` is not a hordesim result folder at all. */
function foreignEntries(path: string): string[] | null {
  const entries = readdirSync(path, { withFileTypes: true });
  if (!entries.some((e) => e.isFile() && MARKERS.includes(e.name))) return null;
  const foreign: string[] = [];
  for (const e of entries) {
    if (e.name === "charts" && e.isDirectory()) {
      const charts = readdirSync(`${path}${sep}charts`, { withFileTypes: true });
      for (const c of charts) if (!c.isFile() || !CHART_FILE.test(c.name)) foreign.push(`charts/${c.name}`);
    } else if (!e.isFile() || !RESULT_NAMES.has(e.name)) foreign.push(e.name);
  }
  return foreign;
}

/** True when `path` is a folder that --force may replace: empty, or holding only what hordesim writes. */
export function isReplaceable(path: string): boolean {
  if (!statSync(path).isDirectory()) return false;
  if (readdirSync(path).length === 0) return true;
  const foreign = foreignEntries(path);
  return foreign !== null && foreign.length === 0;
}

/** Refuses to replace `path` (the folder given as `out`) unless it is empty or a hordesim result folder. */
export function checkReplaceable(path: string, out: string): void {
  if (readdirSync(path).length === 0) return;
  const foreign = foreignEntries(path);
  if (foreign === null)
    throw new UserError(
      `${out} is not a hordesim result folder: --force replaces only a folder that hordesim wrote (or an empty one); nothing was written. Choose another --out.`,
    );
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … (${foreign.length} in all)` : "");
    throw new UserError(
      `${out} holds files hordesim did not write (${shown}): --force would delete them; nothing was written. Move them away or choose another --out.`,
    );
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOENT: "the file system does not let a folder be created there",
    ENOTDIR: "a part of the path is a file, not a folder",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    ENAMETOOLONG: "name too long",
    ELOOP: "too many symbolic links",
  };
  return e.code !== undefined && text[e.code] !== undefined ? `${text[e.code]} (${e.code})` : String(e.message);
}

/** The nearest of `path` and its parents that exists (followed through symbolic links), or null for none. */
function nearestExisting(path: string, out: string): string | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      statSync(p);
      return p;
    } catch (err) {
      // ENOTDIR: a parent is a file, which the walk reaches next
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new UserError(`--out ${out}: cannot use ${p}: ${describe(err)}; nothing was written.`);
    }
    if (dirname(p) === p) return null;
  }
}

/**
 * The absolute folder that `out` (an --out value) names, once it is known to be a place a result folder may be
 * put: not empty text, not the current folder or a folder above it, not a symbolic link, under parents that are
 * folders. Nothing is created.
 */
export function checkOutPath(out: string): string {
  if (out.trim() === "") throw new UserError("--out is empty: name the folder for the results");
  const final = resolve(out);
  const cwd = realpathSync(process.cwd());
  const existing = nearestExisting(final, out);
  if (existing !== null && existing !== final && !statSync(existing).isDirectory())
    throw new UserError(
      `--out ${out}: ${existing} is a file, not a folder; nothing was written. Choose another --out.`,
    );
  const real = existing === final ? realpathSync(final) : final;
  if (real === cwd || cwd.startsWith(real.endsWith(sep) ? real : `${real}${sep}`))
    throw new UserError(
      `--out ${out} is the current folder or one above it: name a new folder for the results; nothing was written.`,
    );
  let link: string | null = null;
  try {
    if (lstatSync(final).isSymbolicLink()) link = readlinkSync(final);
  } catch {
    // nothing there
  }
  if (link !== null) {
    const dangling = existing !== final;
    throw new UserError(
      `--out ${out} is a symbolic link (to ${link}${dangling ? ", which does not exist" : ""}): name a folder, not a link; nothing was written.`,
    );
  }
  return final;
}

/**
 * Creates the folder `path` and its missing parents one level at a time (Node 20's recursive mkdir never
 * returns under /proc); a level that cannot be made is a UserError naming it, with `out` as the user gave it.
 * Returns the folders it created, outermost first.
 */
export function makeFolder(path: string, out: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(p);
    } catch (err) {
      // ENOTDIR: a parent is a file, named once the walk reaches it
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new UserError(`--out ${out}: cannot use ${p}: ${describe(err)}; nothing was written.`);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory())
        throw new UserError(`--out ${out}: ${p} is a file, not a folder; nothing was written. Choose another --out.`);
      break;
    }
    missing.push(p);
    if (dirname(p) === p) break;
  }
  missing.reverse();
  for (const [i, p] of missing.entries()) {
    try {
      mkdirSync(p);
    } catch (err) {
      for (const made of missing.slice(0, i).reverse()) rmdirSync(made);
      throw new UserError(`--out ${out}: cannot create ${p}: ${describe(err)}; nothing was written.`);
    }
  }
  return missing;
}
