import { closeSync, openSync, writeSync } from "node:fs";

/** A number as CSV text: integers as is, others rounded to 6 decimals without trailing zeros; NaN and ±∞ empty. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  if (Number.isInteger(value)) return String(value === 0 ? 0 : value);
  const text = value.toFixed(6).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}

/** One CSV field (RFC 4180 quoting): null, undefined and NaN empty, booleans true/false. */
export function formatField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const CHUNK = 1 << 16;

/** Streams rows to a CSV file with a header row, buffered and written in chunks of about 64 KiB. */
export class CsvWriter<T> {
  private fd: number;
  private chunk: string[] = [];
  private size = 0;

  constructor(
    readonly path: string,
    private readonly columns: (keyof T & string)[],
  ) {
    this.fd = openSync(path, "w");
    this.chunk.push(`${columns.map(formatField).join(",")}\n`);
  }

  write(row: T): void {
    const cols = this.columns;
    let line = "";
    for (let i = 0; i < cols.length; i++) {
      if (i > 0) line += ",";
      line += formatField(row[cols[i]]);
    }
    line += "\n";
    this.chunk.push(line);
    this.size += line.length;
    if (this.size >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    writeSync(this.fd, this.chunk.join(""));
    this.chunk = [];
    this.size = 0;
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
