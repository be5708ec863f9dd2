// The incident's figure: 21 timeouts, 15 of them ameli0x's (71 %). A day's log in the real format also holds two
// reported faults (aborts well before the TTL) by other workers; analyze must keep them apart, not say "15 of 23".
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../src/analyze/analyze-logs.js";
import { renderAnalysisMd } from "../../src/analyze/report-md.js";
import { summaryDocument, summaryText } from "../../src/analyze/summary-text.js";
import { abort, deliver, IDS, pop, rec } from "./log-lines.js";

const uuid = (kind: number, i: number) =>
  `${kind.toString(16).padStart(8, "0")}-0000-4000-a000-${String(i).padStart(12, "0")}`;
const at = (seconds: number) => {
  const t = new Date(Date.UTC(2025, 8, 29) + seconds * 1000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 23)}`;
};

function incidentDay(): string[] {
  const workers = [
    { id: IDS.ameli, name: IDS.ameli_name, timeouts: 15 },
    { id: IDS.half, name: IDS.half_name, timeouts: 5 },
    { id: IDS.ameli2, name: IDS.ameli2_name, timeouts: 1 },
    { id: "11111111-2222-4333-8444-555555555555", name: "crashy.A", faults: 1 },
    { id: "66666666-7777-4888-9999-000000000000", name: "oom.B", faults: 1 },
  ];
  const events: { t: number; line: string }[] = [];
  let n = 0;
  for (const w of workers) {
    for (let k = 0; k < (w.timeouts ?? 0) + (w.faults ?? 0); k++) {
      n++;
      const start = 17 * 3600 + n * 300;
      const job = uuid(1, n);
      const wp = uuid(2, n);
      events.push({ t: start, line: pop(at(start), job, wp, w.id, w.name) });
      const after = w.timeouts !== undefined ? 176 : 20; // a timeout past the 150 s TTL, or a fault the worker reported
      events.push({ t: start + after, line: abort(at(start + after), job, wp, "1024x1024x4@k_euler", w.name, w.id) });
      // an unrelated delivery and API line in between, as in a real log
      const other = uuid(3, n);
      events.push({ t: start + 1, line: pop(at(start + 1), other, uuid(4, n), IDS.half, IDS.half_name) });
      events.push({ t: start + 9, line: deliver(at(start + 9), other, uuid(4, n), IDS.half_name) });
      events.push({
        t: start + 10,
        line: rec(at(start + 10), "INFO", "horde.apis.v2.base:get:99", "GET /api/v2/status 200"),
      });
    }
  }
  return events.sort((x, y) => x.t - y.t).map((e) => e.line);
}

describe("analyze keeps timeouts and reported faults apart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hordesim-apart-"));
  const log = join(dir, "horde.log");
  writeFileSync(log, `${incidentDay().join("\n")}\n`);
  const analysis = await analyzeLogs([log]);

  it("gives ameli0x 15 of the 21 timeouts (71 %) and lists the 2 reported faults on their own", () => {
    const text = summaryText(analysis, [log]);
    expect(text).toContain("23 stale aborts (21 timeouts ≥ TTL, 2 reported faults < TTL)");
    const lines = text.split("\n");
    const timeouts = lines.indexOf(
      "timeouts per worker (jobs never returned; the server noticed each only at its TTL):",
    );
    expect(lines[timeouts + 1]).toMatch(/^\s+15\s+71 %\s+ameli0x\.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9 /);
    expect(lines[timeouts + 2]).toMatch(/^\s+5\s+24 %\s+half5090ya11\./);
    expect(lines[timeouts + 3]).toMatch(/^\s+1\s+4\.8 %\s+ameli0x_2\./);
    const faults = lines.indexOf("reported faults per worker (the worker said the job failed, before its TTL):");
    expect(faults).toBeGreaterThan(timeouts);
    expect(lines.slice(faults + 1, faults + 3).map((l) => l.trim().split(/\s+/).slice(0, 4).join(" "))).toEqual([
      "1 50 % crashy.A",
      "1 50 % oom.B",
    ]);
    expect(text).not.toMatch(/of 23|65 %/);
  });

  it("ends with the next step: calibrate from the log, then run the day under other policies", () => {
    const lines = summaryText(analysis, [log]).trimEnd().split("\n");
    expect(lines.slice(-3)).toEqual([
      "next: fit a scenario to this log, then replay the day under other policies (docs/calibration.md):",
      `  npx hordesim calibrate ${log} --out day.yaml --replay`,
      "  npx hordesim run day.yaml",
    ]);
  });

  it("says the same in analysis.md and in the --json document", () => {
    const md = renderAnalysisMd(analysis.analyzer, analysis.stats, analysis.files);
    expect(md).toContain(
      "Worker **ameli0x.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9** is responsible for 71 % of the timeouts (15 of 21).",
    );
    expect(md).toContain("- Reported faults: 2");
    expect(md).toContain("**Next step**");
    const doc = summaryDocument(analysis, [log]);
    expect(doc).toMatchObject({ stale_aborts: 23, timeouts: 21, reported_faults: 2 });
    expect(doc.timeouts_per_worker[0]).toMatchObject({ worker: IDS.ameli_name, count: 15 });
    expect(doc.timeouts_per_worker[0].share).toBeCloseTo(15 / 21, 12);
    expect(doc.reported_faults_per_worker.map((w) => w.count)).toEqual([1, 1]);
  });
});
