// The record tables of a run on their way to the files: every chunk is appended into an in-memory DuckDB
// table (text as integer codes into one dictionary per column name, so `policy` has the same codes in every
// table), and write() copies each table out whole, as Parquet (zstd) or CSV, in the order the rows came.
// DuckDB runs on the main thread only: terminating a worker thread that holds a DuckDB instance aborts the
// whole process, so worker threads send their chunks here instead (run-folder.ts).
import {
  type DuckDBAppender,
  DuckDBBooleanType,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDoubleType,
  DuckDBInstance,
  DuckDBIntegerType,
  type DuckDBType,
} from "@duckdb/node-api";
import bindings from "@duckdb/node-bindings";
import { type BatchContents, CHUNK_ROWS, type Chunk } from "./column-batch.js";
import { diskError } from "./disk-errors.js";
import type { RecordFormat } from "./record-files.js";
import {
  type ColumnKind,
  REAL_GRID,
  type RecordFiles,
  type RecordsChoice,
  TABLES,
  type TableName,
  type TableSpec,
  tablesFor,
} from "./record-files.js";
import { sqlIdentifier, sqlString } from "./sql.js";

export { RECORD_FORMATS, type RecordFormat } from "./record-files.js";

/** How each format is copied out: its COPY options and how a real column is shown in it. */
const COPY_OPTIONS: Record<RecordFormat, string> = {
  parquet: "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2",
  csv: "FORMAT csv, HEADER true",
};

const STORED_TYPE: Record<ColumnKind, DuckDBType> = {
  text: DuckDBIntegerType.instance,
  int: DuckDBIntegerType.instance,
  real: DuckDBDoubleType.instance,
  bool: DuckDBBooleanType.instance,
};

/** A text column's dictionary, shared by every table with a column of that name. */
class Dictionary {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();
  /** Per source dictionary (a batch's column): its codes translated, grown as it grows. */
  private readonly remaps = new WeakMap<readonly string[], number[]>();

  remap(source: readonly string[]): number[] {
    let remap = this.remaps.get(source);
    if (remap === undefined) {
      remap = [];
      this.remaps.set(source, remap);
    }
    for (let i = remap.length; i < source.length; i++) remap.push(this.code(source[i]));
    return remap;
  }

  private code(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(text);
      this.codes.set(text, code);
    }
    return code;
  }
}

const GRID_STEPS = 1 / REAL_GRID;

// The conversions of a column into DuckDB's layout, one monomorphic loop each; each returns its NULL count,
// clearing the row's bit in `validity` (DuckDB's bitmask: bit i of byte i >> 3) for every NULL.

function remapCodes(codes: Int32Array, n: number, remap: number[], out: Int32Array, validity: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code >= 0) out[i] = remap[code];
    else {
      out[i] = 0;
      validity[i >> 3] &= ~(1 << (i & 7));
      nulls++;
    }
  }
  return nulls;
}

function toInts(values: Float64Array, n: number, out: Int32Array, validity: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[i] = v;
    else {
      out[i] = 0;
      validity[i >> 3] &= ~(1 << (i & 7));
      nulls++;
    }
  }
  return nulls;
}

/** Reals to the nearest multiple of REAL_GRID (exact: a power of two scales without rounding). */
function toGrid(values: Float64Array, n: number, out: Float64Array, validity: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[i] = Math.round(v * GRID_STEPS) / GRID_STEPS;
    else {
      out[i] = 0;
      validity[i >> 3] &= ~(1 << (i & 7));
      nulls++;
    }
  }
  return nulls;
}

/** One table being gathered: its appender, a reusable DuckDB chunk and scratch arrays for the conversions. */
class StoredTable {
  private readonly raw: ReturnType<typeof bindings.create_data_chunk>;
  private readonly ints = new Int32Array(CHUNK_ROWS);
  private readonly reals = new Float64Array(CHUNK_ROWS);
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);
  rows = 0;

  constructor(
    readonly spec: TableSpec<object>,
    private readonly appender: DuckDBAppender,
    private readonly dictionaries: (Dictionary | null)[],
  ) {
    this.raw = DuckDBDataChunk.create(spec.columns.map((c) => STORED_TYPE[c.kind])).chunk;
  }

  append(chunk: Chunk, sources: readonly (readonly string[])[]): void {
    const n = chunk.rows;
    if (n === 0) return;
    bindings.data_chunk_reset(this.raw);
    bindings.data_chunk_set_size(this.raw, n);
    const columns = this.spec.columns;
    for (let c = 0; c < columns.length; c++) {
      const kind = columns[c].kind;
      const from = chunk.values[c];
      this.validity.fill(0xff);
      let data: Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;
      let nulls = 0;
      if (kind === "bool") data = from as Uint8Array<ArrayBuffer>;
      else if (kind === "text") {
        data = this.ints;
        const remap = (this.dictionaries[c] as Dictionary).remap(sources[c]);
        nulls = remapCodes(from as Int32Array, n, remap, this.ints, this.validity);
      } else if (kind === "int") {
        data = this.ints;
        nulls = toInts(from as Float64Array, n, this.ints, this.validity);
      } else {
        data = this.reals;
        nulls = toGrid(from as Float64Array, n, this.reals, this.validity);
      }
      const vector = bindings.data_chunk_get_vector(this.raw, c);
      bindings.copy_data_to_vector(vector, 0, data.buffer, data.byteOffset, n * data.BYTES_PER_ELEMENT);
      if (nulls > 0) {
        bindings.vector_ensure_validity_writable(vector);
        bindings.copy_data_to_vector_validity(vector, 0, this.validity.buffer, 0, Math.ceil(n / 64) * 8);
      }
    }
    bindings.append_data_chunk(this.appenderRaw(), this.raw);
    this.rows += n;
  }

  private appenderRaw(): ReturnType<typeof bindings.appender_create> {
    // DuckDBAppender keeps its binding handle private; appendDataChunk would build a wrapper per chunk.
    return (this.appender as unknown as { appender: ReturnType<typeof bindings.appender_create> }).appender;
  }

  close(): void {
    this.appender.closeSync();
  }
}

