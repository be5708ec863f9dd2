import { closeSync, openSync, writeSync } from "node:fs";

/** A CSV field: numbers rounded to 6 decimals without exponent noise, NaN and null empty, text quoted when needed. */
export function formatField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    if (Number.isInteger(value)) return String(value);
    const rounded = Math.round(value * 1e6) / 1e6;
    return Math.abs(rounded) >= 1e21 ? String(rounded) : rounded.toFixed(6).replace(/\.?0+$/, "");
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Streams rows to a CSV file with a header, in chunks, as the simulation emits them. */
export class CsvWriter<T> {
  private readonly fd: number;
  private chunk: string[] = [];
  private size = 0;

  constructor(
    path: string,
    private readonly columns: (keyof T & string)[],
  ) {
    this.fd = openSync(path, "w");
    this.chunk.push(`${columns.join(",")}\n`);
  }

  write(row: T): void {
    let line = "";
    for (let i = 0; i < this.columns.length; i++) {
      if (i > 0) line += ",";
      line += formatField(row[this.columns[i]]);
    }
    line += "\n";
    this.chunk.push(line);
    this.size += line.length;
    if (this.size >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    writeSync(this.fd, this.chunk.join(""));
    this.chunk = [];
    this.size = 0;
  }

  async close(): Promise<void> {
    this.flush();
    closeSync(this.fd);
  }
}
