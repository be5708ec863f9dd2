// Where a completed request's time went, per arm and model: the wait (submitted → first popped by a worker) and
// the processing after it (first pop → done, retries included), over the requests submitted after the
// warm-up, all replications (read-results.ts works it out in SQL: from the requests' first_pop_s, or for an
// older folder, the earliest popped_s of each request's jobs).

export interface ModelWaits {
  model: string;
  /** Completed requests with a known first pop. */
  n: number;
  wait_mean_s: number;
  processing_mean_s: number;
  wait_p50_s: number;
  wait_p90_s: number;
  wait_p99_s: number;
}

export interface WaitDigest {
  /** Where the first pops came from. */
  source: "requests first_pop_s" | "attempts popped_s";
  /** Per arm, its models by name. */
  byPolicy: Record<string, ModelWaits[]>;
  /** Completed requests whose first pop was not found (no job in the attempts table). */
  unmatched: number;
}
