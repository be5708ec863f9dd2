// `hordesim query DIR "SQL"`: one SELECT statement over a result folder's record tables (table-views.ts), in a
// database that may read those tables' files and nothing else. The rows are handed on chunk by chunk as
// DuckDB produces them, so that a query of any size runs in constant memory.
import { existsSync, statSync } from "node:fs";
import { DuckDBTypeId, StatementType } from "@duckdb/node-api";
import { UserError } from "../errors.js";
import { duckdbProblem, FolderViews } from "./table-views.js";

const WIDE_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

export interface QueryResult {
  columns: string[];
  /** Each value as JSON gives it (numbers, strings, booleans, null; integers beyond 2^53 and DECIMAL as text). */
  rows: unknown[][];
}

/** Where the rows go: the column names once, then the rows in chunks (awaited: a slow reader slows the query). */
export interface QuerySink {
  columns(names: string[]): void | Promise<void>;
  rows(rows: unknown[][]): void | Promise<void>;
}

/** The statement's kind as a reader knows it (COPY, ATTACH, …), for the refusal. */
function kindOf(type: StatementType): string {
  if (type === StatementType.LOAD) return "INSTALL or LOAD";
  return (StatementType[type] ?? "this statement").replaceAll("_", " ");
}

/** DuckDB's error as one line, naming the file of a table that could not be read when that is the cause. */
function queryError(err: unknown, views: FolderViews, dir: string): UserError {
  const first = duckdbProblem(err).replace(/^Failed to extract statements: /, "");
  for (const t of views.unreadable) {
    if (new RegExp(`\\b${t.name}\\b`).test(first))
      return new UserError(`query: ${dir}/${t.file} cannot be read (${t.problem}): the table ${t.name} is damaged`);
  }
  const denied =
    /^Permission Error: Cannot access (?:file|directory) "(.*)" - file system operations are disabled/.exec(first);
  if (denied !== null)
    return new UserError(
      `query: ${denied[1]} is not one of the folder's tables: query reads only the tables of ${dir} and writes nothing`,
    );
  if (/^Permission Error/.test(first))
    return new UserError(`query: ${first.replace(/^Permission Error: /, "")}: query reads only the tables of ${dir}`);
  for (const t of views.tables) {
    if (first.includes(t.file))
      return new UserError(`query: ${dir}/${t.file} is damaged: ${first.replace(/^[A-Za-z ]*Error: /, "")}`);
  }
  // `end` and `group` are SQL keywords: the columns of those names must be quoted
  const hint = /near "(end|group)"/i.test(first) ? ` (quote the column: "${/near "(\w+)"/i.exec(first)?.[1]}")` : "";
  const tables = views.tables.map((t) => t.name).join(", ");
  return new UserError(`query: ${first}${hint}; tables: ${tables}`);
}

/**
 * Runs `sql` over the views of `dir`, handing the rows to `sink` as they come. Refused as a UserError: a folder
 * without tables, empty SQL, more than one statement, a statement other than SELECT (COPY, ATTACH, INSTALL, SET,
 * …: the query reads the folder and writes nothing), and SQL that DuckDB refuses (reading any other file too).
 */
export async function streamQuery(dir: string, sql: string, sink: QuerySink): Promise<void> {
  if (sql.trim() === "") throw new UserError("query: the SQL statement is empty: give one SELECT statement");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such folder`);
  const views = await FolderViews.open(dir);
  try {
    if (views.tables.length === 0 && views.unreadable.length === 0)
      throw new UserError(`${dir}: not a result folder with record tables (no requests.parquet, requests.csv, …)`);
    let count: number;
    let extracted: Awaited<ReturnType<typeof views.connection.extractStatements>>;
    try {
      extracted = await views.connection.extractStatements(sql);
      count = extracted.count;
    } catch (err) {
      // DuckDB says only "Error in native callback" for SQL that holds no statement (a comment, a lone `;`)
      if (/native callback/.test((err as Error).message))
        throw new UserError("query: no SQL statement given: give one SELECT statement");
      throw queryError(err, views, dir);
    }
    if (count === 0) throw new UserError("query: no SQL statement given: give one SELECT statement");
    if (count > 1)
      throw new UserError(`query: ${count} statements given: query runs one SELECT statement (nothing was run)`);
    let prepared: Awaited<ReturnType<typeof extracted.prepare>>;
    try {
      prepared = await extracted.prepare(0);
    } catch (err) {
      throw queryError(err, views, dir);
    }
    if (prepared.statementType !== StatementType.SELECT)
      throw new UserError(
        `query: ${kindOf(prepared.statementType)} is not run: query runs one SELECT statement, which reads the folder's tables and writes nothing`,
      );
    // DuckDB's errors become one line; the sink's own (a closed pipe) pass as they are
    const duckdb = async <T>(step: () => Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (err) {
        throw queryError(err, views, dir);
      }
    };
    const result = await duckdb(() => prepared.stream());
    const wide = result.columnTypes().map((t) => WIDE_INTEGERS.has(t.typeId));
    await sink.columns(result.columnNames());
    const chunks = result.yieldRowsJson();
    for (;;) {
      const next = await duckdb(() => chunks.next());
      if (next.done === true) break;
      const rows = next.value;
      // counts and sums are BIGINT, which JSON gives as text: plain numbers read better while they are exact
      for (const row of rows)
        for (let c = 0; c < row.length; c++) {
          const v = row[c];
          if (wide[c] && typeof v === "string" && Number.isSafeInteger(Number(v))) row[c] = Number(v);
        }
      await sink.rows(rows);
    }
  } finally {
    views.close();
  }
}

/** Runs `sql` over the views of `dir` and keeps every row (for tests and small results). */
export async function queryFolder(dir: string, sql: string): Promise<QueryResult> {
  const result: QueryResult = { columns: [], rows: [] };
  await streamQuery(dir, sql, {
    columns: (names) => {
      result.columns = names;
    },
    rows: (rows) => {
      result.rows.push(...rows);
    },
  });
  return result;
}