/**
 * The run's record tables, gathered in DuckDB and written out at the end. Use: open(), then attach() a unit's
 * RecordFiles (in this thread) or add() a unit's contents (from a worker thread) in canonical unit order,
 * then write(pathOf), and always close().
 */
export class RecordStore {
  private closed = false;

  private constructor(
    readonly format: RecordFormat,
    readonly records: RecordsChoice,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly tables: Map<TableName, StoredTable>,
    private readonly dictionaries: Map<string, Dictionary>,
  ) {}

  static async open(format: RecordFormat, records: RecordsChoice): Promise<RecordStore> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const tables = new Map<TableName, StoredTable>();
    const dictionaries = new Map<string, Dictionary>();
    try {
      for (const spec of TABLES) {
        const columns = spec.columns.map((c) => `${sqlIdentifier(c.name)} ${STORED_TYPE[c.kind].toString()}`);
        await connection.run(`CREATE TABLE ${sqlIdentifier(spec.name)} (${columns.join(", ")})`);
        const dicts = spec.columns.map((c) => {
          if (c.kind !== "text") return null;
          let d = dictionaries.get(c.name);
          if (d === undefined) {
            d = new Dictionary();
            dictionaries.set(c.name, d);
          }
          return d;
        });
        tables.set(spec.name, new StoredTable(spec, await connection.createAppender(spec.name), dicts));
      }
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    return new RecordStore(format, records, instance, connection, tables, dictionaries);
  }

  private table(name: TableName): StoredTable {
    const t = this.tables.get(name);
    if (t === undefined) throw new Error(`no record table ${name}`);
    return t;
  }

  /** Appends every chunk of `files` as it fills (a unit running in this thread). */
  attach(files: RecordFiles): void {
    for (const batch of files.batches()) {
      const t = this.table(batch.spec.name);
      batch.drainTo((chunk, dictionaries) => t.append(chunk, dictionaries));
    }
  }

  /** Appends a unit's table, whole (a unit that ran on a worker thread). */
  add(name: TableName, contents: BatchContents): void {
    const t = this.table(name);
    for (const chunk of contents.chunks) t.append(chunk, contents.dictionaries);
  }

  /** Rows gathered so far per table. */
  rowCount(name: TableName): number {
    return this.table(name).rows;
  }

  /** A stored column as its file shows it: text decoded from its code, reals rounded to 6 decimals in CSV. */
  private decodedColumn(name: string, kind: ColumnKind, alias: string): string {
    const col = `${alias}.${sqlIdentifier(name)}`;
    if (kind === "text") {
      const values = (this.dictionaries.get(name) as Dictionary).values;
      return `([${values.map(sqlString).join(", ")}]::VARCHAR[])[${col} + 1]`;
    }
    return kind === "real" && this.format === "csv" ? `round(${col}, 6)` : col;
  }

  /** The select list that decodes a stored table into its file's columns. */
  private decoded(spec: TableSpec<object>, alias: string): string {
    return spec.columns
      .map((c) => `${this.decodedColumn(c.name, c.kind, alias)} AS ${sqlIdentifier(c.name)}`)
      .join(", ");
  }

  /**
   * The query whose rows are a table's file, or null when `--records` leaves the table out. The attempts of
   * `--records requests` are picked on the stored codes (policy has the same codes in both tables) before
   * anything is decoded, and kept in the order they came.
   */
  private fileQuery(spec: TableSpec<object>): string | null {
    if (!tablesFor(this.records).includes(spec.name)) return null;
    // with --records requests the units' RecordFiles kept only the attempts of requests that went wrong
    return `SELECT ${this.decoded(spec, "t")} FROM ${sqlIdentifier(spec.name)} t`;
  }

  /** Writes every table `--records` asks for to `pathOf(name)`; returns the paths written. */
  async write(pathOf: (name: TableName, extension: string) => string): Promise<string[]> {
    for (const t of this.tables.values()) t.close();
    const written: string[] = [];
    for (const spec of TABLES) {
      const query = this.fileQuery(spec);
      if (query === null) continue;
      const path = pathOf(spec.name, this.format);
      try {
        await this.connection.run(`COPY (${query}) TO ${sqlString(path)} (${COPY_OPTIONS[this.format]})`);
      } catch (err) {
        throw diskError(err, path);
      }
      written.push(path);
    }
    return written;
  }

  /** Stops a running write() (on a signal). */
  interrupt(): void {
    if (!this.closed) this.connection.interrupt();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
