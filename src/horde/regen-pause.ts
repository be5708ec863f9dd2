// reGen's pause after too many failed jobs (process_manager.py: _consecutive_failed_jobs,
// _too_many_consecutive_failed_jobs_wait_time), shared by the model's workers (worker-polling.ts) and the
// conformance driver's fake workers (src/conformance/pop-loop.ts).

/** Consecutive failed jobs the worker knows of that start a pause. */
export const FAILED_JOBS_BEFORE_PAUSE = 3;
const PAUSE_SECONDS = 180;

/**
 * When pops may resume after a pause that starts at t: the first turn of the loop (every `sleep` seconds)
 * after more than 180 s that sends, since the turn that ends the pause sends nothing.
 */
export function pauseEnd(t: number, sleep: number): number {
  return sleep > 0 ? t + sleep * (Math.floor(PAUSE_SECONDS / sleep) + 2) : t + PAUSE_SECONDS;
}
