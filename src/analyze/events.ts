// The scheduling events the log reader recognizes (docs/model.md §10). Times are milliseconds since the
// epoch, reading the log's wall-clock time as UTC (loguru writes no zone).

/** An image request's shape, as the abort line "(WxHxSTEPS@SAMPLER)" or the faulted payload shows it. */
export interface JobConfig {
  width: number;
  height: number;
  steps: number;
  sampler: string;
}

export interface PopEvent {
  kind: "pop";
  t: number;
  job: string;
  wp: string;
  workerId: string;
  worker: string;
  ip: string;
  /** "{n} gens left" after the pop. */
  left: number;
  /** FAKE Procgen: a paused worker was handed a job whose result is thrown away. */
  fake: boolean;
}

export interface DeliverEvent {
  kind: "deliver";
  t: number;
  job: string;
  wp: string;
  worker: string;
  kudos: number;
  /** "New Cancelled Generation": the request had been cancelled. */
  cancelled: boolean;
}

export interface AbortEvent {
  kind: "abort";
  t: number;
  job: string;
  /** Null on the generic (non-image) form of the line. */
  wp: string | null;
  worker: string;
  workerId: string;
  config: JobConfig | null;
}

export interface FaultedEvent {
  kind: "faulted";
  t: number;
  wp: string;
  /** What the payload shows; fields it lacks are null. */
  config: JobConfig | null;
  n: number | null;
}

export interface SuspicionEvent {
  kind: "suspicion";
  t: number;
  workerId: string;
  reason: string;
}

export type LogEvent = PopEvent | DeliverEvent | AbortEvent | FaultedEvent | SuspicionEvent;

export function configKey(c: JobConfig): string {
  return `${c.width}x${c.height}x${c.steps}@${c.sampler}`;
}
