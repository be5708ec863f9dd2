// Writes the simulated server's horde.log in the real server's loguru line formats (docs/model.md §10),
// so that the same analysis reads a real log and a simulated one.
import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import type { HordeModel } from "../horde/model.js";
import type { TraceKind, TraceObserver } from "../horde/trace.js";

/** A stable UUID-shaped id for an entity of a run (the same run always gives the same ids). */
export function stableUuid(kind: string, id: number | string): string {
  const h = createHash("sha1").update(`hordesim/${kind}/${id}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable fake IPv4 address for a worker. */
export function stableIp(name: string): string {
  const h = createHash("sha1").update(`hordesim/ip/${name}`).digest();
  return `${10 + (h[0] % 200)}.${h[1]}.${h[2]}.${1 + (h[3] % 254)}`;
}

/** loguru's default time format: YYYY-MM-DD HH:mm:ss.SSS (UTC here). */
export function logTime(startMs: number, t: number): string {
  const d = new Date(startMs + Math.round(t * 1000));
  return d.toISOString().replace("T", " ").replace("Z", "");
}

function line(time: string, level: "INFO" | "WARNING", where: string, message: string): string {
  return `${time} | ${level.padEnd(8)} | ${where} - ${message}\n`;
}

const WHERE = {
  pop: "horde.classes.base.waiting_prompt:start_generation:288",
  deliver: "horde.classes.base.processing_generation:record:175",
  abort: "horde.classes.stable.processing_generation:log_aborted_generation:118",
  faulted: "horde.classes.base.waiting_prompt:log_faulted_prompt:512",
} as const;

/** Streams one run's pop, delivery, abort and fault lines into a file. */
export class HordeLogWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  private readonly startMs: number;

  constructor(path: string, startTime: string) {
    this.fd = openSync(path, "w");
    this.startMs = Date.parse(startTime);
  }

  observer(model: HordeModel): TraceObserver {
    return (t: number, kind: TraceKind, a: number, b: number, c: number) => {
      const time = logTime(this.startMs, t);
      switch (kind) {
        case "pop": {
          const r = model.requests[a];
          const w = model.workers[c];
          this.write(
            line(
              time,
              "INFO",
              WHERE.pop,
              `Procgen with ID ${stableUuid("job", b)} popped from WP ${stableUuid("wp", a)} by worker ${stableUuid("worker", w.name)} ('${w.name}' / ${stableIp(w.name)}) - ${r.n} gens left`,
            ),
          );
          break;
        }
        case "deliver": {
          const r = model.requests[a];
          const w = model.workers[c];
          const kudos = Math.round(r.mps * 10 * 100) / 100;
          this.write(
            line(
              time,
              "INFO",
              WHERE.deliver,
              `New Generation ${stableUuid("job", b)} worth ${kudos} kudos, delivered by worker: ${w.name} for wp ${stableUuid("wp", a)}  (requesting user ${r.template.user}#1 [${stableIp(r.template.user)}])`,
            ),
          );
          break;
        }
        case "abort":
        case "fault": {
          const t0 = model.requests[a].template;
          const w = model.workers[c];
          this.write(
            line(
              time,
              "INFO",
              WHERE.abort,
              `Aborted Stale Generation ${stableUuid("job", b)} of wp ${stableUuid("wp", a)} (${t0.width}x${t0.height}x${t0.steps}@${t0.sampler}) from by worker: ${w.name} (${stableUuid("worker", w.name)})`,
            ),
          );
          break;
        }
        case "request_faulted": {
          const t0 = model.requests[a].template;
          const payload = JSON.stringify({
            width: t0.width,
            height: t0.height,
            steps: t0.steps,
            sampler_name: t0.sampler,
            n: t0.n,
          }).replaceAll('"', "'");
          this.write(
            line(
              time,
              "WARNING",
              WHERE.faulted,
              `Faulting waiting prompt ${stableUuid("wp", a)} with payload '${payload}' due to too many faulted jobs`,
            ),
          );
          break;
        }
        default:
          break;
      }
    };
  }

  private write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
