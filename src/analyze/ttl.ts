// The TTL a job had, from what the log shows of it, and whether its abort was a timeout or a reported fault.
// The log shows neither the model named by the request, ControlNet, nor extra_slow_worker: they are taken
// as absent (no ×3, ×2 or ×3), which can only make the TTL too short, never too long.
import { hordeTtl } from "../horde/ttl.js";
import type { TtlConfig } from "../scenario/types.js";
import { DEFAULT_TTL } from "../scenario-file/schema.js";
import type { JobConfig } from "./events.js";

/** The real server's constants (docs/model.md §3.2): a scenario's defaults. */
export const HORDE_TTL: TtlConfig = DEFAULT_TTL;

export function ttlOf(config: JobConfig): number {
  return hordeTtl({ ...config, model: null, controlnet: false }, false, HORDE_TTL);
}

export type AbortCause = "timeout" | "reported_fault" | "unknown";

/**
 * A stale timeout happens at least TTL seconds after the pop; a worker-reported fault is logged the same way
 * but usually sooner. Without the job's size the 150 s floor is the only bound known: below it, a fault.
 * Without the pop (before the log starts) the cause is unknown.
 */
export function abortCause(sincePop: number | null, ttl: number | null): AbortCause {
  if (sincePop === null) return "unknown";
  return sincePop >= (ttl ?? HORDE_TTL.floor) ? "timeout" : "reported_fault";
}
