import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatCsv, concatParquet } from "../../src/results/parquet-concat.js";
import { ThriftReader, ThriftWriter } from "../../src/results/thrift-compact.js";
import { runs } from "../helpers/fast-check-config.js";

let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), "hordesim-concat-"));
  instance = await DuckDBInstance.create(":memory:");
  db = await instance.connect();
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** A part of `rows` rows whose values depend on `seed`: ints, reals with NULLs, text, booleans. */
async function writePart(path: string, rows: number, seed: number, rowGroupSize = 2048): Promise<void> {
  await db.run(
    `COPY (SELECT i * 7 + ${seed} AS id,
                  CASE WHEN (i + ${seed}) % 5 = 0 THEN NULL ELSE (i * ${seed + 1}) / 3.0 END AS x,
                  ['horde', 'hedge', 'reputation'][((i + ${seed}) % 3) + 1] AS policy,
                  (i + ${seed}) % 2 = 0 AS ok
           FROM range(${rows}) t(i))
     TO '${path}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE ${rowGroupSize})`,
  );
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await db.runAndReadAll(sql)).getRows();
}

const list = (paths: string[]) => `[${paths.map((p) => `'${p}'`).join(", ")}]`;

describe("joining Parquet parts", () => {
  it("reads DuckDB's footers and writes them back byte for byte", async () => {
    const path = join(dir, "footer.parquet");
    await writePart(path, 5000, 3, 1000);
    const bytes = readFileSync(path);
    const start = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    const footer = bytes.subarray(start, bytes.length - 8);
    const w = new ThriftWriter();
    w.struct(new ThriftReader(footer).struct());
    expect(Buffer.from(w.bytes()).equals(footer)).toBe(true);
  });

  it("gives the parts' rows, in order, with every row group readable (empty parts included)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ rows: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6000 })), seed: fc.nat(50) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 500, max: 4000 }),
        async (specs, rowGroupSize) => {
          run++;
          const parts = specs.map((_, i) => join(dir, `p${run}-${i}.parquet`));
          for (let i = 0; i < specs.length; i++) await writePart(parts[i], specs[i].rows, specs[i].seed, rowGroupSize);
          const out = join(dir, `joined${run}.parquet`);
          concatParquet(parts, out);
          const numbered = (source: string) => `SELECT row_number() OVER () AS n, * FROM ${source}`;
          const joined = await rows(numbered(`read_parquet('${out}')`));
          const expected = await rows(numbered(`read_parquet(${list(parts)})`));
          expect(joined).toEqual(expected);
          const total = specs.reduce((n, s) => n + s.rows, 0);
          expect(joined.length).toBe(total);
          // the footer's row count and every row group's statistics agree with the data
          const meta = await rows(`SELECT sum(num_rows) FROM parquet_file_metadata('${out}')`);
          expect(Number(meta[0][0])).toBe(total);
          const stats = await rows(
            `SELECT min(id), max(id) FROM read_parquet('${out}') WHERE id BETWEEN 100 AND 20000`,
          );
          const statsExpected = await rows(
            `SELECT min(id), max(id) FROM read_parquet(${list(parts)}) WHERE id BETWEEN 100 AND 20000`,
          );
          expect(stats).toEqual(statsExpected);
        },
      ),
      { numRuns: runs(15) },
    );
  });

  it("refuses parts whose schemas differ, naming the part", async () => {
    const a = join(dir, "schema-a.parquet");
    const b = join(dir, "schema-b.parquet");
    await writePart(a, 10, 1);
    await db.run(`COPY (SELECT 1 AS other) TO '${b}' (FORMAT parquet)`);
    expect(() => concatParquet([a, b], join(dir, "mixed.parquet"))).toThrow(/schema-b\.parquet: its schema differs/);
  });

  it("refuses a file that is not Parquet, naming it", () => {
    const bad = join(dir, "bad.parquet");
    writeFileSync(bad, "id,x\n1,2\n");
    expect(() => concatParquet([bad], join(dir, "never.parquet"))).toThrow(/bad\.parquet: not a Parquet file/);
  });
});

describe("joining CSV parts", () => {
  it("keeps the first header and every part's rows, a part with no rows adding nothing", () => {
    const parts = ["id,x\n1,a\n2,b\n", "id,x\n", "id,x\n3,c\n"].map((text, i) => {
      const path = join(dir, `c${i}.csv`);
      writeFileSync(path, text);
      return path;
    });
    const out = join(dir, "joined.csv");
    concatCsv(parts, out);
    expect(readFileSync(out, "utf8")).toBe("id,x\n1,a\n2,b\n3,c\n");
  });
});
