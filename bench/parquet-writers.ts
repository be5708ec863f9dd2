// npm run bench:parquet: the Parquet writers compared on the requests table of the 1 M-request day
// (bench/horde-day.yaml, arm horde, seed 1: the model's own RequestRecord rows, gathered in the project's
// column chunks). Each library writes that table at zstd from the same chunks: DuckDB (the project's path,
// RecordStore), hyparquet-writer (JavaScript; zstd through @bokuweb/zstd-wasm, since Node 20 has no zstd and
// hyparquet-writer ships only snappy) and parquet-wasm (Rust's parquet crate in WebAssembly, fed an Arrow
// table). Per library: write wall time (median of REPEATS, from the chunks to the file on disk), file size,
// the file read back with DuckDB (row count, schema and column sums equal to the table's: a mismatch fails the
// run with exit 1) and install weight (du -sk of the library's node_modules folders and its dependencies').
//
//   npm run bench:parquet                 the whole day (a minute or two)
//   npm run bench:parquet -- --rate 0.01  1 % of the traffic (a smoke run; figures not meaningful)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { compress as zstdCompress, init as zstdInit } from "@bokuweb/zstd-wasm";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  Bool,
  type Data,
  type DataType,
  Dictionary,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { type ColumnSource, parquetWriteFile } from "hyparquet-writer";
import { Compression, Table as WasmTable, WriterPropertiesBuilder, WriterVersion, writeParquet } from "parquet-wasm";
import { HordeModel } from "../src/horde/model.js";
import type { RecordSink, RequestRecord } from "../src/horde/record-types.js";
import { createPolicy } from "../src/policies/registry.js";
import { type BatchContents, ColumnBatch } from "../src/results/column-batch.js";
import { type ColumnKind, REAL_GRID, REQUESTS } from "../src/results/record-files.js";
import { RecordStore } from "../src/results/record-store.js";
import { sqlString } from "../src/results/sql.js";
import { loadCase, repoFile } from "./horde.js";

const REPEATS = 3;
const rateAt = process.argv.indexOf("--rate");
const RATE = rateAt > 0 ? Number(process.argv[rateAt + 1]) : 1;
/** DuckDB's default zstd level (ZSTD_CLEVEL_DEFAULT), given to hyparquet-writer's compressor too. */
const ZSTD_LEVEL = 3;
const GRID_STEPS = 1 / REAL_GRID;

// ------------------------------------------------------------------------------------------- the table

function requestsOfTheDay(): { contents: BatchContents; modelWall: number } {
  const sc = loadCase({ file: "bench/horde-day.yaml", arm: "horde", seed: 1, rateScale: RATE });
  const arm = sc.policies.find((p) => p.name === "horde");
  if (arm === undefined) throw new Error("bench/horde-day.yaml: no arm horde");
  const files = new RequestsOnly();
  const t0 = performance.now();
  new HordeModel({
    scenario: sc,
    policy: (ctx) => createPolicy(arm, ctx),
    replication: 1,
    seed: 1,
    sink: files,
  }).run();
  return { contents: files.requests.take(), modelWall: (performance.now() - t0) / 1000 };
}

/** A sink that keeps the requests, in the project's column batch for that table, and drops the rest. */
class RequestsOnly implements RecordSink {
  readonly requests = new ColumnBatch(REQUESTS);
  request(r: RequestRecord): void {
    this.requests.add(r);
  }
  user(): void {}
  attempt(): void {}
  worker(): void {}
  sample(): void {}
}

/** One column of the whole table, as the files store it: ints, reals on REAL_GRID, bools, text codes. */
interface FlatColumn {
  name: string;
  kind: ColumnKind;
  /** int and text (codes, -1 for none): Int32Array; real: Float64Array; bool: Uint8Array (0/1). */
  values: Int32Array | Float64Array | Uint8Array;
  /** Arrow's validity bitmap (bit i of byte i >> 3 set when row i has a value), null when no NULL. */
  valid: Uint8Array | null;
  nulls: number;
  /** text only: what the codes index. */
  dictionary: string[];
}

