// The CSV reader (RFC 4180): quoted fields, doubled quotes, CR LF or LF line ends, newlines inside quotes.
// An empty line is a row of one empty field (a one-column file's empty value); a final line end adds no row.
import { createReadStream, readFileSync } from "node:fs";

/** Incremental parser: feed text in chunks of any size, get whole rows back through the callback. */
export class CsvParser {
  private field = "";
  private row: string[] = [];
  private inQuotes = false;
  /** A quote just closed inside a quoted field: the next char decides between an escaped quote and the end. */
  private quotePending = false;
  /** The last char was a CR outside quotes (a CR LF line end may be split across chunks). */
  private crPending = false;
  private sawAny = false;

  constructor(private readonly onRow: (row: string[]) => void) {}

  push(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (this.crPending) {
        this.crPending = false;
        if (c === 10) {
          i++;
          continue;
        }
      }
      if (this.quotePending) {
        this.quotePending = false;
        if (c === 34) {
          this.field += '"';
          this.inQuotes = true;
          i++;
          continue;
        }
        // the quote closed the field: fall through and treat c outside quotes
      }
      if (this.inQuotes) {
        const close = chunk.indexOf('"', i);
        if (close < 0) {
          this.field += chunk.slice(i);
          i = n;
        } else {
          this.field += chunk.slice(i, close);
          this.inQuotes = false;
          this.quotePending = true;
          i = close + 1;
        }
        continue;
      }
      this.sawAny = true;
      if (c === 44) {
        this.row.push(this.field);
        this.field = "";
        i++;
      } else if (c === 10 || c === 13) {
        this.endRow();
        this.crPending = c === 13;
        i++;
      } else if (c === 34 && this.field.length === 0) {
        this.inQuotes = true;
        i++;
      } else {
        // plain run up to the next special char
        let j = i + 1;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13 || d === 34) break;
          j++;
        }
        this.field += chunk.slice(i, j);
        i = j;
      }
    }
  }

  /** Flushes the last row when the text does not end with a line break. */
  end(): void {
    this.quotePending = false;
    if (this.inQuotes) throw new Error("CSV: unterminated quoted field at end of input");
    if (this.sawAny || this.field.length > 0 || this.row.length > 0) this.endRow();
  }

  private endRow(): void {
    this.row.push(this.field);
    const row = this.row;
    this.row = [];
    this.field = "";
    this.sawAny = false;
    this.onRow(row);
  }
}

/** Parses a whole CSV text into rows (the header row included). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const p = new CsvParser((r) => rows.push(r));
  p.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  p.end();
  return rows;
}

/** Reads a small CSV file with a header row into one object per row (every value a string; missing fields ""). */
export function readCsv(path: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(path, "utf8"));
  if (header === undefined) return [];
  return body.map((fields) => {
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]] = fields[i] ?? "";
    return row;
  });
}

/** Streams a CSV file: calls onHeader once with the header row, then onRow for every data row. */
export async function readCsvFile(
  path: string,
  onHeader: (header: string[]) => void,
  onRow: (row: string[]) => void,
): Promise<void> {
  let header: string[] | null = null;
  const p = new CsvParser((row) => {
    if (header === null) {
      header = row;
      onHeader(row);
    } else {
      onRow(row);
    }
  });
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  let first = true;
  for await (const chunk of stream) {
    let s = chunk as string;
    if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    first = false;
    p.push(s);
  }
  p.end();
  if (header === null) onHeader([]);
}

/** One field of a CSV row read as a number: an empty field (or NaN/null text) is NaN. */
export function csvNumber(s: string | undefined): number {
  if (s === undefined || s === "" || s === "NaN" || s === "null") return Number.NaN;
  return Number(s);
}

/** One field read as a boolean: true/false (1/0 also accepted). */
export function csvBoolean(s: string | undefined): boolean {
  return s === "true" || s === "1" || s === "TRUE" || s === "True";
}
