// The record tables as CSV files (RFC 4180, one header row): the TableFormat every run writes today.
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { CsvWriter, formatField } from "./csv.js";
import type { TableFormat } from "./record-files.js";

function writeAll(fd: number, buf: Buffer, length: number): void {
  for (let off = 0; off < length; ) off += writeSync(fd, buf, off, length - off);
}

/**
 * Writes `path` as one header followed by the rows of every part, in order, streaming through a fixed buffer;
 * each part is a CSV file with the same header, deleted once copied.
 */
function concatenateParts(path: string, header: string, parts: readonly string[]): void {
  const head = Buffer.from(header, "utf8");
  const buf = Buffer.allocUnsafe(1 << 20);
  const out = openSync(path, "w");
  try {
    writeAll(out, head, head.length);
    for (const part of parts) {
      const fd = openSync(part, "r");
      try {
        const n = readSync(fd, buf, 0, head.length, 0);
        if (n !== head.length || !buf.subarray(0, n).equals(head)) throw new Error(`${part}: unexpected CSV header`);
        for (let pos = head.length; ; ) {
          const got = readSync(fd, buf, 0, buf.length, pos);
          if (got === 0) break;
          writeAll(out, buf, got);
          pos += got;
        }
      } finally {
        closeSync(fd);
      }
      rmSync(part);
    }
  } finally {
    closeSync(out);
  }
}

export const csvFormat: TableFormat = {
  extension: "csv",
  open: (path, columns) => new CsvWriter(path, columns),
  join: (path, columns, parts) => concatenateParts(path, `${columns.map(formatField).join(",")}\n`, parts),
};
