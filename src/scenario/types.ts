// The resolved scenario: what the YAML loader hands to the simulator once every default is filled in
// and every duration is converted to seconds and every rate to events per second.

import type { Distribution } from "../engine/distributions.js";
import type { FigureName } from "./figures.js";

export type { Distribution } from "../engine/distributions.js";

/** A time window [from, to) in simulated seconds. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** Restricts a failure mode to some jobs; every field given must match. */
export interface JobFilter {
  width?: number;
  height?: number;
  steps?: number;
  sampler?: string;
  models?: string[];
  min_mps?: number;
  max_mps?: number;
}

export interface FailureBase {
  /**
   * Probability per job that this mode strikes. The modes of one worker are exclusive: the probabilities of the
   * modes that apply to one job sum to at most 1 (modes whose filters never overlap may each have up to 1).
   */
  probability: number;
  /** Share of the group's workers that have this mode: the first round(share × count). */
  share: number;
  /** Only jobs that match. */
  when?: JobFilter;
  /** Only jobs popped inside one of these windows (always when absent). */
  active?: TimeWindow[];
}

export type FailureMode =
  /** Accepts the job and never returns it; keeps polling. The slot is freed `hold` seconds after the pop. */
  | (FailureBase & { mode: "hang"; hold: Distribution })
  /** The worker process dies during the job: it stops polling, loses every job it holds, is back after `downtime`. */
  | (FailureBase & { mode: "crash"; downtime: Distribution })
  /** The job runs `multiplier` times slower. */
  | (FailureBase & { mode: "slow"; multiplier: number })
  /** The worker reports `faulted` after `delay` seconds. */
  | (FailureBase & { mode: "fault"; delay: Distribution })
  /** The result comes back `delay` seconds after the job's TTL (discarded if the job was aborted by then). */
  | (FailureBase & { mode: "late"; delay: Distribution })
  /** A user's own mode from a module file (`mode: ./modes/throttle.ts`): `module` is the file's absolute path. */
  | (FailureBase & { mode: "module"; module: string; params: Record<string, unknown> });

/** Periodic outages: offline for `down` seconds every `period` seconds, starting at `phase`. Jobs held are lost. */
export interface Flapping {
  period: number;
  down: number;
  phase: number;
}

export interface WorkerGroup {
  name: string;
  count: number;
  /** Models the worker declares; a request naming no model matches any worker. */
  models: string[];
  max_pixels: number;
  /** Jobs held at once (reGen: queue_size + max_threads = 2). */
  slots: number;
  /** Jobs inferred at once (reGen max_threads = 1); the others wait in the worker's own queue. */
  threads: number;
  /** The worker's speed in MPS/s, drawn once per worker. */
  speed: Distribution;
  /** Lognormal sigma of the per-job speed variation (0: none). */
  jitter: number;
  /** Fixed seconds per job besides sampling (upload, safety check, HTTP). */
  overhead: Distribution;
  /** Seconds to load a model when the job's model differs from the last one. */
  model_load: Distribution;
  extra_slow_worker: boolean;
  /**
   * Seconds the worker's pop loop sleeps after each answer (reGen _api_call_loop_interval: 1 s); 0 means the
   * worker asks again the instant it has a free slot.
   */
  poll_interval: number;
  /** Least seconds between two pops after an API error such as maintenance (reGen _error_job_pop_frequency). */
  error_poll_interval: number;
  /**
   * Seconds from sending a pop to its answer; the server takes the request when it answers. A pop that finds
   * nothing while the worker is idle takes the distribution's mean (so an idle worker costs no events).
   */
  pop_round_trip: Distribution;
  /** Owner of the worker: requests of this user are poppable during maintenance. */
  owner: string;
  failures: FailureMode[];
  flapping: Flapping | null;
}

export interface RequestTemplate {
  weight: number;
  width: number;
  height: number;
  steps: number;
  sampler: string;
  /** Model named by the request, or null for "any model". */
  model: string | null;
  n: number;
  /** Requester's kudos: the request's initial priority. */
  kudos: number;
  user: string;
  slow_workers: boolean;
  extra_slow_workers: boolean;
  controlnet: boolean;
  /** Overrides the size-based job time (validation against queueing theory). */
  job_time: Distribution | null;
}

/** Rate in requests per second from `from` (seconds) until the next segment. */
export interface RateSegment {
  from: number;
  rate: number;
}

/** A kind of user: a share of a stream's arrivals, with its own kudos (the request's initial priority). */
export interface UserClass {
  name: string;
  weight: number;
  /** Drawn per arrival (kudos may be 0 or negative, so a constant is any number). */
  kudos: Distribution;
  /** The requester (the worker owner's priority pass, maintenance); null keeps the template's user. */
  user: string | null;
  /**
   * Seconds a user waits for the images, drawn per arrival from its first submission; then the client
   * cancels the request (DELETE /v2/generate/status/{id}). null: never.
   */
  patience: Distribution | null;
}

/** A model named by a share of a stream's arrivals (overrides the template's model). */
export interface ModelShare {
  name: string;
  weight: number;
}

