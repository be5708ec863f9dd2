// What happens in the model, one entry per state change that matters to an observer
// (invariant checks, fingerprints, the horde.log writer). Observing is optional and off by default.

export type TraceKind =
  /** A request was submitted (a = request). */
  | "submit"
  /** A worker popped a job (a = request, b = job, c = worker). */
  | "pop"
  /** A job's result was accepted (a = request, b = job, c = worker). */
  | "deliver"
  /** A job was aborted as stale by the detector (a = request, b = job, c = worker). */
  | "abort"
  /** The worker reported the job faulted (a = request, b = job, c = worker). */
  | "fault"
  /** A result arrived for a job already aborted: discarded (a = request, b = job, c = worker). */
  | "discard"
  /** A duplicate job was cancelled because another copy delivered first (a = request, b = job, c = worker). */
  | "cancel"
  /** The request became faulted by too many faulted jobs (a = request). */
  | "request_faulted"
  /** The request is complete (a = request). */
  | "request_completed"
  /** The request was deleted at expiry (a = request). */
  | "request_expired"
  /** The worker let go of a job: its slot is free again (a = request, b = job, c = worker). */
  | "drop"
  /** The worker went into maintenance (c = worker). */
  | "maintenance"
  /** The worker went offline (crash or outage) (c = worker). */
  | "offline"
  /** The worker came back online (c = worker). */
  | "online"
  /** The worker paused its pops after too many failed jobs in a row (c = worker). */
  | "pause"
  /** The user gave up: the client cancelled the request (a = request). */
  | "abandon";

export interface TraceEvent {
  t: number;
  kind: TraceKind;
  a: number;
  b: number;
  c: number;
}

export type TraceObserver = (t: number, kind: TraceKind, a: number, b: number, c: number) => void;
