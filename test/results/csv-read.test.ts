import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvParser, csvBoolean, csvNumber, parseCsv, readCsvFile } from "../../src/results/csv-read.js";

describe("CSV reader (RFC 4180)", () => {
  it("reads plain, quoted and empty fields with LF or CRLF line ends", () => {
    const text = 'a,b,c\r\n1,"x, y",\r\n2,"say ""hi""","line\nbreak"\n3,,z';
    expect(parseCsv(text)).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", ""],
      ["2", 'say "hi"', "line\nbreak"],
      ["3", "", "z"],
    ]);
  });

  it("gives the same rows whatever the chunk boundaries", () => {
    const text = 'p,q\r\n"a""b",1\r\n"c\r\nd",2\r\n,\r\n';
    const whole = parseCsv(text);
    for (let size = 1; size <= text.length; size++) {
      const rows: string[][] = [];
      const p = new CsvParser((r) => rows.push(r));
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      p.end();
      expect(rows, `chunk size ${size}`).toEqual(whole);
    }
    expect(whole).toEqual([
      ["p", "q"],
      ['a"b', "1"],
      ["c\r\nd", "2"],
      ["", ""],
    ]);
  });

  it("reads a blank line as one empty field and rejects an unterminated quote", () => {
    expect(parseCsv("a\n\nb\n")).toEqual([["a"], [""], ["b"]]);
    expect(() => parseCsv('a,"b')).toThrow(/unterminated/);
  });

  it("streams a file: header first, then rows, a BOM dropped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-csv-"));
    const path = join(dir, "t.csv");
    writeFileSync(path, `\ufeffx,y\n1,2\n3,4\n`);
    const rows: string[][] = [];
    let header: string[] = [];
    await readCsvFile(
      path,
      (h) => {
        header = h;
      },
      (r) => rows.push(r),
    );
    expect(header).toEqual(["x", "y"]);
    expect(rows).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads empty numbers as NaN and true/false booleans", () => {
    expect(csvNumber("")).toBeNaN();
    expect(csvNumber("1.5")).toBe(1.5);
    expect(csvBoolean("true")).toBe(true);
    expect(csvBoolean("false")).toBe(false);
  });
});
