// The conformance log: one JSON object a line, written by the driver while it plays a plan against the real
// server. Times `t` are seconds since the run's start on the driver's clock (the same machine's clock as the
// server's); `t0`/`t1` bracket a request (sent, answered).

export type LoggedEvent =
  | { ev: "start"; epoch_ms: number; scenario: string; minutes: number }
  /** A user submitted a request (POST /generate/async); `wp` is the server's id, null when refused. */
  | {
      ev: "submit";
      t0: number;
      t1: number;
      req: number;
      arrival: number;
      resubmission: number;
      user: string;
      kudos: number;
      stream: string;
      wp: string | null;
      error?: string;
    }
  /** A worker popped; `job` is the procgen id handed out (null: nothing), `req` the driver's request it is of. */
  | {
      ev: "pop";
      t0: number;
      t1: number;
      worker: number;
      job: string | null;
      req: number | null;
      ttl: number | null;
      status: number;
      error?: string;
    }
  /** A worker submitted a job's result or reported it faulted. */
  | {
      ev: "result";
      t0: number;
      t1: number;
      worker: number;
      job: string;
      state: "ok" | "faulted";
      status: number;
      error?: string;
    }
  /** A worker's third failed job in a row (reGen) paused its pops until `until`. */
  | { ev: "pause"; t: number; worker: number; until: number }
  /** A hanging worker let go of a job it never returned (its slot is free again). */
  | { ev: "forget"; t: number; worker: number; job: string }
  /** A user's status check whose answer differs from the previous one (`prev` is when that one was asked). */
  | {
      ev: "check";
      t0: number;
      t1: number;
      prev: number;
      wp: string;
      waiting: number;
      processing: number;
      restarted: number;
      finished: number;
      done: boolean;
      faulted: boolean;
    }
  /** A server log line of the sweep (or an abort), with the time the driver read it. */
  | { ev: "server"; t: number; line: string }
  | { ev: "end"; t: number };

export function encodeEvent(e: LoggedEvent): string {
  return `${JSON.stringify(e)}\n`;
}
