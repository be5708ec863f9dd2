import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvWriter, formatField } from "../../src/metrics/csv.js";
import { parseCsv } from "../../src/report/csv.js";

describe("CSV fields", () => {
  it("formats numbers deterministically, NaN and null as empty", () => {
    expect(formatField(3)).toBe("3");
    expect(formatField(0.1 + 0.2)).toBe("0.3");
    expect(formatField(1 / 3)).toBe("0.333333");
    expect(formatField(150.0000004)).toBe("150");
    expect(formatField(Number.NaN)).toBe("");
    expect(formatField(null)).toBe("");
    expect(formatField(true)).toBe("true");
    expect(formatField('a,"b"')).toBe('"a,""b"""');
  });

  it("round-trips rows through the report's CSV parser", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: fc.string(), value: fc.integer({ min: -1e9, max: 1e9 }) }), { maxLength: 20 }),
        async (rows) => {
          const path = join(mkdtempSync(join(tmpdir(), "csv-")), "t.csv");
          const w = new CsvWriter<{ name: string; value: number }>(path, ["name", "value"]);
          for (const r of rows) w.write(r);
          await w.close();
          const [header, ...body] = parseCsv(readFileSync(path, "utf8"));
          expect(header).toEqual(["name", "value"]);
          expect(body.map(([name, value]) => ({ name, value: Number(value) }))).toEqual(rows);
        },
      ),
      { numRuns: 50 },
    );
  });
});