/** The chunks as whole columns, with the conversions the DuckDB path makes (record-store.ts). */
function flatten(contents: BatchContents): FlatColumn[] {
  const rows = contents.chunks.reduce((n, c) => n + c.rows, 0);
  return REQUESTS.columns.map((col, c) => {
    const values =
      col.kind === "real" ? new Float64Array(rows) : col.kind === "bool" ? new Uint8Array(rows) : new Int32Array(rows);
    const valid = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
    let nulls = 0;
    let at = 0;
    for (const chunk of contents.chunks) {
      const from = chunk.values[c];
      for (let i = 0; i < chunk.rows; i++, at++) {
        const v = from[i];
        const missing = col.kind === "text" ? v < 0 : col.kind === "bool" ? false : !Number.isFinite(v);
        if (missing) {
          valid[at >> 3] &= ~(1 << (at & 7));
          nulls++;
          values[at] = col.kind === "text" ? -1 : 0;
        } else values[at] = col.kind === "real" ? Math.round(v * GRID_STEPS) / GRID_STEPS : v;
      }
    }
    return {
      name: col.name,
      kind: col.kind,
      values,
      valid: nulls > 0 ? valid : null,
      nulls,
      dictionary: contents.dictionaries[c],
    };
  });
}

const isNull = (col: FlatColumn, i: number) => col.valid !== null && (col.valid[i >> 3] & (1 << (i & 7))) === 0;

// ------------------------------------------------------------------------------------------- the writers

interface Writer {
  name: string;
  /** The packages whose node_modules folders (and their dependencies') it needs. */
  packages: string[];
  note: string;
  write(contents: BatchContents, path: string): Promise<void>;
}

