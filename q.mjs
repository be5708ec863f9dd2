import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:");
const con = await inst.connect();
for (const sql of process.argv.slice(2)) { const r = await con.run(sql); console.log(await r.getRowObjectsJson()); }
