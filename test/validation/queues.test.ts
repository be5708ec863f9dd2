import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runValidation } from "../../src/experiment/validation.js";

// The same checks as `npm run validate`, with 25 replications of a quarter of the horizon to keep the suite fast.
describe("validation against queueing theory (25 replications, 95 % intervals)", () => {
  const rows = runValidation({
    dir: join(import.meta.dirname, "..", "..", "scenarios", "validation"),
    replications: 25,
    horizonScale: 0.25,
  });

  for (const row of rows) {
    it(`${row.scenario}: ${row.check} — theory ${row.theory.toPrecision(5)} inside the interval`, () => {
      expect(row.ok, `mean ${row.mean}, interval ${JSON.stringify(row.ci95)}`).toBe(true);
    });
  }

  it("covers M/M/1, M/M/c, M/M/c+M, M/D/1, two-class priority and retry with timeout", () => {
    expect(new Set(rows.map((r) => r.scenario))).toEqual(
      new Set(["mm1", "mmc", "erlang-a", "md1", "priority", "retry"]),
    );
  });
});
