// Rows of one record table gathered into columns, a chunk of CHUNK_ROWS rows at a time: numbers in
// Float64Arrays (NaN for none), booleans in Uint8Arrays, text as Int32Array codes into the batch's own
// dictionary per column (-1 for none). A chunk is plain typed arrays, so it crosses to the main thread from a
// worker thread as it is, and reaches DuckDB with one copy per column (record-store.ts).
import type { ColumnKind, TableSpec } from "./record-files.js";

/** DuckDB's vector size: a chunk fills one DuckDB data chunk. */
export const CHUNK_ROWS = 2048;

export type ColumnValues = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

export interface Chunk {
  rows: number;
  /** One array per column of the table, in its order; only the first `rows` entries are meaningful. */
  values: ColumnValues[];
}

/** What a batch hands over whole: its chunks and, per column, the dictionary its text codes index. */
export interface BatchContents {
  chunks: Chunk[];
  dictionaries: string[][];
}

function emptyValues(kind: ColumnKind): ColumnValues {
  if (kind === "text") return new Int32Array(CHUNK_ROWS);
  if (kind === "bool") return new Uint8Array(CHUNK_ROWS);
  return new Float64Array(CHUNK_ROWS);
}

/** Writes one row's fields into the chunk's arrays at `at`: compiled per table (compileFill). */
type Fill<T> = (row: T, values: ColumnValues[], at: number, batch: ColumnBatch<T>) => void;

/**
 * A fill function for the table, with a plain property read per column. Compiled from the column list (names
 * checked to be identifiers) because a loop over the names reads each field by a computed key, which measured
 * about 3× slower on the 1 M-request day, where this runs 60 M times.
 */
function compileFill<T>(spec: TableSpec<T>): Fill<T> {
  const lines = spec.columns.map((c, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name)) throw new Error(`column ${c.name}: not an identifier`);
    const v = `row.${c.name}`;
    if (c.kind === "text") return `values[${i}][at] = batch.textCode(${i}, ${v});`;
    if (c.kind === "bool") return `values[${i}][at] = ${v} === true ? 1 : 0;`;
    return `{ const v = ${v}; values[${i}][at] = typeof v === "number" ? v : NaN; }`;
  });
  return new Function("row", "values", "at", "batch", lines.join("\n")) as Fill<T>;
}

export class ColumnBatch<T> {
  private chunk: Chunk;
  private readonly full: Chunk[] = [];
  private readonly kinds: ColumnKind[];
  private readonly codes: Map<string, number>[];
  readonly dictionaries: string[][];
  /** Given: each chunk goes to it as it fills (and the last one at flush()); else they are kept (take()). */
  private consumer: ((chunk: Chunk, dictionaries: readonly string[][]) => void) | null = null;

  constructor(readonly spec: TableSpec<T>) {
    this.kinds = spec.columns.map((c) => c.kind);
    this.codes = this.kinds.map(() => new Map());
    this.dictionaries = this.kinds.map(() => []);
    this.chunk = this.newChunk();
    this.fill = compileFill(spec);
    this.lastText = this.kinds.map(() => null);
    this.lastCode = new Int32Array(this.kinds.length);
  }

  private readonly fill: Fill<T>;
  /** The last text seen per column and its code: most rows repeat the row before (policy, model, outcome). */
  private readonly lastText: (string | null)[];
  private readonly lastCode: Int32Array;

  /** The code of a text value in column `column` (-1 for none). */
  textCode(column: number, value: unknown): number {
    if (value === null || value === undefined) return -1;
    if (value === this.lastText[column]) return this.lastCode[column];
    const text = String(value);
    const code = this.code(column, text);
    this.lastText[column] = text;
    this.lastCode[column] = code;
    return code;
  }

  /** Sends every chunk to `consumer` as it fills, instead of keeping it. */
  drainTo(consumer: (chunk: Chunk, dictionaries: readonly string[][]) => void): void {
    this.consumer = consumer;
  }

  private newChunk(): Chunk {
    return { rows: 0, values: this.kinds.map(emptyValues) };
  }

  /** Appends one row (the hot path: one call per record). */
  add(row: T): void {
    const chunk = this.chunk;
    this.fill(row, chunk.values, chunk.rows, this);
    chunk.rows++;
    if (chunk.rows === CHUNK_ROWS) this.pass();
  }

  private code(column: number, text: string): number {
    const codes = this.codes[column];
    let code = codes.get(text);
    if (code === undefined) {
      code = this.dictionaries[column].length;
      this.dictionaries[column].push(text);
      codes.set(text, code);
    }
    return code;
  }

  private pass(): void {
    const chunk = this.chunk;
    if (this.consumer === null) {
      this.full.push(chunk);
      this.chunk = this.newChunk();
    } else {
      // the consumer copies the chunk before it returns: its arrays are filled again
      this.consumer(chunk, this.dictionaries);
      chunk.rows = 0;
    }
  }

  /** Passes on the last, partly filled chunk (if any rows). */
  flush(): void {
    if (this.chunk.rows > 0) this.pass();
  }

  /** The kept chunks (after flush()) and the dictionaries; the batch is empty afterwards. */
  take(): BatchContents {
    this.flush();
    return { chunks: this.full.splice(0), dictionaries: this.dictionaries.map((d) => [...d]) };
  }
}
