import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CsvWriter, formatField, formatNumber } from "../../src/results/csv.js";
import { parseCsv, readCsv } from "../../src/results/csv-read.js";
import { runs } from "../helpers/fast-check-config.js";

const root = mkdtempSync(join(tmpdir(), "hordesim-csv-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const tempFile = () => join(root, `t${files++}.csv`);

describe("CSV fields", () => {
  it("formats numbers deterministically", () => {
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(-42)).toBe("-42");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(123456789012)).toBe("123456789012");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(1 / 3)).toBe("0.333333");
    expect(formatNumber(2 / 3)).toBe("0.666667");
    expect(formatNumber(-2 / 3)).toBe("-0.666667");
    expect(formatNumber(150.0000004)).toBe("150");
    expect(formatNumber(99.9999996)).toBe("100");
    expect(formatNumber(100.5)).toBe("100.5");
    expect(formatNumber(1e-7)).toBe("0");
    expect(formatNumber(-1e-7)).toBe("0");
    expect(formatNumber(0.000001)).toBe("0.000001");
    expect(formatNumber(1.5e20)).toBe("150000000000000000000");
    expect(formatNumber(1234567.125)).toBe("1234567.125");
    expect(formatNumber(Number.NaN)).toBe("");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("formats other values", () => {
    expect(formatField(null)).toBe("");
    expect(formatField(undefined)).toBe("");
    expect(formatField(true)).toBe("true");
    expect(formatField(false)).toBe("false");
    expect(formatField("plain text")).toBe("plain text");
    expect(formatField("")).toBe("");
  });

  it("quotes fields as RFC 4180 asks", () => {
    expect(formatField('a,"b"')).toBe('"a,""b"""');
    expect(formatField("two\nlines")).toBe('"two\nlines"');
    expect(formatField("cr\r")).toBe('"cr\r"');
    expect(formatField('"')).toBe('""""');
    expect(formatField("it's fine")).toBe("it's fine");
  });
});

describe("CSV parsing", () => {
  it("reads quoted fields, doubled quotes, embedded line ends, CRLF and a missing last line end", () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\n"two\nlines",\n,last')).toEqual([
      ["a", "b"],
      ["x,1", 'say "hi"'],
      ["two\nlines", ""],
      ["", "last"],
    ]);
    expect(parseCsv("")).toEqual([]);
    expect(parseCsv('""')).toEqual([[""]]);
    expect(() => parseCsv('"open')).toThrow(/unterminated/);
  });

  it("readCsv maps rows to the header, skips a BOM and fills missing fields with empty text", () => {
    const path = tempFile();
    writeFileSync(path, "\ufeffid,name,note\n1,alpha,x\n2,beta\n");
    expect(readCsv(path)).toEqual([
      { id: "1", name: "alpha", note: "x" },
      { id: "2", name: "beta", note: "" },
    ]);
  });
});

interface Row {
  text: string;
  x: number;
  n: number;
  flag: boolean;
  missing: number | null | undefined;
}

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", '"', "\n", "\r", "é", "€", "😀", "\t") }),
  fc.string({ unit: "grapheme" }),
);

describe("CsvWriter", () => {
  it("round-trips rows through readCsv", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            text,
            x: fc.double({ min: -1e12, max: 1e12, noNaN: true }),
            n: fc.integer(),
            flag: fc.boolean(),
            missing: fc.constantFrom(null, undefined, Number.NaN),
          }),
          { maxLength: 30 },
        ),
        async (rows: Row[]) => {
          const path = tempFile();
          const w = new CsvWriter<Row>(path, ["text", "x", "n", "flag", "missing"]);
          for (const r of rows) w.write(r);
          await w.close();
          const back = readCsv(path);
          expect(back.length).toBe(rows.length);
          back.forEach((b, i) => {
            const r = rows[i];
            expect(Object.keys(b)).toEqual(["text", "x", "n", "flag", "missing"]);
            expect(b.text).toBe(r.text);
            expect(b.x).toBe(formatNumber(r.x));
            expect(b.x).toMatch(/^-?\d+(\.\d{1,6})?$/);
            expect(Math.abs(Number(b.x) - r.x)).toBeLessThanOrEqual(5e-7 + Math.abs(r.x) * 1e-15);
            expect(b.n).toBe(String(r.n));
            expect(b.flag).toBe(String(r.flag));
            expect(b.missing).toBe("");
          });
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("writes the header, then every row across many 64 KiB chunks, in order", async () => {
    const path = tempFile();
    const w = new CsvWriter<{ i: number; s: string }>(path, ["i", "s"]);
    const n = 20_000;
    for (let i = 0; i < n; i++) w.write({ i, s: `row ${i}, padded ${"x".repeat(i % 17)}` });
    await w.close();
    const content = readFileSync(path, "utf8");
    expect(content.length).toBeGreaterThan(4 * (1 << 16));
    expect(content.startsWith("i,s\n")).toBe(true);
    expect(content.endsWith("\n")).toBe(true);
    const expected = Array.from({ length: n }, (_, i) => ({
      i: String(i),
      s: `row ${i}, padded ${"x".repeat(i % 17)}`,
    }));
    expect(readCsv(path)).toEqual(expected);
  });

  it("keeps empty rows of a one-column file", async () => {
    const path = tempFile();
    const w = new CsvWriter<{ s: string }>(path, ["s"]);
    for (const s of ["a", "", "b", ""]) w.write({ s });
    await w.close();
    expect(readCsv(path).map((r) => r.s)).toEqual(["a", "", "b", ""]);
  });

  it("writes identical bytes for identical rows (determinism)", async () => {
    const rows = [
      { a: 1 / 7, b: "x" },
      { a: 1e6 + 0.1, b: 'q"' },
    ];
    const write = async () => {
      const path = tempFile();
      const w = new CsvWriter<{ a: number; b: string }>(path, ["a", "b"]);
      for (const r of rows) w.write(r);
      await w.close();
      return readFileSync(path, "utf8");
    };
    const first = await write();
    expect(first).toBe('a,b\n0.142857,x\n1000000.1,"q"""\n');
    expect(await write()).toBe(first);
  });
});
