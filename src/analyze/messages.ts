// The scheduling messages of docs/model.md §10, parsed into events. A message that starts like one of them
// but does not match it whole is reported as malformed rather than ignored.
import type { JobConfig, LogEvent } from "./events.js";

const ID = "([0-9A-Za-z-]+)";
const POP = new RegExp(
  `^(FAKE )?Procgen with ID ${ID} popped from WP ${ID} by worker ${ID} \\('(.*)' / ([^)]*)\\) - (-?\\d+) gens left$`,
);
const DELIVER = new RegExp(
  `^New (Cancelled )?Generation ${ID} worth (-?[\\d.]+(?:e[+-]?\\d+)?) kudos, delivered by worker: (.*) for wp ${ID} +\\(requesting user .*\\)$`,
);
const ABORT_IMAGE = new RegExp(
  `^Aborted Stale Generation ${ID} of wp ${ID} \\((\\d+)x(\\d+)x(\\d+)@([^)\\s]*)\\) from by worker: (.*) \\(${ID}\\)$`,
);
const ABORT_GENERIC = new RegExp(`^Aborted Stale Generation ${ID} from by worker: (.*) \\(${ID}\\)$`);
const FAULTED = new RegExp(`^Faulting waiting prompt ${ID} with payload '(.*)' due to too many faulted jobs$`);
const SUSPICION = /^Worker '([0-9A-Za-z-]+)' suspicion increased\. Reason: (.*)$/;

const MARKERS = [
  "Procgen with ID",
  "FAKE Procgen",
  "New Generation",
  "New Cancelled Generation",
  "Aborted Stale Generation",
  "Faulting waiting prompt",
  "suspicion increased",
];

/** The text mentions a scheduling message (used to tell a broken scheduling line from an unrelated one). */
export function mentionsScheduling(text: string): boolean {
  return MARKERS.some((m) => text.includes(m));
}

function payloadNumber(payload: string, key: string): number | null {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*(\\d+)`).exec(payload);
  return m === null ? null : Number(m[1]);
}

function payloadString(payload: string, key: string): string | null {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*['"]([^'"]*)['"]`).exec(payload);
  return m === null ? null : m[1];
}

/** The request shape in a faulted payload (a Python dict repr or JSON); null unless all four fields show. */
export function payloadConfig(payload: string): { config: JobConfig | null; n: number | null } {
  const width = payloadNumber(payload, "width");
  const height = payloadNumber(payload, "height");
  const steps = payloadNumber(payload, "steps") ?? payloadNumber(payload, "ddim_steps");
  const sampler = payloadString(payload, "sampler_name");
  const config =
    width !== null && height !== null && steps !== null && sampler !== null ? { width, height, steps, sampler } : null;
  return { config, n: payloadNumber(payload, "n") };
}

export type MessageResult = { event: LogEvent } | { unrelated: true } | { malformed: true };

/** Parses one loguru message logged at time t. */
export function parseMessage(t: number, message: string): MessageResult {
  const text = message.trimEnd();
  let m: RegExpExecArray | null;
  if (text.startsWith("Procgen with ID") || text.startsWith("FAKE Procgen with ID")) {
    m = POP.exec(text);
    if (m === null) return { malformed: true };
    return {
      event: {
        kind: "pop",
        t,
        fake: m[1] !== undefined,
        job: m[2],
        wp: m[3],
        workerId: m[4],
        worker: m[5],
        ip: m[6],
        left: Number(m[7]),
      },
    };
  }
  if (text.startsWith("New Generation") || text.startsWith("New Cancelled Generation")) {
    m = DELIVER.exec(text);
    if (m === null || !Number.isFinite(Number(m[3]))) return { malformed: true };
    return {
      event: {
        kind: "deliver",
        t,
        cancelled: m[1] !== undefined,
        job: m[2],
        kudos: Number(m[3]),
        worker: m[4],
        wp: m[5],
      },
    };
  }
  if (text.startsWith("Aborted Stale Generation")) {
    m = ABORT_IMAGE.exec(text);
    if (m !== null) {
      const config = { width: Number(m[3]), height: Number(m[4]), steps: Number(m[5]), sampler: m[6] };
      return { event: { kind: "abort", t, job: m[1], wp: m[2], config, worker: m[7], workerId: m[8] } };
    }
    m = ABORT_GENERIC.exec(text);
    if (m === null) return { malformed: true };
    return { event: { kind: "abort", t, job: m[1], wp: null, config: null, worker: m[2], workerId: m[3] } };
  }
  if (text.startsWith("Faulting waiting prompt")) {
    m = FAULTED.exec(text);
    if (m === null) return { malformed: true };
    return { event: { kind: "faulted", t, wp: m[1], ...payloadConfig(m[2]) } };
  }
  if (text.startsWith("Worker '") && text.includes("suspicion increased")) {
    m = SUSPICION.exec(text);
    if (m === null) return { malformed: true };
    return { event: { kind: "suspicion", t, workerId: m[1], reason: m[2] } };
  }
  return { unrelated: true };
}
