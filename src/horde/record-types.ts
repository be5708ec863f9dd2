// Flat records the simulator emits, one per thing, and the sink they go to; CSV columns carry the same names.

/** abandoned: the user gave up and the client cancelled the request (the user's patience). */
export type RequestOutcome = "completed" | "faulted" | "expired" | "abandoned" | "open";

export interface RequestRecord {
  policy: string;
  replication: number;
  request_id: number;
  /** The request this one resubmits (the user's first request of the chain), or its own id. */
  origin_id: number;
  /**
   * The arrival it comes from, numbered in arrival order over all streams (resubmissions keep their origin's):
   * under common random numbers the same number is the same arrival in every arm, where request ids are not.
   */
  arrival_id: number;
  /** 0 for the user's first submission, 1 for the first resubmission, ... */
  resubmission: number;
  stream: string;
  width: number;
  height: number;
  steps: number;
  sampler: string;
  model: string;
  submitted_s: number;
  /** When the server considered it done (completed, faulted or deleted); NaN while open. */
  done_s: number;
  outcome: RequestOutcome;
  images_requested: number;
  images_delivered: number;
  attempts: number;
  /** done_s - submitted_s; NaN while open. */
  latency_s: number;
  /** When the user's client noticed the end (client poll interval); NaN while open. */
  seen_s: number;
  /**
   * True when the request was submitted outside the measurement window (before the warm-up ended, or at or
   * after measure_until): left out of the statistics.
   */
  warmup: boolean;
  /** The user class its arrival drew ("default" when the stream names none). */
  user_class: string;
  /** The requester's kudos: the request's initial priority. */
  kudos: number;
  /** Megapixel-steps of one image. */
  mps: number;
  /** When its first job was popped; NaN when none was. */
  first_pop_s: number;
  /** Seconds it waited in the queue with images left to hand out (every spell, re-queues after aborts included). */
  wait_s: number;
}

/** What the user finally got, across resubmissions: one per user's original request. */
export interface UserRecord {
  policy: string;
  replication: number;
  origin_id: number;
  arrival_id: number;
  submitted_s: number;
  /** When the user had the images, or gave up; NaN while open. */
  final_s: number;
  outcome: RequestOutcome;
  submissions: number;
  /** final_s - submitted_s. */
  latency_s: number;
  warmup: boolean;
  user_class: string;
  /** The model the request named ("" for any). */
  model: string;
}

export type AttemptEnd =
  | "completed"
  | "stale_abort"
  | "reported_fault"
  | "late_discarded"
  | "expired"
  | "cancelled"
  | "open";

export interface AttemptRecord {
  policy: string;
  replication: number;
  request_id: number;
  job_id: number;
  /** 1 for the request's first job, 2 for the next, ... */
  attempt: number;
  worker_id: number;
  worker_name: string;
  popped_s: number;
  ended_s: number;
  end: AttemptEnd;
  ttl_s: number;
  /** A duplicate issued by the hedge rule. */
  hedge: boolean;
  /** GPU-seconds the worker spent on this job whose result was not used. */
  wasted_gpu_s: number;
  /** Megapixel-steps of the job's image. */
  mps: number;
}

export interface WorkerRecord {
  policy: string;
  replication: number;
  worker_id: number;
  worker_name: string;
  group: string;
  pops: number;
  completed: number;
  stale_aborts: number;
  reported_faults: number;
  late_discarded: number;
  maintenance_entries: number;
  busy_s: number;
  wasted_gpu_s: number;
}

/** The state of the queue at one sampling instant. */
export interface QueueSample {
  policy: string;
  replication: number;
  t_s: number;
  /** Requests waiting with n > 0. */
  queued: number;
  /** Jobs popped and not yet ended. */
  in_flight: number;
  /** The Horde's queued_requests (count_totals): images left of the requests with n > 0, plus their jobs without a result. */
  queued_requests: number;
  /** The Horde's queued_megapixelsteps (count_totals): MPS of one image of each of those requests (per job without a result). */
  queued_mps: number;
  /** The Horde's past_minute_megapixelsteps: MPS of the jobs delivered in the last 60 s. */
  delivered_mps: number;
}

/** Where the model's records go as they complete. */
export interface RecordSink {
  request(r: RequestRecord): void;
  user(u: UserRecord): void;
  attempt(a: AttemptRecord): void;
  worker(w: WorkerRecord): void;
  sample(s: QueueSample): void;
}
