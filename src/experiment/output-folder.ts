import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../cli/errors.js";

/**
 * A result folder written in a temporary sibling and put in place whole at commit, so a crash or an error
 * never leaves a half-written folder under the final name, and an earlier folder is only replaced with --force,
 * after the new one is complete.
 */
export class OutputFolder {
  private committed = false;

  private constructor(
    readonly final: string,
    readonly dir: string,
    private readonly force: boolean,
  ) {}

  static open(dir: string, opts: { force: boolean }): OutputFolder {
    const final = resolve(dir);
    if (existsSync(final) && !opts.force && readdirSync(final).length > 0) {
      throw new UserError(`${dir} already exists and is not empty: nothing was written. Use --force to replace it, or --out another folder.`);
    }
    const temp = join(dirname(final), `.${basename(final)}.partial-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    return new OutputFolder(final, temp, opts.force);
  }

  /** The path of a file inside the folder being written (subfolders are created). */
  path(name: string): string {
    const p = join(this.dir, name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  commit(): void {
    if (this.committed) return;
    if (existsSync(this.final)) {
      if (!this.force && readdirSync(this.final).length > 0) {
        this.abort();
        throw new UserError(`${this.final} appeared while the run was writing: left untouched; nothing was written.`);
      }
      const old = join(dirname(this.final), `.${basename(this.final)}.old-${process.pid}`);
      renameSync(this.final, old);
      renameSync(this.dir, this.final);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(this.dir, this.final);
    }
    this.committed = true;
  }

  abort(): void {
    if (!this.committed) rmSync(this.dir, { recursive: true, force: true });
  }
}
