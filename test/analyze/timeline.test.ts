import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../src/analyze/analyze-logs.js";
import { renderAnalysisMd, timelineText } from "../../src/analyze/report-md.js";
import { faultedRows, timelineRows } from "../../src/analyze/tables.js";
import { IDS, incidentTimeline } from "./log-lines.js";

describe("the incident report's timeline of WP 6745ea8c…", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hordesim-timeline-"));
  const log = join(dir, "horde.log");
  writeFileSync(log, `${incidentTimeline().join("\n")}\n`);
  const { analyzer: a, stats, files } = await analyzeLogs([log]);
  const tl = a.timelines[0];

  it("gives 176 s, 179 s and 179 s from each pop to its abort, all timeouts against a 150 s TTL", () => {
    expect(a.timelines).toHaveLength(1);
    expect(tl).toMatchObject({ wp: IDS.wp, pops: 3, aborts: 3, deliveries: 0, faulted: true });
    const aborts = tl.entries.filter((e) => e.event === "abort");
    expect(aborts.map((e) => e.sincePop)).toEqual([176, 179, 179]);
    expect(aborts.map((e) => e.ttl)).toEqual([150, 150, 150]);
    expect(aborts.map((e) => e.cause)).toEqual(["timeout", "timeout", "timeout"]);
    expect(aborts.map((e) => e.worker)).toEqual([IDS.half_name, IDS.ameli_name, IDS.ameli_name]);
    expect(tl.entries.filter((e) => e.event === "pop").map((e) => e.sincePrevious)).toEqual([null, 1, 1]);
  });

  it("lists the request as faulted by 3 strikes, about 9 minutes after its first pop", () => {
    const [f] = faultedRows(a);
    expect(f).toMatchObject({ wp: IDS.wp, config: "1024x1024x4@k_euler", n: 1, pops: 3, aborts: 3 });
    expect(f.s_from_first_pop).toBeCloseTo(536.1, 3);
    expect(f.workers).toBe(`${IDS.half_name} > ${IDS.ameli_name} > ${IDS.ameli_name}`);
  });

  it("prints the timeline like the report", () => {
    const text = timelineText(tl);
    expect(text).toContain("17:41:08  pop      half5090ya11.Ae5JCH4WfWcu4wjZmv8ZpTPRcK11y3Cb95 (7a61b5ad)");
    expect(text).toContain(
      "17:44:04  abort    half5090ya11.Ae5JCH4WfWcu4wjZmv8ZpTPRcK11y3Cb95 (7a61b5ad)  176 s after its pop: timeout (TTL 150 s)",
    );
    expect(text).toContain(
      "17:44:05  pop      ameli0x.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9 (df495c4e)  1.0 s after the previous line",
    );
    expect(text).toContain("17:50:04  faulted");
    expect(timelineRows(a).map((r) => r.since_pop_s)).toEqual([null, 176, null, 179, null, 179, null]);
  });

  it("writes the report's sections", () => {
    const md = renderAnalysisMd(a, stats, files);
    for (const heading of [
      "## Summary",
      "## Timeouts or reported faults",
      "## Aborts per worker",
      "## Failed configurations",
      "## Requests with two or more aborts",
      "## Requests faulted by 3 strikes",
      "## Aborts per hour",
      "## Deliveries per worker",
    ])
      expect(md).toContain(heading);
    expect(md).toContain("**All 3 aborts are timeouts**");
    expect(md).toContain(
      "Worker **ameli0x.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9** is responsible for 67 % of the timeouts (2 of 3).",
    );
    expect(md).toContain("All aborts are of one configuration: **1024x1024x4@k_euler** (TTL 150 s).");
  });
});
