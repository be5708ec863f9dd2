// `hordesim query DIR "SQL"`: one SQL statement over a result folder's record tables (table-views.ts).
import { existsSync, statSync } from "node:fs";
import { DuckDBTypeId } from "@duckdb/node-api";
import { UserError } from "../errors.js";
import { FolderViews } from "./table-views.js";

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

/** Runs `sql` over the views of `dir`; a folder without tables, or SQL DuckDB refuses, is a UserError. */
export async function queryFolder(dir: string, sql: string): Promise<QueryResult> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such folder`);
  const views = await FolderViews.open(dir);
  try {
    if (views.tables.length === 0)
      throw new UserError(`${dir}: not a result folder with record tables (no requests.parquet, requests.csv, …)`);
    let result: Awaited<ReturnType<typeof views.connection.run>>;
    try {
      result = await views.connection.run(sql);
    } catch (err) {
      const first = (err as Error).message.split("\n")[0];
      // `end` and `group` are SQL keywords: the columns of those names must be quoted
      const hint = /near "(end|group)"/i.test(first)
        ? ` (quote the column: "${/near "(\w+)"/i.exec(first)?.[1]}")`
        : "";
      const tables = views.tables.map((t) => t.name).join(", ");
      throw new UserError(`query: ${first}${hint}; tables: ${tables}`);
    }
    const wide = result.columnTypes().map((t) => WIDE_INTEGERS.has(t.typeId));
    // counts and sums are BIGINT, which JSON gives as text: plain numbers read better while they are exact
    const rows = (await result.getRowsJson()).map((row) =>
      row.map((v, c) => (wide[c] && typeof v === "string" && Number.isSafeInteger(Number(v)) ? Number(v) : v)),
    );
    return { columns: result.columnNames(), rows };
  } finally {
    views.close();
  }
}
