// The record tables of a result folder (requests, users, attempts, workers, samples): each table's columns and
// their kinds, in file order, are declared here once; the writers (column-batch.ts, parquet-store.ts,
// csv-store.ts) and the readers (table-views.ts, read-results.ts) all take them from here. Adding a column is
// one line in its table below (and the field in horde/record-types.ts; the compiler asks for both).
import type {
  AttemptRecord,
  QueueSample,
  RecordSink,
  RequestRecord,
  UserRecord,
  WorkerRecord,
} from "../horde/record-types.js";
import { ColumnBatch } from "./column-batch.js";

/**
 * How a column is stored: `text` (VARCHAR), `int` (INTEGER), `real` (DOUBLE, rounded to a multiple of
 * 2^-20 ≈ 0.95e-6: see REAL_GRID), `bool` (BOOLEAN). A NaN or missing number is stored as NULL.
 */
export type ColumnKind = "text" | "int" | "real" | "bool";

/** Every real is written as the nearest multiple of this: exact in binary, so the same on every machine. */
export const REAL_GRID = 2 ** -20;

export interface TableSpec<T> {
  name: TableName;
  /** Column names in file order, with their kinds. */
  columns: readonly { name: keyof T & string; kind: ColumnKind }[];
}

function table<T>(name: TableName, kinds: Record<keyof T & string, ColumnKind>): TableSpec<T> {
  return {
    name,
    columns: (Object.entries(kinds) as [keyof T & string, ColumnKind][]).map(([column, kind]) => ({
      name: column,
      kind,
    })),
  };
}

export const REQUESTS = table<RequestRecord>("requests", {
  policy: "text",
  replication: "int",
  request_id: "int",
  origin_id: "int",
  arrival_id: "int",
  resubmission: "int",
  stream: "text",
  width: "int",
  height: "int",
  steps: "int",
  sampler: "text",
  model: "text",
  submitted_s: "real",
  done_s: "real",
  outcome: "text",
  images_requested: "int",
  images_delivered: "int",
  attempts: "int",
  latency_s: "real",
  seen_s: "real",
  warmup: "bool",
  user_class: "text",
  kudos: "real",
  mps: "real",
  first_pop_s: "real",
  wait_s: "real",
});

export const USERS = table<UserRecord>("users", {
  policy: "text",
  replication: "int",
  origin_id: "int",
  arrival_id: "int",
  submitted_s: "real",
  final_s: "real",
  outcome: "text",
  submissions: "int",
  latency_s: "real",
  warmup: "bool",
  user_class: "text",
  model: "text",
});

export const ATTEMPTS = table<AttemptRecord>("attempts", {
  policy: "text",
  replication: "int",
  request_id: "int",
  job_id: "int",
  attempt: "int",
  worker_id: "int",
  worker_name: "text",
  popped_s: "real",
  ended_s: "real",
  end: "text",
  ttl_s: "real",
  hedge: "bool",
  wasted_gpu_s: "real",
  mps: "real",
});

export const WORKERS = table<WorkerRecord>("workers", {
  policy: "text",
  replication: "int",
  worker_id: "int",
  worker_name: "text",
  group: "text",
  pops: "int",
  completed: "int",
  stale_aborts: "int",
  reported_faults: "int",
  late_discarded: "int",
  maintenance_entries: "int",
  busy_s: "real",
  wasted_gpu_s: "real",
});

export const SAMPLES = table<QueueSample>("samples", {
  policy: "text",
  replication: "int",
  t_s: "real",
  queued: "int",
  in_flight: "int",
  queued_requests: "int",
  queued_mps: "real",
  delivered_mps: "real",
});

const names = <T>(spec: TableSpec<T>) => spec.columns.map((c) => c.name);
export const REQUEST_COLUMNS = names(REQUESTS);
export const USER_COLUMNS = names(USERS);
export const ATTEMPT_COLUMNS = names(ATTEMPTS);
export const WORKER_COLUMNS = names(WORKERS);
export const SAMPLE_COLUMNS = names(SAMPLES);

export type TableName = "requests" | "users" | "attempts" | "workers" | "samples";

/** The five record tables of a run, in this order. */
export const TABLES: readonly TableSpec<object>[] = [
  REQUESTS,
  USERS,
  ATTEMPTS,
  WORKERS,
  SAMPLES,
] as TableSpec<object>[];

/** How the record tables are stored (`--format`). */
export type RecordFormat = "parquet" | "csv";
export const RECORD_FORMATS: readonly RecordFormat[] = ["parquet", "csv"];