const duckdb: Writer = {
  name: "DuckDB (project)",
  packages: ["@duckdb/node-api"],
  note: "@duckdb/node-api COPY … (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2), via RecordStore",
  async write(contents, path) {
    const dir = mkdtempSync(join(os.tmpdir(), "pq-duckdb-"));
    const store = await RecordStore.open("parquet", "all", join(dir, "parts"));
    try {
      await store.beginUnit();
      store.add("requests", contents);
      store.endUnit();
      await store.write((name, ext) => (name === "requests" ? path : join(dir, `${name}.${ext}`)));
    } finally {
      await store.settle();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const hyparquet: Writer = {
  name: "hyparquet-writer",
  packages: ["hyparquet-writer", "@bokuweb/zstd-wasm"],
  note: "hyparquet-writer 0.17 parquetWriteFile, codec ZSTD from @bokuweb/zstd-wasm level 3, default row groups",
  async write(contents, path) {
    const columnData: ColumnSource[] = flatten(contents).map((col) => {
      const n = col.values.length;
      if (col.kind === "text") {
        const data: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) data[i] = col.values[i] < 0 ? null : col.dictionary[col.values[i]];
        return { name: col.name, data, type: "STRING" };
      }
      if (col.kind === "bool") {
        const data: boolean[] = new Array(n);
        for (let i = 0; i < n; i++) data[i] = col.values[i] === 1;
        return { name: col.name, data, type: "BOOLEAN" };
      }
      const type = col.kind === "int" ? "INT32" : "DOUBLE";
      if (col.nulls === 0) return { name: col.name, data: col.values, type };
      const data: (number | null)[] = new Array(n);
      for (let i = 0; i < n; i++) data[i] = isNull(col, i) ? null : col.values[i];
      return { name: col.name, data, type };
    });
    parquetWriteFile({
      filename: path,
      columnData,
      codec: "ZSTD",
      compressors: { ZSTD: (input) => zstdCompress(input, ZSTD_LEVEL) },
    });
  },
};

/** A column as Arrow data: the flat arrays as they are, text as a dictionary vector, bools bit-packed. */
function arrowColumn(col: FlatColumn): Vector {
  const length = col.values.length;
  const nullBitmap = col.valid ?? undefined;
  const nullCount = col.nulls;
  let data: Data<DataType>;
  if (col.kind === "text") {
    const codes = Int32Array.from(col.values as Int32Array, (c) => Math.max(c, 0));
    const dictionary = vectorFromArray(col.dictionary, new Utf8());
    data = makeData({
      type: new Dictionary(new Utf8(), new Int32()),
      length,
      nullCount,
      nullBitmap,
      data: codes,
      dictionary,
    });
  } else if (col.kind === "bool") {
    const bits = new Uint8Array(Math.ceil(length / 8));
    for (let i = 0; i < length; i++) if (col.values[i] === 1) bits[i >> 3] |= 1 << (i & 7);
    data = makeData({ type: new Bool(), length, nullCount, nullBitmap, data: bits });
  } else if (col.kind === "int") {
    data = makeData({ type: new Int32(), length, nullCount, nullBitmap, data: col.values as Int32Array });
  } else {
    data = makeData({ type: new Float64(), length, nullCount, nullBitmap, data: col.values as Float64Array });
  }
  return makeVector(data);
}

const parquetWasm: Writer = {
  name: "apache-arrow + parquet-wasm",
  packages: ["apache-arrow", "parquet-wasm"],
  note: "Arrow table → IPC stream → parquet-wasm 0.8 writeParquet, Compression.ZSTD (its default level), V2",
  async write(contents, path) {
    const columns: Record<string, Vector> = {};
    for (const col of flatten(contents)) columns[col.name] = arrowColumn(col);
    const ipc = tableToIPC(new Table(columns), "stream");
    const props = new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setWriterVersion(WriterVersion.V2)
      .build();
    writeFileSync(path, writeParquet(WasmTable.fromIPCStream(ipc), props));
  },
};

// ------------------------------------------------------------------------------------------- checks

/** What every file must read back as: row count and a few exact sums (ints, and reals on the 2^-20 grid). */
interface Digest {
  rows: number;
  request_id: bigint;
  attempts: bigint;
  done_s_nonnull: number;
  latency_grid: bigint;
  submitted_grid: bigint;
  completed: number;
  warmup: number;
  models: number;
}

function expectedDigest(contents: BatchContents): Digest {
  const cols = new Map(flatten(contents).map((c) => [c.name, c]));
  const col = (name: string) => cols.get(name) as FlatColumn;
  const sumGrid = (c: FlatColumn) => {
    let s = 0n;
    for (let i = 0; i < c.values.length; i++) if (!isNull(c, i)) s += BigInt(Math.round(c.values[i] / REAL_GRID));
    return s;
  };
  const sumInt = (c: FlatColumn) => {
    let s = 0n;
    for (let i = 0; i < c.values.length; i++) if (!isNull(c, i)) s += BigInt(c.values[i]);
    return s;
  };
  const outcome = col("outcome");
  const completedCode = outcome.dictionary.indexOf("completed");
  const model = col("model");
  return {
    rows: col("request_id").values.length,
    request_id: sumInt(col("request_id")),
    attempts: sumInt(col("attempts")),
    done_s_nonnull: col("done_s").values.length - col("done_s").nulls,
    latency_grid: sumGrid(col("latency_s")),
    submitted_grid: sumGrid(col("submitted_s")),
    completed: (outcome.values as Int32Array).filter((c) => c === completedCode).length,
    warmup: (col("warmup").values as Uint8Array).filter((b) => b === 1).length,
    models: new Set([...(model.values as Int32Array)].filter((c) => c >= 0)).size,
  };
}

const DIGEST_SQL = (path: string) => `SELECT
  count(*)::INTEGER AS rows, sum(request_id)::HUGEINT AS request_id, sum(attempts)::HUGEINT AS attempts,
  count(done_s)::INTEGER AS done_s_nonnull,
  sum((latency_s * ${1 / REAL_GRID})::BIGINT)::HUGEINT AS latency_grid,
  sum((submitted_s * ${1 / REAL_GRID})::BIGINT)::HUGEINT AS submitted_grid,
  (count(*) FILTER (WHERE outcome = 'completed'))::INTEGER AS completed,
  (count(*) FILTER (WHERE warmup))::INTEGER AS warmup, count(DISTINCT model)::INTEGER AS models
  FROM read_parquet(${sqlString(path)})`;

async function readBack(path: string): Promise<{ digest: Digest; schema: string }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const [row] = (await connection.runAndReadAll(DIGEST_SQL(path))).getRowObjects();
    const digest = Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" || typeof v === "number" ? v : Number(v)]),
    ) as unknown as Digest;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    const schema = described
      .getRowObjects()
      .map((r) => `${r.column_name} ${r.column_type}`)
      .join(", ");
    return { digest, schema };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const show = (d: Digest) => JSON.stringify(d, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

// ------------------------------------------------------------------------------------------- install weight

/** The package folder `name` resolves to from `from` (node's lookup: nested node_modules first). */
function packageDir(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Kilobytes on disk of the packages and every dependency installed for them (each folder counted once). */
function installKb(roots: string[]): { kb: number; folders: number } {
  const seen = new Set<string>();
  const todo = roots.map((r) => packageDir(r, repoFile(".")));
  while (todo.length > 0) {
    const dir = todo.pop();
    if (dir === null || dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }))
      todo.push(packageDir(dep, dir));
  }
  // A nested node_modules folder is inside its parent package's folder: du counts it there.
  const dirs = [...seen].filter((d) => ![...seen].some((p) => p !== d && d.startsWith(`${p}/`)));
  const out = execFileSync("du", ["-skc", ...dirs], { encoding: "utf8" });
  const total = out.trim().split("\n").at(-1) ?? "0";
  return { kb: Number.parseInt(total, 10), folders: seen.size };
}

// ------------------------------------------------------------------------------------------- main

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await zstdInit();
  const { contents, modelWall } = requestsOfTheDay();
  const expected = expectedDigest(contents);
  const rows = expected.rows;
  console.log(`requests table: ${rows} rows × ${REQUESTS.columns.length} columns (model ${modelWall.toFixed(1)} s)`);
  const dir = mkdtempSync(join(os.tmpdir(), "pq-bench-"));
  const results: { w: Writer; wall: number; walls: number[]; bytes: number; kb: number; folders: number }[] = [];
  let failed = false;
  let duckSchema = "";
  try {
    for (const w of [duckdb, hyparquet, parquetWasm]) {
      const path = join(dir, `${w.name.replace(/\W+/g, "_")}.parquet`);
      const walls: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        rmSync(path, { force: true });
        const t0 = performance.now();
        await w.write(contents, path);
        walls.push((performance.now() - t0) / 1000);
      }
      const { digest, schema } = await readBack(path);
      if (w === duckdb) duckSchema = schema;
      if (show(digest) !== show(expected)) {
        console.error(`${w.name}: read back ${show(digest)}\n  expected ${show(expected)}`);
        failed = true;
      }
      if (schema !== duckSchema) {
        console.error(`${w.name}: schema ${schema}\n  DuckDB's ${duckSchema}`);
        failed = true;
      }
      const { kb, folders } = installKb(w.packages);
      results.push({ w, wall: median(walls), walls, bytes: statSync(path).size, kb, folders });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = results[0];
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(
    `read back with DuckDB: ${failed ? "MISMATCH (above)" : "every file has the table's rows, schema and sums"}`,
  );
  console.log("| writer | write wall (median of 3) | ÷ DuckDB | file | ÷ DuckDB | install | ÷ DuckDB |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.w.name} | ${r.wall.toFixed(2)} s | ${(r.wall / base.wall).toFixed(2)} | ${mb(r.bytes)} MB | ${(r.bytes / base.bytes).toFixed(2)} | ${(r.kb / 1024).toFixed(1)} MB (${r.folders} pkgs) | ${(r.kb / base.kb).toFixed(2)} |`,
    );
  }
  for (const r of results) console.log(`  ${r.w.name}: ${r.walls.map((s) => s.toFixed(2)).join(", ")} s; ${r.w.note}`);
  if (failed) process.exitCode = 1;
}

await main();
