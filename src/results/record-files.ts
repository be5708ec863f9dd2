// The record tables of a result folder (requests, users, attempts, workers, samples), written through a small
// format interface: a run's tables are written by a TableFormat (CSV today, csv-format.ts), so another format
// replaces one file, not the run.
import type {
  AttemptRecord,
  QueueSample,
  RecordSink,
  RequestRecord,
  UserRecord,
  WorkerRecord,
} from "../horde/record-types.js";

export const REQUEST_COLUMNS: (keyof RequestRecord & string)[] = [
  "policy",
  "replication",
  "request_id",
  "origin_id",
  "arrival_id",
  "resubmission",
  "stream",
  "width",
  "height",
  "steps",
  "sampler",
  "model",
  "submitted_s",
  "done_s",
  "outcome",
  "images_requested",
  "images_delivered",
  "attempts",
  "latency_s",
  "seen_s",
  "warmup",
  "user_class",
  "kudos",
  "mps",
  "first_pop_s",
  "wait_s",
];
export const USER_COLUMNS: (keyof UserRecord & string)[] = [
  "policy",
  "replication",
  "origin_id",
  "arrival_id",
  "submitted_s",
  "final_s",
  "outcome",
  "submissions",
  "latency_s",
  "warmup",
  "user_class",
  "model",
];
export const ATTEMPT_COLUMNS: (keyof AttemptRecord & string)[] = [
  "policy",
  "replication",
  "request_id",
  "job_id",
  "attempt",
  "worker_id",
  "worker_name",
  "popped_s",
  "ended_s",
  "end",
  "ttl_s",
  "hedge",
  "wasted_gpu_s",
  "mps",
];
export const WORKER_COLUMNS: (keyof WorkerRecord & string)[] = [
  "policy",
  "replication",
  "worker_id",
  "worker_name",
  "group",
  "pops",
  "completed",
  "stale_aborts",
  "reported_faults",
  "late_discarded",
  "maintenance_entries",
  "busy_s",
  "wasted_gpu_s",
];
export const SAMPLE_COLUMNS: (keyof QueueSample & string)[] = [
  "policy",
  "replication",
  "t_s",
  "queued",
  "in_flight",
  "queued_requests",
  "queued_mps",
  "delivered_mps",
];

/** The five record tables of a run, in the order they are listed here. */
export const TABLES = [
  { name: "requests", columns: REQUEST_COLUMNS },
  { name: "users", columns: USER_COLUMNS },
  { name: "attempts", columns: ATTEMPT_COLUMNS },
  { name: "workers", columns: WORKER_COLUMNS },
  { name: "samples", columns: SAMPLE_COLUMNS },
] as const;

export type TableName = (typeof TABLES)[number]["name"];

/** Streams the rows of one table into one file. */
export interface TableWriter<T> {
  write(row: T): void;
  close(): Promise<void>;
}

/** How the tables are stored: the file extension, a writer per file, and joining part files into one. */
export interface TableFormat {
  /** Without the dot: `requests.${extension}`. */
  readonly extension: string;
  open<T>(path: string, columns: (keyof T & string)[]): TableWriter<T>;
  /**
   * Writes `path` as the rows of every part, in order, then deletes the parts; each part was written by
   * open() with the same columns (the units of a run on worker threads).
   */
  join(path: string, columns: readonly string[], parts: readonly string[]): void;
}

/** One unit's (or a whole run's) five tables as a RecordSink: every record becomes a row of its table. */
export class RecordFiles implements RecordSink {
  private readonly requests: TableWriter<RequestRecord>;
  private readonly users: TableWriter<UserRecord>;
  private readonly attempts: TableWriter<AttemptRecord>;
  private readonly workers: TableWriter<WorkerRecord>;
  private readonly samples: TableWriter<QueueSample>;

  constructor(format: TableFormat, pathOf: (table: TableName) => string) {
    this.requests = format.open<RequestRecord>(pathOf("requests"), REQUEST_COLUMNS);
    this.users = format.open<UserRecord>(pathOf("users"), USER_COLUMNS);
    this.attempts = format.open<AttemptRecord>(pathOf("attempts"), ATTEMPT_COLUMNS);
    this.workers = format.open<WorkerRecord>(pathOf("workers"), WORKER_COLUMNS);
    this.samples = format.open<QueueSample>(pathOf("samples"), SAMPLE_COLUMNS);
  }

  request(r: RequestRecord): void {
    this.requests.write(r);
  }

  user(u: UserRecord): void {
    this.users.write(u);
  }

  attempt(a: AttemptRecord): void {
    this.attempts.write(a);
  }

  worker(w: WorkerRecord): void {
    this.workers.write(w);
  }

  sample(s: QueueSample): void {
    this.samples.write(s);
  }

  async close(): Promise<void> {
    await Promise.all([
      this.requests.close(),
      this.users.close(),
      this.attempts.close(),
      this.workers.close(),
      this.samples.close(),
    ]);
  }
}