/** Which record tables a run writes (`--records`). */
export type RecordsChoice = "none" | "requests" | "all";
export const RECORDS_CHOICES: readonly RecordsChoice[] = ["none", "requests", "all"];

/**
 * The requests that may have gone wrong: not completed, or more jobs than images (every request a failed job
 * hit is one; unreadable counts count as wrong). With `--records requests` the attempts table keeps only their
 * jobs, and the report's timeline reads only them (read-results.ts).
 */
export const WENT_WRONG_SQL =
  "outcome IS DISTINCT FROM 'completed' OR attempts IS NULL OR attempts > (CASE WHEN images_requested >= 1 THEN images_requested ELSE 1 END)";

/**
 * The tables each `--records` choice gathers: `requests` leaves out the users (no chart reads them; a user's
 * outcome is the last request of its origin_id chain), `all` keeps every table.
 */
export function tablesFor(records: RecordsChoice): readonly TableName[] {
  if (records === "none") return [];
  if (records === "requests") return ["requests", "attempts", "workers", "samples"];
  return TABLES.map((t) => t.name);
}

const FINE = 1;
const WRONG = 2;

/** The request may have gone wrong (WENT_WRONG_SQL in JavaScript): not completed, or more jobs than images. */
export function wentWrong(r: RequestRecord): boolean {
  return r.outcome !== "completed" || !Number.isFinite(r.attempts) || r.attempts > Math.max(1, r.images_requested);
}

/** One unit's (or a whole run's) records as a RecordSink: every record becomes a row of its table's batch. */
export class RecordFiles implements RecordSink {
  readonly requests = new ColumnBatch(REQUESTS);
  readonly users = new ColumnBatch(USERS);
  readonly attempts = new ColumnBatch(ATTEMPTS);
  readonly workers = new ColumnBatch(WORKERS);
  readonly samples = new ColumnBatch(SAMPLES);
  private readonly keepUsers: boolean;

  /** With wrongAttemptsOnly: per request id, 0 before its record, then FINE or WRONG (ids are dense per unit). */
  private state = new Uint8Array(1024);
  /** Attempts that came before their request's record, by request id. */
  private readonly pending = new Map<number, AttemptRecord[]>();

  /**
   * `tables`: which tables to gather (default every one); a record of another table is dropped.
   * `wrongAttemptsOnly` (`--records requests`): keep only the attempts of the requests that went wrong
   * (wentWrong), decided when the request's record comes; attempts that come first wait for it.
   */
  constructor(
    private readonly tables: readonly TableName[] = TABLES.map((t) => t.name),
    private readonly wrongAttemptsOnly = false,
  ) {
    this.keepUsers = tables.includes("users");
  }

  request(r: RequestRecord): void {
    this.requests.add(r);
    if (!this.wrongAttemptsOnly) return;
    const id = r.request_id;
    if (!Number.isInteger(id) || id < 0) return;
    if (id >= this.state.length) {
      const bigger = new Uint8Array(Math.max(id + 1, this.state.length * 2));
      bigger.set(this.state);
      this.state = bigger;
    }
    const wrong = wentWrong(r);
    this.state[id] = wrong ? WRONG : FINE;
    const waiting = this.pending.get(id);
    if (waiting === undefined) return;
    this.pending.delete(id);
    if (wrong) for (const a of waiting) this.attempts.add(a);
  }

  user(u: UserRecord): void {
    if (this.keepUsers) this.users.add(u);
  }

  attempt(a: AttemptRecord): void {
    if (!this.wrongAttemptsOnly) {
      this.attempts.add(a);
      return;
    }
    const id = a.request_id;
    const st = id >= 0 && id < this.state.length ? this.state[id] : 0;
    if (st === WRONG) this.attempts.add(a);
    else if (st === 0) {
      const waiting = this.pending.get(id);
      if (waiting === undefined) this.pending.set(id, [a]);
      else waiting.push(a);
    }
  }

  worker(w: WorkerRecord): void {
    this.workers.add(w);
  }

  sample(s: QueueSample): void {
    this.samples.add(s);
  }

  /** Every batch gathered, in TABLES order. */
  batches(): ColumnBatch<object>[] {
    const all = [this.requests, this.users, this.attempts, this.workers, this.samples] as ColumnBatch<object>[];
    return all.filter((b) => this.tables.includes(b.spec.name));
  }
}
