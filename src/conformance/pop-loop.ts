// When a fake worker of the conformance driver sends its pops: reGen's pop loop, with the rules hordesim's
// model uses for it (src/horde/worker-polling.ts), on the driver's clock.
//
// reGen process_manager.py, _api_call_loop: api_job_pop, then sleep poll_interval, so the loop turns after
// each answer on no fixed grid; a turn sends a pop when a slot is free, at least error_poll_interval has passed
// since the last pop was sent if that pop's answer was an API error (here the 403 of a worker in maintenance),
// and no pause holds (after 3 consecutive failed jobs the worker knows of: faults it reported, results the
// server refused; a success resets the count; a job it hangs on is not known to fail). A slot that frees
// while the loop sleeps waits for the loop's next turn. While no pop is sent the loop turns every
// poll_interval from the last answer, as the model's nextTurn does.

import { FAILED_JOBS_BEFORE_PAUSE, pauseEnd } from "../horde/regen-pause.js";

/** A loop that does not sleep (poll_interval 0) still yields between turns that send nothing. */
const LEAST_IDLE_TURN = 0.01;

export class PopLoop {
  /** The loop's next turn, on the run's clock. */
  next: number;
  /** The last answer was an API error: no pop before this. */
  private errorUntil = Number.NEGATIVE_INFINITY;
  /** No pop before this (the pause after too many consecutive failed jobs). */
  pausedUntil = Number.NEGATIVE_INFINITY;
  private consecutiveFailed = 0;
  pauses = 0;

  constructor(
    private readonly sleep: number,
    private readonly errorPollInterval: number,
    /** The first turn: a phase in [0, sleep). */
    firstTurn: number,
  ) {
    this.next = firstTurn;
  }

  /** Whether the turn at `next` sends a pop, given whether a slot is free. */
  sends(slotFree: boolean): boolean {
    return slotFree && this.next >= this.errorUntil && this.next >= this.pausedUntil;
  }

  /** The turn sent nothing: the loop sleeps again. */
  skipped(): void {
    this.next += Math.max(this.sleep, LEAST_IDLE_TURN);
  }

  /** The pop sent at t0 was answered at t1 (`error`: an API error, the 403 of maintenance). */
  answered(t0: number, t1: number, error: boolean): void {
    this.errorUntil = error ? t0 + this.errorPollInterval : Number.NEGATIVE_INFINITY;
    this.next = t1 + this.sleep;
  }

  /**
   * The worker learns at t how a job ended (a fault it reported or a refused result: failed). The third
   * failure in a row pauses pops until the first turn after more than 180 s that sends (reGen's check at the
   * turn that ends the pause sends nothing; as the model: sleep × (⌊180 / sleep⌋ + 2) from t). Failures while
   * paused are forgotten. True when this failure started a pause.
   */
  learnJobEnd(t: number, failed: boolean): boolean {
    if (t < this.pausedUntil) return false;
    if (!failed) {
      this.consecutiveFailed = 0;
      return false;
    }
    if (++this.consecutiveFailed < FAILED_JOBS_BEFORE_PAUSE) return false;
    this.consecutiveFailed = 0;
    this.pauses++;
    this.pausedUntil = pauseEnd(t, this.sleep);
    return true;
  }
}
