// A result folder damaged after it was written (a cut or corrupted Parquet file, a summary.json of the wrong
// shape or with bad bytes): `report` and `query` name the file and what is wrong with it, exit 2, write nothing.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { queryFolder } from "../../src/results/query.js";
import { readResultFolder } from "../../src/results/read-results.js";
import { cli, snapshot } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");
const parent = mkdtempSync(join(tmpdir(), "hordesim-damaged-"));
const good = join(parent, "good");
const made = cli("run", small, "--out", good, "--replications", "1", "--no-charts", "-q");

/** A copy of the good folder with `file` replaced by what `damage` makes of its bytes. */
function damaged(name: string, file: string, damage: (bytes: Buffer) => Buffer | string): string {
  const dir = join(parent, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, file), damage(readFileSync(join(dir, file))));
  return dir;
}

const cut = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));
/** Every 50th byte of the middle flipped: the footer (schema) may survive, the pages do not. */
const scrambled = (b: Buffer) => {
  const c = Buffer.from(b);
  for (let i = 200; i < c.length - 2000; i += 50) c[i] ^= 0x5a;
  return c;
};

describe("damaged result folders", () => {
  it("the good folder was written and reads", async () => {
    expect(made.code, made.stderr).toBe(0);
    expect((await readResultFolder(good)).policies).toEqual(["horde", "exclude"]);
  });

  it.each([
    [
      "a cut requests.parquet",
      "requests.parquet",
      cut,
      /requests\.parquet: cannot be read \(.*\): the table is damaged/,
    ],
    ["a scrambled requests.parquet", "requests.parquet", scrambled, /requests\.parquet: cannot be read/],
    ["a cut samples.parquet", "samples.parquet", cut, /samples\.parquet: cannot be read/],
    [
      "a summary.json of the wrong shape",
      "summary.json",
      () => '{\n  "scenario": {},\n  "policies": 3\n}\n',
      /summary\.json:3:15: not the summary of a run: policies is not a list of arms/,
    ],
    ["a summary.json cut short", "summary.json", cut, /summary\.json:\d+:\d+: not valid JSON \(unexpected end/],
    [
      "a summary.json with bytes that are not UTF-8",
      "summary.json",
      (b: Buffer) => Buffer.concat([b.subarray(0, 40), Buffer.from([0xff, 0xfe, 0x00, 0x01]), b.subarray(44)]),
      /summary\.json:\d+:\d+: not UTF-8 text: the file is damaged/,
    ],
  ])("the report's reader names %s", async (name, file, damage, message) => {
    const dir = damaged(name.replaceAll(" ", "-"), file, damage);
    const read = readResultFolder(dir);
    await expect(read).rejects.toBeInstanceOf(UserError);
    await expect(read).rejects.toThrow(message);
    await read.catch((err: Error) => {
      expect(err.message).not.toContain("\n");
      // no raw bytes echoed: no control character, no replacement character
      expect([...err.message].every((c) => c >= " " && c !== "\ufffd")).toBe(true);
    });
  });

  it("report on a damaged folder exits 2 in one line and writes nothing", () => {
    const dir = damaged("report-cut", "requests.parquet", cut);
    const before = snapshot(dir);
    const r = cli("report", dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/requests\.parquet: cannot be read/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("report on a sweep.json of the wrong shape names it with line:col", () => {
    const dir = join(parent, "sweep-shape");
    cpSync(good, dir, { recursive: true });
    writeFileSync(join(dir, "sweep.json"), '{"cells": 1}\n');
    const r = cli("report", dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/sweep\.json:1:1: not the summary of a sweep/);
  });

  it.each([
    ["cut", cut],
    ["scrambled", scrambled],
  ])("query names a %s table's file", async (name, damage) => {
    const dir = damaged(`query-${name}`, "requests.parquet", damage);
    const q = queryFolder(dir, "SELECT count(*), avg(latency_s) FROM requests");
    await expect(q).rejects.toBeInstanceOf(UserError);
    await expect(q).rejects.toThrow(/requests\.parquet .*damaged|requests\.parquet cannot be read/);
    // the other tables still answer
    expect((await queryFolder(dir, "SELECT count(*) AS n FROM workers")).rows[0][0]).toBeGreaterThan(0);
  });
});
