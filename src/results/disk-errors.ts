// A write that fails because the disk is full (or over quota) is the user's to fix, not an internal error:
// it becomes a UserError naming the file.
import { UserError } from "../errors.js";

const FULL_CODES: ReadonlySet<string> = new Set(["ENOSPC", "EDQUOT"]);
/** How DuckDB reports ENOSPC and EDQUOT (strerror text inside its IO Error). */
const FULL_TEXT = /No space left on device|Disk quota exceeded/i;

/** True when `err` says the device (or the quota) is full. */
export function isDiskFull(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && FULL_CODES.has(code)) return true;
  return err instanceof Error && FULL_TEXT.test(err.message);
}

/**
 * `err` as a UserError naming `path` when the disk is full; otherwise `err` itself. `outcome` says what became
 * of the work (by default: the run was not saved, run it again).
 */
export function diskError(
  err: unknown,
  path: string,
  outcome = "the run was not saved (free some space and run it again)",
): unknown {
  if (!isDiskFull(err) || err instanceof UserError) return err;
  const where = (err as { path?: unknown }).path;
  const file = typeof where === "string" ? where : path;
  return new UserError(`no space left on the device writing ${file}: ${outcome}`);
}
