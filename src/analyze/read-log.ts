// Reads one or more horde logs as one stream of scheduling events in time order: each file is read a chunk
// at a time and the files are merged by the time of their next event, so memory stays constant.
import { UserError } from "../errors.js";
import type { LogEvent } from "./events.js";
import { lineBatches, type RawLine } from "./file-lines.js";
import { openInput } from "./open-input.js";
import { classifyLine } from "./parse-line.js";
import { type FileStats, ReadStats } from "./read-stats.js";

/** A file whose first SNIFF_LINES lines hold no loguru record is not a log. */
export const SNIFF_LINES = 1000;

class FileCursor {
  private buffer: LogEvent[] = [];
  private next = 0;
  private done = false;
  private readonly batches: AsyncGenerator<RawLine[]>;
  private readonly close: () => void;
  private failure: Error | null = null;
  private readonly decoderFailure: () => Error | null;
  readonly file: FileStats;

  constructor(
    readonly path: string,
    private readonly stats: ReadStats,
  ) {
    const input = openInput(path);
    this.close = input.close;
    this.decoderFailure = input.failure;
    this.batches = lineBatches(input.stream, (e) => {
      this.failure = e;
    });
    this.file = {
      path,
      compression: input.compression,
      lines: 0,
      records: 0,
      events: 0,
      first: Number.NaN,
      last: Number.NaN,
    };
    stats.files.push(this.file);
  }

  abandon(): void {
    this.close();
  }

  get head(): LogEvent | undefined {
    return this.next < this.buffer.length ? this.buffer[this.next] : undefined;
  }

  take(): LogEvent {
    return this.buffer[this.next++];
  }

  /** Reads on until an event is buffered or the file ends. */
  async fill(): Promise<void> {
    try {
      while (this.next >= this.buffer.length && !this.done) {
        const r = await this.batches.next();
        this.buffer = [];
        this.next = 0;
        if (r.done) this.finish();
        else for (const line of r.value) this.consume(line);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private consume(raw: RawLine): void {
    const { stats, file } = this;
    stats.lines++;
    file.lines++;
    if (raw.overlong) {
      stats.problem("overlong", this.path, raw.lineNo, raw.text);
    } else {
      const c = classifyLine(raw.text);
      if (c.kind === "event" || c.kind === "record") {
        stats.records++;
        file.records++;
        if (c.kind === "event") {
          const t = c.event.t;
          stats.events[c.event.kind]++;
          file.events++;
          this.buffer.push(c.event);
          if (Number.isNaN(file.first) || t < file.first) file.first = t;
          if (Number.isNaN(file.last) || t > file.last) file.last = t;
        }
      } else if (!raw.terminated) {
        stats.problem("truncated", this.path, raw.lineNo, raw.text);
      } else if (c.kind === "problem") {
        stats.problem(c.problem, this.path, raw.lineNo, raw.text);
      } else {
        stats.continuation++;
      }
    }
    if (file.records === 0 && file.lines >= SNIFF_LINES) this.notALog();
  }

  private finish(): void {
    this.done = true;
    this.close();
    const failure = this.failure ?? this.decoderFailure();
    if (failure !== null) {
      const reason = describeFailure(failure);
      if (this.file.records === 0) throw new UserError(`${this.path}: ${reason}`);
      this.stats.problem("unreadable", this.path, this.file.lines, reason);
    }
    if (this.file.records === 0 && this.file.lines > 0) this.notALog();
  }

  private notALog(): never {
    this.close();
    throw new UserError(
      `${this.path}: not a horde log: no line of the form "YYYY-MM-DD HH:mm:ss.SSS | LEVEL | module:function:line - message" in its first ${Math.min(this.file.lines, SNIFF_LINES)} line(s)`,
    );
  }
}

function describeFailure(e: Error): string {
  const m = e.message.split("\n")[0];
  if (/prematurely|Cannot read properties of undefined/i.test(m)) return "the bzip2 data ends early (truncated file?)";
  if ((e as NodeJS.ErrnoException).code?.startsWith("Z_")) return `corrupt gzip data (${m})`;
  if ((e as NodeJS.ErrnoException).code !== undefined) return `cannot read the file (${m})`;
  return `corrupt bzip2 data (${m})`;
}

/** Hands every scheduling event of the files to `onEvent`, merged in time order; returns what was read. */
export async function readLogs(paths: readonly string[], onEvent: (e: LogEvent) => void): Promise<ReadStats> {
  if (paths.length === 0) throw new UserError("name at least one log file");
  const stats = new ReadStats();
  const cursors: FileCursor[] = [];
  try {
    for (const p of paths) cursors.push(new FileCursor(p, stats));
  } catch (e) {
    for (const c of cursors) c.abandon();
    throw e;
  }
  try {
    await Promise.all(cursors.map((c) => c.fill()));
    let last = Number.NEGATIVE_INFINITY;
    for (;;) {
      let best: FileCursor | null = null;
      for (const c of cursors) {
        const h = c.head;
        if (h !== undefined && (best === null || h.t < (best.head as LogEvent).t)) best = c;
      }
      if (best === null) break;
      const e = best.take();
      if (e.t < last) stats.outOfOrder++;
      else last = e.t;
      onEvent(e);
      if (best.head === undefined) await best.fill();
    }
  } finally {
    for (const c of cursors) c.abandon();
  }
  if (stats.records === 0)
    throw new UserError(`${paths.join(", ")}: no log records (the file${paths.length > 1 ? "s are" : " is"} empty)`);
  return stats;
}
