// The record tables of a run on their way to the files, in parts of consecutive units (arm × replication):
// every chunk is appended into the part's in-memory DuckDB tables (text as integer codes into one dictionary
// per column name, so `policy` has the same codes in every table); a full part is copied out as part files
// (Parquet with zstd, or CSV) on DuckDB's own threads while the next units run, and write() joins each table's
// parts into one file in order (parquet-concat.ts). DuckDB runs on the main thread only: terminating a worker
// thread that holds a DuckDB instance aborts the whole process, so worker threads send their chunks here
// instead (run-folder.ts).
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
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
import { concatCsv, concatParquet } from "./parquet-concat.js";
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

/**
 * Rows (over every table) that close a part: a busy day's unit (a million requests) is a part of its own,
 * encoded while the next unit runs; the small units of an idle day share a part, which saves the fixed cost
 * of a table, an appender and a COPY per unit and per table (3–5 s on the incident's 100 units).
 */
const PART_ROWS = 1 << 18;

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
 * The run's record tables, in parts of one or more consecutive units: a part's rows are appended into its own
 * DuckDB tables, and once it holds PART_ROWS rows (at the end of a unit) they are encoded into part files on a
 * second connection (DuckDB's threads) while the next units run; write() joins each table's parts, in order,
 * into its file. Use: open(), then per unit in canonical
 * order beginUnit(), attach() its RecordFiles (in this thread) or add() its contents (from a worker thread),
 * endUnit(); then write(pathOf), and always settle() and close().
 */
export class RecordStore {
  private closed = false;
  private partCount = 0;
  private unitOpen = false;
  /** The part being gathered: the tables of one or more consecutive units. */
  private current: Map<TableName, StoredTable> | null = null;
  /** The part files written so far, per table, in unit order. */
  private readonly parts = new Map<TableName, string[]>();
  /** The encoding of the units ended so far: one after the other, each after its predecessor. */
  private pending: Promise<void> = Promise.resolve();
  private readonly wanted: readonly TableSpec<object>[];

  private constructor(
    readonly format: RecordFormat,
    readonly records: RecordsChoice,
    private readonly partsDir: string,
    private readonly partRows: number,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly copier: DuckDBConnection,
    private readonly dictionaries: Map<string, Dictionary>,
  ) {
    const names = tablesFor(records);
    this.wanted = TABLES.filter((spec) => names.includes(spec.name));
    for (const spec of this.wanted) {
      this.parts.set(spec.name, []);
      for (const c of spec.columns) {
        if (c.kind === "text" && !dictionaries.has(c.name)) dictionaries.set(c.name, new Dictionary());
      }
    }
  }

  /**
   * `partsDir` is made when the first part is full and holds the part files until write() joins them.
   * `threads` caps DuckDB's threads (1 leaves the other core to a simulation running in this thread; default:
   * every core); `partRows` is the rows that close a part (default PART_ROWS).
   */
  static async open(
    format: RecordFormat,
    records: RecordsChoice,
    partsDir: string,
    options: { threads?: number; partRows?: number } = {},
  ): Promise<RecordStore> {
    const instance = await DuckDBInstance.create(
      ":memory:",
      options.threads === undefined ? undefined : { threads: String(options.threads) },
    );
    try {
      const connection = await instance.connect();
      const copier = await instance.connect();
      return new RecordStore(
        format,
        records,
        partsDir,
        options.partRows ?? PART_ROWS,
        instance,
        connection,
        copier,
        new Map(),
      );
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  }

  /** Opens the next unit: into the part being gathered, or a new part's tables. */
  async beginUnit(): Promise<void> {
    if (this.unitOpen) throw new Error("beginUnit: the previous unit has not ended");
    this.unitOpen = true;
    if (this.current !== null) return;
    const part = this.partCount++;
    const tables = new Map<TableName, StoredTable>();
    for (const spec of this.wanted) {
      const name = `${spec.name}_${part}`;
      const columns = spec.columns.map((c) => `${sqlIdentifier(c.name)} ${STORED_TYPE[c.kind].toString()}`);
      await this.connection.run(`CREATE TABLE ${sqlIdentifier(name)} (${columns.join(", ")})`);
      const dicts = spec.columns.map((c) => (c.kind === "text" ? (this.dictionaries.get(c.name) as Dictionary) : null));
      tables.set(spec.name, new StoredTable(spec, await this.connection.createAppender(name), dicts));
    }
    this.current = tables;
  }

  /** Ends the unit; once the part holds `partRows` rows it is closed and queued for encoding (endPart). */
  endUnit(): void {
    if (!this.unitOpen) throw new Error("endUnit: no unit is open");
    this.unitOpen = false;
    let rows = 0;
    for (const t of this.current?.values() ?? []) rows += t.rows;
    if (rows >= this.partRows) this.endPart();
  }

  /**
   * Closes the part's tables and queues their encoding into part files. A failure shows at write() (or is
   * dropped by settle() when the run already failed).
   */
  private endPart(): void {
    const tables = this.current;
    if (tables === null) return;
    this.current = null;
    const part = this.partCount - 1;
    const copies: { sql: string; path: string }[] = [];
    for (const [name, t] of tables) {
      t.close();
      const path = join(this.partsDir, `${name}.${String(part).padStart(6, "0")}.${this.format}`);
      (this.parts.get(name) as string[]).push(path);
      const source = sqlIdentifier(`${name}_${part}`);
      copies.push({
        sql: `COPY (SELECT ${this.decoded(t.spec, "t")} FROM ${source} t) TO ${sqlString(path)} (${COPY_OPTIONS[this.format]})`,
        path,
      });
      copies.push({ sql: `DROP TABLE ${source}`, path });
    }
    const next = this.pending.then(async () => {
      mkdirSync(this.partsDir, { recursive: true });
      for (const c of copies) {
        try {
          await this.copier.run(c.sql);
        } catch (err) {
          throw diskError(err, c.path);
        }
      }
    });
    next.catch(() => {}); // handled where pending is awaited
    this.pending = next;
  }

  private table(name: TableName): StoredTable {
    const t = this.unitOpen ? this.current?.get(name) : undefined;
    if (t === undefined) throw new Error(`no open record table ${name}`);
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

  /** Joins each table's part files, in unit order, into `pathOf(name)`; returns the paths written. */
  async write(pathOf: (name: TableName, extension: string) => string): Promise<string[]> {
    if (this.unitOpen) throw new Error("write: a unit is still open");
    // a run without units still writes every table, with no rows: one empty part
    if (this.partCount === 0) await this.beginUnit();
    this.unitOpen = false;
    this.endPart();
    await this.pending;
    const written: string[] = [];
    for (const spec of this.wanted) {
      const path = pathOf(spec.name, this.format);
      const parts = this.parts.get(spec.name) as string[];
      try {
        if (this.format === "parquet") concatParquet(parts, path);
        else concatCsv(parts, path);
      } catch (err) {
        throw diskError(err, path);
      }
      written.push(path);
    }
    rmSync(this.partsDir, { recursive: true, force: true });
    return written;
  }

  /** Stops a running encoding (on a signal). */
  interrupt(): void {
    if (this.closed) return;
    this.connection.interrupt();
    this.copier.interrupt();
  }

  /** Waits for the queued encoding to end, its outcome ignored (the run failed or was stopped). */
  async settle(): Promise<void> {
    await this.pending.catch(() => {});
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.current?.values() ?? []) t.close();
    this.current = null;
    this.copier.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
