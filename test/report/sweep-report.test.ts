import { describe, expect, it } from "vitest";
import type { SweepGrid } from "../../src/experiment/sweep-types.js";
import type { BestCell } from "../../src/results/sweep-results.js";
import { buildSweepReportHtml } from "../../src/report/sweep-report.js";
import { syntheticSweep } from "./sweep-fixture.js";

const GRIDS: SweepGrid[] = [
  {
    arms: ["horde", "heartbeat+exclude"],
    params: [
      { path: "load", values: ["0.5", "0.9"] },
      { path: "workers[fleet].failures[0].share", values: ["0", "0.1"] },
    ],
  },
];

/** The best arm on the users' mean latency per setting: shown best in one, a tie in the others. */
function best(values: Record<string, string>, tied: string[]): BestCell {
  return {
    grid: 0,
    values,
    figure: "user_latency_mean_s",
    best: tied[0],
    tied,
    arms: [
      { name: "horde", mean: 15.4, half_width: 0.5 },
      { name: "heartbeat+exclude", mean: 15.1, half_width: 0.4 },
    ],
  };
}

describe("a sweep's report.html", () => {
  const summary = {
    ...syntheticSweep(GRIDS),
    best: [
      best({ load: "0.5", "workers[fleet].failures[0].share": "0" }, ["horde", "heartbeat+exclude"]),
      best({ load: "0.5", "workers[fleet].failures[0].share": "0.1" }, ["heartbeat+exclude"]),
      best({ load: "0.9", "workers[fleet].failures[0].share": "0" }, ["horde", "heartbeat+exclude"]),
      best({ load: "0.9", "workers[fleet].failures[0].share": "0.1" }, ["heartbeat+exclude"]),
    ],
  };
  const charts = [
    { name: "sweep-load", heading: "p99 against load", caption: "a line chart", svg: '<svg id="a"></svg>' },
    { name: "sweep-best-1-mean", heading: "the robustness map", caption: "best arm per setting", svg: "<svg></svg>" },
  ];
  const html = buildSweepReportHtml(summary, charts);

  it("gives the verdict in every setting: the arm shown best, or the arms that cannot be told apart", () => {
    const table = html.slice(html.indexOf("the verdict in each setting"), html.indexOf("</table>"));
    const rows = table.split("<tr>").slice(2);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain("<td>0.5</td><td>0</td><td>horde; cannot be told apart from heartbeat+exclude");
    expect(rows[1]).toContain('<td class="better"><strong>heartbeat+exclude</strong> shown best');
    expect(rows[1]).toContain("15.1 s ±0.4");
  });

  it("puts the robustness map before the other charts, every chart inlined: no script, nothing fetched", () => {
    expect(html.indexOf('id="chart-sweep-best-1-mean"')).toBeLessThan(html.indexOf('id="chart-sweep-load"'));
    expect(html).toContain('id="sweep-load-a"');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain("Grid 1: every cell");
  });
});
