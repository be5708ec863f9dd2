import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { RecordFiles } from "../../src/results/record-files.js";
import { RecordStore } from "../../src/results/record-store.js";
import { runs } from "../helpers/fast-check-config.js";
import { requestRecord } from "../helpers/records.js";

const dir = mkdtempSync(join(os.tmpdir(), "hordesim-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Units of requests (policy and model vary, so the text dictionaries grow from unit to unit). */
async function writeUnits(units: number[], partRows: number, out: string): Promise<string[]> {
  const store = await RecordStore.open("parquet", "all", join(out, ".parts"), { partRows });
  try {
    let id = 0;
    for (let u = 0; u < units.length; u++) {
      await store.beginUnit();
      const files = new RecordFiles();
      store.attach(files);
      for (let i = 0; i < units[u]; i++) {
        files.request(
          requestRecord({ request_id: id, policy: `arm${u % 3}`, model: `m${id % (u + 2)}`, latency_s: id / 7 }),
        );
        id++;
      }
      for (const batch of files.batches()) batch.flush();
      store.endUnit();
    }
    return await store.write((name, ext) => join(out, `${name}.${ext}`));
  } finally {
    await store.settle();
    store.close();
  }
}

describe("the record store's parts", () => {
  it("give the same rows, in order, whether each unit is a part or every unit shares one", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const db = await instance.connect();
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 5 }), async (units) => {
          run++;
          const many = join(dir, `many${run}`);
          const one = join(dir, `one${run}`);
          const written = await writeUnits(units, 1, many);
          await writeUnits(units, Number.MAX_SAFE_INTEGER, one);
          expect(written.map((p) => p.slice(many.length))).toContain("/requests.parquet");
          expect(existsSync(join(many, ".parts"))).toBe(false); // the parts are gone once joined
          const read = async (folder: string) =>
            (
              await db.runAndReadAll(
                `SELECT request_id, policy, model, latency_s FROM read_parquet('${join(folder, "requests.parquet")}')`,
              )
            ).getRows();
          const a = await read(many);
          expect(a).toEqual(await read(one));
          expect(a.map((r) => Number(r[0]))).toEqual(Array.from({ length: a.length }, (_, i) => i));
          expect(a.length).toBe(units.reduce((n, k) => n + k, 0));
          // a table no unit wrote to is still a readable file with its columns
          const users = await db.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(many, "users.parquet")}')`);
          expect(Number(users.getRows()[0][0])).toBe(0);
        }),
        { numRuns: runs(8) },
      );
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it("writes every table, readable and empty, for a run without units", async () => {
    const out = join(dir, "no-units");
    const written = await writeUnits([], 1, out);
    expect(written.map((p) => p.slice(out.length)).sort()).toEqual([
      "/attempts.parquet",
      "/requests.parquet",
      "/samples.parquet",
      "/users.parquet",
      "/workers.parquet",
    ]);
    const instance = await DuckDBInstance.create(":memory:");
    const db = await instance.connect();
    try {
      const r = await db.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(out, "requests.parquet")}')`);
      expect(Number(r.getRows()[0][0])).toBe(0);
      const cols = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(out, "requests.parquet")}')`);
      expect(cols.getRows().map((c) => c[0])).toContain("latency_s");
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it("is byte-identical when written twice with the same parts", async () => {
    await writeUnits([3000, 10, 4000], 2000, join(dir, "twice-a"));
    await writeUnits([3000, 10, 4000], 2000, join(dir, "twice-b"));
    const bytes = (f: string) => readFileSync(join(dir, f, "requests.parquet"));
    expect(bytes("twice-a").equals(bytes("twice-b"))).toBe(true);
  });
});
