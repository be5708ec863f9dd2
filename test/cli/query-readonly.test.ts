// `hordesim query` reads the folder's tables and nothing else, writes nothing, runs one SELECT statement, and
// streams its rows: every hostile statement is refused in one line (exit 2) with every file left as it was.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { queryFolder } from "../../src/results/query.js";
import { bin, cli, snapshot } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");
const parent = mkdtempSync(join(tmpdir(), "hordesim-query-"));
const out = join(parent, "r");
const made = cli("run", small, "--out", out, "--replications", "1", "--no-charts", "-q");

describe("hordesim query is read-only over its folder", () => {
  it("the folder was written", () => expect(made.code, made.stderr).toBe(0));

  const elsewhere = join(parent, "elsewhere");
  it.each([
    [
      "COPY … TO another place",
      `COPY requests TO '${elsewhere}.csv'`,
      /elsewhere\.csv is not one of the folder's tables/,
    ],
    ["COPY … TO the folder's summary.json", `COPY (SELECT 1) TO '${out}/summary.json'`, /summary\.json is not one of/],
    ["COPY … over a table's own file", `COPY requests TO '${out}/requests.parquet'`, /COPY is not run|is not one of/],
    ["EXPORT DATABASE", `EXPORT DATABASE '${elsewhere}'`, /EXPORT is not run|is not one of/],
    ["ATTACH", `ATTACH '${elsewhere}.db'`, /ATTACH is not run/],
    [
      "read_csv of another file",
      "SELECT * FROM read_csv('/etc/passwd')",
      /\/etc\/passwd is not one of the folder's tables/,
    ],
    ["read_text", "SELECT * FROM read_text('/etc/hostname')", /\/etc\/hostname is not one of the folder's tables/],
    ["glob", "SELECT * FROM glob('/etc/*')", /\/etc\/\* is not one of the folder's tables/],
    ["a second statement", `SELECT 1; COPY requests TO '${elsewhere}.csv'`, /2 statements given.*nothing was run/],
    ["INSTALL", "INSTALL httpfs", /INSTALL or LOAD is not run/],
    ["LOAD", "LOAD httpfs", /INSTALL or LOAD is not run/],
    ["SET (the configuration is locked)", "SET enable_external_access = true", /SET is not run/],
    ["a change to the views", "DROP VIEW requests", /DROP is not run/],
    ["empty SQL", "", /the SQL statement is empty/],
    ["only blanks", "  \n ", /the SQL statement is empty/],
    ["no statement", ";", /no SQL statement given/],
  ])("refuses %s and changes no file", async (_name, sql, message) => {
    const before = snapshot(parent);
    const refused = queryFolder(out, sql);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(message);
    await refused.catch((err: Error) => expect(err.message).not.toContain("\n"));
    expect(snapshot(parent)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["r"]);
  });

  it.each([
    ["two statements", `SELECT 1; COPY requests TO '${elsewhere}.csv'`],
    ["empty SQL", ""],
  ])("the command refuses %s in one line with exit 2", (_name, sql) => {
    const r = cli("query", out, sql);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(readdirSync(parent)).toEqual(["r"]);
  });

  it("still answers SELECT, DESCRIBE, SHOW TABLES and SUMMARIZE", async () => {
    expect((await queryFolder(out, "SELECT count(*) AS n FROM requests")).rows[0][0]).toBeGreaterThan(0);
    expect((await queryFolder(out, "DESCRIBE requests")).rows.map((r) => r[0])).toContain("latency_s");
    expect((await queryFolder(out, "SHOW TABLES")).rows.map((r) => r[0])).toContain("requests");
    expect((await queryFolder(out, "SUMMARIZE samples")).rows.length).toBeGreaterThan(1);
  });
});

describe("hordesim query streams its rows", () => {
  // Holding every row (as query did) takes about 480 bytes of heap a row: 600,000 rows do not fit in 48 MB.
  const rows = 600_000;
  const heapMb = 48;
  it.each([["--csv"], ["(table)"]])(
    `prints ${rows.toLocaleString("en-US")} rows %s within a ${heapMb} MB heap`,
    (format) => {
      const args = [`--max-old-space-size=${heapMb}`, bin, "query", out, `SELECT range AS i FROM range(${rows})`];
      if (format !== "(table)") args.push(format);
      const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      if (format === "--csv") expect(lines).toHaveLength(rows + 1);
      if (format === "(table)") {
        expect(lines).toHaveLength(rows + 2);
        // the widths come from the first rows: a later, longer number widens only its own line
        expect(lines[2]).toBe(" 0".padStart(lines[1].length));
      }
      expect(lines.at(-1)?.trim()).toBe(`${rows - 1}`);
    },
  );
});
