// Opens a log file as a byte stream, decompressing .bz2 (pure-JS bzip2 decoder) and .gz files on the fly;
// the format is told by the file's first bytes, not its name.
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import { constants, createGunzip } from "node:zlib";
import unbzip2Stream from "unbzip2-stream";
import { UserError } from "../errors.js";

export type Compression = "bzip2" | "gzip" | null;

export interface Input {
  stream: Readable;
  compression: Compression;
  /** Stops reading and releases the file. */
  close(): void;
  /** Why the decoder stopped early, once the stream has ended; null if it did not. */
  failure(): Error | null;
}

function cannotRead(path: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : `cannot read the file (${(e as Error).message})`;
  throw new UserError(`${path}: ${reason}`);
}

function sniff(path: string): Compression {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new UserError(`${path}: is a directory, not a log file`);
    fd = openSync(path, "r");
  } catch (e) {
    if (e instanceof UserError) throw e;
    cannotRead(path, e);
  }
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    if (n >= 4 && head.toString("latin1", 0, 3) === "BZh" && head[3] >= 0x31 && head[3] <= 0x39) return "bzip2";
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves the decoder's output into `out` with backpressure. The bzip2 decoder is an old-style stream that,
 * on corrupt or truncated data, emits "error" and never "end": what it decoded until then is handed on, the
 * error kept for `failure`, and `out` ended.
 */
function bridge(decoder: NodeJS.ReadWriteStream, out: PassThrough, onFailure: (e: Error) => void): void {
  let failing = false;
  decoder.on("data", (d: Buffer) => {
    if (!out.write(d) && !failing) decoder.pause();
  });
  out.on("drain", () => decoder.resume());
  decoder.on("end", () => out.end());
  decoder.on("error", (e: Error) => {
    failing = true;
    onFailure(e);
    decoder.resume();
    out.end();
  });
}

export function openInput(path: string): Input {
  const compression = sniff(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let failure: Error | null = null;
  const base = { compression, failure: () => failure };
  if (compression === null) return { ...base, stream: raw, close: () => raw.destroy() };
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  raw.on("error", (e) => out.destroy(e));
  if (compression === "bzip2") {
    const decoder = unbzip2Stream();
    raw.pipe(decoder);
    bridge(decoder, out, (e) => {
      failure = e;
      raw.destroy();
    });
  } else {
    // Z_SYNC_FLUSH: a truncated file gives what it holds instead of an error
    const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    gunzip.on("error", (e) => out.destroy(e));
    raw.pipe(gunzip).pipe(out);
  }
  return {
    ...base,
    stream: out,
    close: () => {
      raw.destroy();
      out.destroy();
    },
  };
}
