import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { UserError } from "../errors.js";
import { checkOutPath, checkReplaceable, makeFolder } from "./out-path.js";

function isNonEmptyDir(path: string): boolean {
  return readdirSync(path).length > 0;
}

/**
 * Renames the finished folder `from` to `final`. An existing `final` is first moved aside to
 * `${final}.old-<pid>` and deleted only once `from` is in place (put back if the rename fails).
 */
export function putInPlace(from: string, final: string): void {
  if (!existsSync(final)) {
    renameSync(from, final);
    return;
  }
  const old = `${final}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  renameSync(final, old);
  try {
    renameSync(from, final);
  } catch (err) {
    renameSync(old, final);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * A result folder written in the sibling `${dir}.partial-<pid>` and renamed into place whole at commit(), so
 * neither an error nor a crash leaves a half-written folder under the final name. An earlier non-empty folder
 * is refused unless `force`; with `force` it is replaced only once the new one is complete (moved aside to
 * `${dir}.old-<pid>`, the new one renamed in, then the old one deleted), and only if it is empty or a hordesim
 * result folder (out-path.ts). If the process exits without
 * commit() or abort(), an exit hook removes the temporary folder (a SIGKILL leaves it behind, never the final).
 */
export class OutputFolder {
  private state: "open" | "committed" | "aborted" = "open";
  private readonly onExit = () => this.abort();

  private constructor(
    /** The final folder (absolute). */
    readonly final: string,
    /** The temporary folder being written (absolute). */
    readonly dir: string,
    private readonly force: boolean,
    /** As the user gave it, for messages. */
    private readonly out: string,
    /** The parents of the folder that open() created, removed again by abort() if still empty. */
    private readonly created: readonly string[],
  ) {
    process.once("exit", this.onExit);
  }

  static open(dir: string, opts: { force: boolean }): OutputFolder {
    const final = checkOutPath(dir);
    if (existsSync(final)) {
      if (!statSync(final).isDirectory()) {
        throw new UserError(`${dir} exists and is not a folder: nothing was written. Choose another --out.`);
      }
      if (!opts.force && isNonEmptyDir(final)) {
        throw new UserError(
          `${dir} already exists and is not empty: nothing was written. Use --force to replace it, or another --out.`,
        );
      }
      if (opts.force) checkReplaceable(final, dir);
    }
    const temp = `${final}.partial-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    const created = makeFolder(temp, dir);
    return new OutputFolder(final, temp, opts.force, dir, created);
  }

  /** The path of a file inside the folder being written; its subfolders are created. */
  path(name: string): string {
    if (this.state !== "open") throw new Error(`output folder ${this.final} is already ${this.state}`);
    const p = join(this.dir, name);
    const rel = relative(this.dir, p);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel))
      throw new Error(`${name}: not a file inside the output folder`);
    makeFolder(dirname(p), this.out);
    return p;
  }

  /** Puts the folder in place under its final name (once; again does nothing). */
  commit(): void {
    if (this.state === "committed") return;
    if (this.state === "aborted") throw new Error(`output folder ${this.final} was aborted`);
    if (existsSync(this.final)) {
      if (!this.force && isNonEmptyDir(this.final)) {
        this.abort();
        throw new UserError(`${this.final} appeared while the run was writing: left untouched, nothing was written.`);
      }
      try {
        checkReplaceable(this.final, this.out);
      } catch (err) {
        this.abort();
        throw err;
      }
    }
    putInPlace(this.dir, this.final);
    this.settle("committed");
  }

  /** Removes the temporary folder; the final one is left as it was. Does nothing after commit(). */
  abort(): void {
    if (this.state !== "open") return;
    this.settle("aborted");
    rmSync(this.dir, { recursive: true, force: true });
    for (const parent of this.created.filter((p) => p !== this.dir).reverse()) {
      try {
        rmdirSync(parent);
      } catch {
        // no longer empty, or gone: left as it is
      }
    }
  }

  private settle(state: "committed" | "aborted"): void {
    this.state = state;
    process.removeListener("exit", this.onExit);
  }
}

/** True when a process of this pid runs on this machine (one we may not signal counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The `NAME.partial-PID` folders in `parent` whose process is gone on this machine: left by a run that was
 * killed (SIGKILL, a crash of the machine). They are only named, never removed: on a shared volume the PID may
 * be another machine's live run.
 */
export function leftoverPartials(parent: string): string[] {
  if (!existsSync(parent) || !statSync(parent).isDirectory()) return [];
  return readdirSync(parent)
    .map((name) => ({ name, pid: Number(/\.partial-([0-9]+)$/.exec(name)?.[1]) }))
    .filter(
      ({ name, pid }) =>
        Number.isSafeInteger(pid) &&
        pid > 0 &&
        pid !== process.pid &&
        !alive(pid) &&
        statSync(join(parent, name)).isDirectory(),
    )
    .map(({ name }) => join(parent, basename(name)));
}
