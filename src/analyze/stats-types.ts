// What the analysis accumulates: per worker, per configuration, per hour, and per request (timelines).
import type { JobConfig } from "./events.js";
import { DurationStats } from "./histogram.js";
import type { AbortCause } from "./ttl.js";

export interface WorkerStats {
  name: string;
  /** The worker's id as pop and abort lines give it ("" when only seen in delivery lines). */
  id: string;
  ip: string;
  pops: number;
  fakePops: number;
  deliveries: number;
  /** "New Cancelled Generation": delivered for a request the user had cancelled. */
  cancelled: number;
  aborts: number;
  timeouts: number;
  reportedFaults: number;
  /** Aborts whose pop is not in the log. */
  unknownCause: number;
  /** Aborts of fake jobs (a paused worker). */
  fakeAborts: number;
  /** Jobs popped and never delivered nor aborted within the log. */
  unfinished: number;
  suspicions: number;
  /** Pop to delivery, seconds. */
  deliveryTimes: DurationStats;
  /** Pop to abort, seconds: timeouts and reported faults apart. */
  timeoutTimes: DurationStats;
  faultTimes: DurationStats;
}

export function newWorker(name: string): WorkerStats {
  return {
    name,
    id: "",
    ip: "",
    pops: 0,
    fakePops: 0,
    deliveries: 0,
    cancelled: 0,
    aborts: 0,
    timeouts: 0,
    reportedFaults: 0,
    unknownCause: 0,
    fakeAborts: 0,
    unfinished: 0,
    suspicions: 0,
    deliveryTimes: new DurationStats(),
    timeoutTimes: new DurationStats(),
    faultTimes: new DurationStats(),
  };
}

export interface ConfigStats {
  key: string;
  config: JobConfig;
  ttl: number;
  aborts: number;
  timeouts: number;
  reportedFaults: number;
  unknownCause: number;
  /** Requests with at least one abort of this configuration. */
  requests: number;
  /** Requests of this configuration faulted by 3 strikes. */
  faultedRequests: number;
  /** Pop to abort of its timeouts, seconds. */
  timeoutTimes: DurationStats;
}

export interface HourStats {
  /** Start of the hour, ms. */
  hour: number;
  pops: number;
  deliveries: number;
  aborts: number;
  timeouts: number;
  reportedFaults: number;
  faultedRequests: number;
}

export type TimelineEvent = "pop" | "abort" | "deliver" | "faulted";

export interface TimelineEntry {
  t: number;
  event: TimelineEvent;
  job: string | null;
  worker: string | null;
  /** Seconds since the request's previous entry. */
  sincePrevious: number | null;
  /** Seconds since this job's pop (abort and deliver). */
  sincePop: number | null;
  ttl: number | null;
  cause: AbortCause | null;
}

export interface Timeline {
  wp: string;
  config: JobConfig | null;
  pops: number;
  aborts: number;
  deliveries: number;
  faulted: boolean;
  entries: TimelineEntry[];
}

export interface FaultedRequest {
  wp: string;
  t: number;
  config: JobConfig | null;
  n: number | null;
  pops: number;
  aborts: number;
  /** First pop seen, ms; NaN when the request was popped before the log starts. */
  firstPop: number;
  /** Workers of the aborted jobs, in order. */
  workers: string[];
}

export interface Suspicion {
  t: number;
  workerId: string;
  worker: string;
  reason: string;
}
