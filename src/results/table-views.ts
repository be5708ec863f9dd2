// A result folder's record tables as SQL views in an in-memory DuckDB: `requests`, `users`, `attempts`,
// `workers`, `samples`, each over NAME.parquet or else NAME.csv, whichever the folder holds. A CSV's fields are
// read as text and converted by the column kinds of record-files.ts (so an empty field is NULL, as in
// Parquet); a column the file lacks is NULL and noted. Used by `hordesim query` and the report's reader.
// The database is locked down before any view is made: it may read the tables' files and nothing else, write
// no file, install or load no extension, and its configuration cannot be changed by the SQL it runs.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ColumnKind, TableName, TableSpec } from "./record-files.js";
import { TABLES } from "./record-files.js";
import { sqlIdentifier, sqlString } from "./sql.js";

const SQL_TYPE: Record<ColumnKind, string> = { text: "VARCHAR", int: "INTEGER", real: "DOUBLE", bool: "BOOLEAN" };

/** A CSV field (text) as a value of its column's kind: the same reading as csv-read.ts's csvNumber/csvBoolean. */
function fromCsvText(column: string, kind: ColumnKind): string {
  const c = sqlIdentifier(column);
  if (kind === "text") return `coalesce(${c}, '')`;
  if (kind === "bool") return `coalesce(lower(${c}) IN ('true', '1'), false)`;
  if (kind === "int") return `TRY_CAST(TRY_CAST(${c} AS DOUBLE) AS INTEGER)`;
  return `TRY_CAST(${c} AS DOUBLE)`;
}

export interface FolderTable {
  name: TableName;
  /** The file the view reads (NAME.parquet or NAME.csv). */
  file: string;
}

/**
 * The first line of a DuckDB error, with what a damaged file put into it (a type name read from scrambled
 * bytes) shown as "?" instead of echoed: control characters and undecodable bytes.
 */
export function duckdbProblem(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters to keep out of a one-line message
  return first.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, "?");
}

export interface UnreadableTable extends FolderTable {
  problem: string;
}

export class FolderViews {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** The tables the folder holds, in TABLES order. */
    readonly tables: FolderTable[],
    /** Problems met: files missing, columns missing, files that could not be read. */
    readonly notes: string[],
    /** The tables whose file is there but could not be read, and why (DuckDB's first line). */
    readonly unreadable: UnreadableTable[],
  ) {}

  static async open(dir: string): Promise<FolderViews> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const tables: FolderTable[] = [];
    const notes: string[] = [];
    const unreadable: UnreadableTable[] = [];
    try {
      const files = new Map<TableSpec<object>, string>();
      for (const spec of TABLES) {
        const file = ["parquet", "csv"].map((ext) => `${spec.name}.${ext}`).find((f) => existsSync(join(dir, f)));
        if (file === undefined) notes.push(`${spec.name}: missing (no ${spec.name}.parquet or ${spec.name}.csv)`);
        else files.set(spec, file);
      }
      await lockDown(
        connection,
        [...files.values()].map((f) => resolve(dir, f)),
      );
      for (const [spec, file] of files) {
        try {
          await createView(connection, spec, resolve(dir, file), file, notes);
          tables.push({ name: spec.name, file });
        } catch (err) {
          notes.push(`${file}: could not be read (${duckdbProblem(err)})`);
          unreadable.push({ name: spec.name, file, problem: duckdbProblem(err) });
        }
      }
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    return new FolderViews(instance, connection, tables, notes, unreadable);
  }

  has(name: TableName): boolean {
    return this.tables.some((t) => t.name === name);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Only `files` may be read, nothing written, no extension installed or loaded, and no setting changed after. */
async function lockDown(connection: DuckDBConnection, files: readonly string[]): Promise<void> {
  await connection.run(`SET allowed_paths = [${files.map(sqlString).join(", ")}]`);
  await connection.run("SET enable_external_access = false");
  await connection.run("SET autoinstall_known_extensions = false");
  await connection.run("SET autoload_known_extensions = false");
  await connection.run("SET lock_configuration = true");
}

async function columnsOf(connection: DuckDBConnection, source: string): Promise<string[]> {
  const described = await connection.run(`DESCRIBE SELECT * FROM ${source}`);
  return (await described.getRowObjectsJS()).map((r) => String(r.column_name));
}

async function createView(
  connection: DuckDBConnection,
  spec: TableSpec<object>,
  path: string,
  file: string,
  notes: string[],
): Promise<void> {
  const csv = file.endsWith(".csv");
  if (csv && statSync(path).size === 0) throw new Error("empty file");
  const source = csv
    ? `read_csv(${sqlString(path)}, header = true, all_varchar = true)`
    : `read_parquet(${sqlString(path)})`;
  const present = new Set(await columnsOf(connection, source));
  const missing = spec.columns.filter((c) => !present.has(c.name)).map((c) => c.name);
  if (missing.length > 0) notes.push(`${file}: missing column(s) ${missing.join(", ")}`);
  const known = new Set(spec.columns.map((c) => c.name as string));
  const columns = [
    ...spec.columns.map((c) => {
      const id = sqlIdentifier(c.name);
      if (!present.has(c.name)) return `NULL::${SQL_TYPE[c.kind]} AS ${id}`;
      return csv ? `${fromCsvText(c.name, c.kind)} AS ${id}` : id;
    }),
    // columns this version does not know are kept as they are
    ...[...present].filter((c) => !known.has(c)).map(sqlIdentifier),
  ];
  await connection.run(`CREATE VIEW ${sqlIdentifier(spec.name)} AS SELECT ${columns.join(", ")} FROM ${source}`);
}
