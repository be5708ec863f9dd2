import { describe, expect, it } from "vitest";
import { csvRecords, dbSeconds, parseCsv, parseEvents } from "../../src/conformance/result-files.js";

describe("reading a conformance result folder", () => {
  it("parses psql's CSV: quoted commas, doubled quotes and newlines inside a field", () => {
    expect(parseCsv('a,b\n"x,1","say ""hi"""\n"two\nlines",\n')).toEqual([
      ["a", "b"],
      ["x,1", 'say "hi"'],
      ["two\nlines", ""],
    ]);
    expect(csvRecords("id,n\nq,3\n")).toEqual([{ id: "q", n: "3" }]);
  });

  it("reads the database's UTC timestamps as seconds from the run's start", () => {
    const epoch = Date.parse("2026-12-07T02:00:00Z");
    expect(dbSeconds("2026-12-07T02:01:30.250000", epoch)).toBeCloseTo(90.25, 9);
  });

  it("names the line of a log entry that is not JSON", () => {
    expect(() => parseEvents('{"ev":"end","t":1}\nnot json\n', "driver.jsonl")).toThrow("driver.jsonl:2:1");
  });
});