export interface ArrivalStream {
  name: string;
  /** Piecewise-constant Poisson rate, sorted by `from`, first segment from 0. */
  rate: RateSegment[];
  /** The rate repeats every `period` seconds (a daily profile: 86400), or never (null). */
  period: number | null;
  /** Kinds of users drawn per arrival by weight; [] uses the template's kudos and user (class "default"). */
  classes: UserClass[];
  /** Models drawn per arrival by weight; [] uses the template's model. */
  models: ModelShare[];
  /** Exact submission times in seconds, ascending (trace-driven replay); when given, `rate` is not used. */
  times: number[] | null;
  mix: RequestTemplate[];
}

export interface TtlConfig {
  floor: number;
  base: number;
  per_step: number;
  reference_pixels: number;
  controlnet_multiplier: number;
  heavy_model_multiplier: number;
  heavy_models: string[];
  extra_slow_multiplier: number;
}

export interface ServerConfig {
  ttl: TtlConfig;
  /** The periodic stale checker: sleeps `period` after each run, each run takes `run_time`. */
  sweep: {
    period: number;
    /** The part of a run that does not depend on the jobs: the run takes run_time + per_job·open + per_abort·aborts. */
    run_time: Distribution;
    /** Seconds per open job the run loads. */
    per_job: number;
    /** Seconds per stale job it aborts. */
    per_abort: number;
    phase: number | null;
  };
  aging: { interval: number; increment: number };
  expiry: { normal: number; extra_slow: number };
  /** A request becomes faulted when it has more than this many faulted jobs. */
  max_faulted_jobs: number;
  maintenance: { enabled: boolean; abort_threshold: number; window: number };
  speed: { samples: number; baseline: number; slow_gate: number };
  online_timeout: number;
}

export interface ClientConfig {
  /** Seconds between the user's status checks; 0 means the user sees the result at once. */
  poll_interval: number;
  /** After a failed request the user submits it again, at most `max` times, after `delay`. */
  resubmit: { max: number; delay: Distribution };
}

/** One rule of a policy: its registry name and its constants, checked by the rule's own schema. */
export interface RuleConfig {
  rule: string;
  [param: string]: unknown;
}

export interface PolicyConfig {
  name: string;
  timeout: RuleConfig;
  detector: RuleConfig;
  reassignment: RuleConfig[];
  /** The Horde's 21-aborts-per-hour maintenance. */
  maintenance: boolean;
}

/**
 * An upper bound on a figure: the arm is feasible when it is shown that figure ≤ max, or, for a bound relative
 * to the baseline (the first arm), that the arm's figure minus the baseline's (paired by replication) ≤ max.
 */
export interface ObjectiveConstraint {
  figure: FigureName;
  max: number;
  relative?: boolean;
}

/** A further effect an objective judges, in order, among the arms the effects before it could not tell apart. */
export interface ObjectiveStep {
  minimise: FigureName;
  /** δ in the unit of `minimise`; 0 when none is given. */
  indifference: number;
}

/** What the best arm is: the lowest `minimise` among arms that meet every constraint. */
export interface Objective {
  name: string;
  minimise: FigureName;
  /** In the order of FIGURE_NAMES. */
  subject_to: ObjectiveConstraint[];
  /** δ in the unit of `minimise`: differences smaller than this do not matter; 0 when none is given. */
  indifference: number;
  /** Further effects, most important first (absent or empty: `minimise` alone decides). */
  next?: ObjectiveStep[];
}

/** Figures of a /status/performance snapshot to compare a run with (`hordesim run` prints simulated vs snapshot). */
export interface StatusTargets {
  /** Where the figures come from (the snapshot file), for the table's title. */
  source: string;
  queued_requests?: number;
  queued_mps?: number;
  /** The snapshot's past_minute_megapixelsteps / 60. */
  delivered_mps_per_s?: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Simulated seconds to run. */
  horizon: number;
  /** Requests submitted before this are left out of the statistics. */
  warmup: number;
  /** Requests submitted at or after this run but are left out of the statistics; null: the horizon. */
  measure_until: number | null;
  /** Wall-clock time of simulated second 0, ISO 8601, for horde.log. */
  start_time: string;
  seed: number;
  replications: number;
  /** Seconds between samples of the queue length and jobs in flight. */
  sample_interval: number;
  server: ServerConfig;
  client: ClientConfig;
  arrivals: ArrivalStream[];
  workers: WorkerGroup[];
  /** The arms to compare; the first is the baseline. */
  policies: PolicyConfig[];
  /** What the best arm is, for the verdict (default: src/scenario/objectives.ts DEFAULT_OBJECTIVES). */
  objectives: Objective[];
  /** A snapshot's figures the run is compared with; none when absent. */
  targets?: StatusTargets;
  /** The users' own rules and failure modes the scenario names, loaded from files (none when absent). */
  modules?: UserModuleFile[];
}

/** A user's rule or failure mode module named by a scenario (`rule: ./rules/x.ts`, `mode: ./modes/y.ts`). */
export interface UserModuleFile {
  /** As the scenario names it, relative to the scenario file. */
  file: string;
  /** Absolute path: the key the rule or mode is registered under. */
  path: string;
  sha256: string;
  kind: "timeout" | "detector" | "reassignment" | "failure";
}
