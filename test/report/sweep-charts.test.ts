// The sweep charts, built from a realistic two-grid sweep summary (test/report/sweep-fixture.ts): which charts
// there are, what their data says about the fixture's cells (checked against the fixture, not the program),
// the Pareto front and its labels, the heatmaps' colours as vega draws them, cells without data, and files
// that render cleanly and identically twice.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textWidth } from "../../src/report/charts/common.js";
import { LABEL_GAP, placePointLabels } from "../../src/report/charts/point-labels.js";
import { HEAT_RANGE, niceTicks } from "../../src/report/charts/sweep-common.js";
import { axisValues, wrapWords } from "../../src/report/charts/sweep-lines.js";
import { PARETO_LABEL_HEIGHT, PARETO_LABEL_SIZE, sweepParetoSpec } from "../../src/report/charts/sweep-pareto.js";
import { renderChart } from "../../src/report/render.js";
import {
  buildSweepCharts,
  paramChartNames,
  paretoFront,
  renderSweepCharts,
  type SweepChart,
} from "../../src/report/sweep-charts.js";
import type { CellSummary, SweepSummary } from "../../src/results/sweep-results.js";
import { runs } from "../helpers/fast-check-config.js";
import { decodePng, pngSize } from "./png.js";
import { SWEEP_GRIDS, sweepFixture, syntheticSweep } from "./sweep-fixture.js";

// Specs are plain JSON here: walk them without vega-lite's union types.
// biome-ignore lint/suspicious/noExplicitAny: test-only access to spec JSON
type J = any;
const json = (spec: unknown): J => JSON.parse(JSON.stringify(spec));
const chart = (charts: SweepChart[], name: string): J => {
  const c = charts.find((x) => x.name === name);
  if (!c) throw new Error(`no chart ${name}`);
  return json(c.spec);
};
const subtitle = (spec: J): string => [spec.title.subtitle].flat().join("\n");

/** Every layer of a spec, at any depth (layer, hconcat, facet's spec). */
function layers(spec: J): J[] {
  const out: J[] = [];
  const walk = (s: J) => {
    if (!s || typeof s !== "object") return;
    if (s.mark) out.push(s);
    for (const k of ["layer", "hconcat", "vconcat"]) for (const x of s[k] ?? []) walk(x);
    if (s.spec) walk(s.spec);
  };
  walk(spec);
  return out;
}

const markType = (l: J): string => (typeof l.mark === "string" ? l.mark : l.mark.type);

/** a dominates b: no worse on both, better on one (minimising). */
const dominates = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  a.x <= b.x && a.y <= b.y && (a.x < b.x || a.y < b.y);

/** The front by brute force: the points no other point dominates. */
function bruteFront(points: { x: number; y: number }[]): Set<number> {
  return new Set(points.map((_, i) => i).filter((i) => !points.some((q) => dominates(q, points[i]))));
}

// WCAG contrast, written out here rather than taken from the program
function lum(rgb: [number, number, number]): number {
  const [r, g, b] = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function hexRgb(hex: string): [number, number, number] {
  const h = hex.replace("#", "");
  return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}
function contrastRgb(a: [number, number, number], b: [number, number, number]): number {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The texts of a rendered chart's legend labels, in drawing order. */
function legendLabels(svg: string): string[] {
  const group = /<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/s.exec(svg);
  return group ? [...group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]) : [];
}

/**
 * The label boxes of a Pareto chart in plot pixels, with the plot's size and its x and y fields: checks that
 * no label overlaps another label or a point and that each stays inside the plot, and that a label away
 * from its point has a leader line ending on its box.
 */
function checkParetoLabels(spec: J, xField: string, yField: string): void {
  const rows: J[] = spec.data.values;
  const text = layers(spec).find((l) => markType(l) === "text");
  const xd: [number, number] = text.encoding.x.scale.domain;
  const yd: [number, number] = text.encoding.y.scale.domain;
  const W: number = spec.width;
  const H: number = spec.height;
  const px = (x: number) => ((x - xd[0]) / (xd[1] - xd[0])) * W;
  const py = (y: number) => H - ((y - yd[0]) / (yd[1] - yd[0])) * H;
  const labelled = rows.filter((r) => r.label_x !== null);
  const boxes = labelled.map((r) => {
    const w = textWidth(r.label, PARETO_LABEL_SIZE, r.front);
    const x0 = px(r.label_x);
    const yc = py(r.label_y);
    return { x0, x1: x0 + w, y0: yc - PARETO_LABEL_HEIGHT / 2, y1: yc + PARETO_LABEL_HEIGHT / 2 };
  });
  const overlap = (a: J, b: J) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    expect(b.x0).toBeGreaterThanOrEqual(-0.01);
    expect(b.x1).toBeLessThanOrEqual(W + 0.01);
    expect(b.y0).toBeGreaterThanOrEqual(-0.01);
    expect(b.y1).toBeLessThanOrEqual(H + 0.01);
    for (let j = i + 1; j < boxes.length; j++) {
      expect(overlap(b, boxes[j]), `${labelled[i].label} / ${labelled[j].label}`).toBe(false);
    }
    for (const r of rows) {
      const cx = px(r[xField]);
      const cy = py(r[yField]);
      const rad = 4; // the smaller marker's radius (size 55 ≈ 4.2 px)
      expect(overlap(b, { x0: cx - rad, x1: cx + rad, y0: cy - rad, y1: cy + rad }), labelled[i].label).toBe(false);
    }
  }
  // a label away from its point is joined to it by a leader line that ends on the label's box
  for (let i = 0; i < labelled.length; i++) {
    const r = labelled[i];
    const b = boxes[i];
    const cx = px(r[xField]);
    const cy = py(r[yField]);
    const gapX = Math.max(b.x0 - cx, 0, cx - b.x1);
    const gapY = Math.max(b.y0 - cy, 0, cy - b.y1);
    if (Math.hypot(gapX, gapY) > 16) expect(r.leader_x, r.label).not.toBeNull();
    if (r.leader_x !== null) {
      expect(px(r.leader_x)).toBeGreaterThanOrEqual(b.x0 - 0.05);
      expect(px(r.leader_x)).toBeLessThanOrEqual(b.x1 + 0.05);
      expect(py(r.leader_y)).toBeGreaterThanOrEqual(b.y0 - 0.05);
      expect(py(r.leader_y)).toBeLessThanOrEqual(b.y1 + 0.05);
    }
  }
}

const fixture = sweepFixture();
const charts = buildSweepCharts(fixture);
const cellsOf = (s: SweepSummary, grid: number): CellSummary[] => s.cells.filter((c) => c.grid === grid);

describe("paretoFront", () => {
  it("finds the non-dominated points of known sets, in order along the front", () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ x: 3, y: 4 }])).toEqual([0]);
    const pts = [
      { x: 1, y: 5 },
      { x: 2, y: 3 },
      { x: 3, y: 4 }, // dominated by (2, 3)
      { x: 4, y: 1 },
      { x: 2, y: 6 }, // dominated by (1, 5) and (2, 3)
      { x: 5, y: 1 }, // same y as (4, 1), more x: dominated
    ];
    expect(paretoFront(pts)).toEqual([0, 1, 3]);
  });

  it("handles ties deterministically: equal points are all on the front, a tie on one axis is decided by the other", () => {
    expect(
      paretoFront([
        { x: 2, y: 0 },
        { x: 1, y: 1 },
        { x: 1, y: 1 },
      ]),
    ).toEqual([1, 2, 0]);
    expect(
      paretoFront([
        { x: 1, y: 3 },
        { x: 1, y: 2 },
      ]),
    ).toEqual([1]);
    expect(
      paretoFront([
        { x: 3, y: 2 },
        { x: 1, y: 2 },
      ]),
    ).toEqual([1]);
    expect(
      paretoFront([
        { x: Number.NaN, y: 0 },
        { x: 5, y: 5 },
      ]),
    ).toEqual([1]);
  });

  it("property: the front is exactly the set no point dominates, sorted along x, the same however the points are ordered", () => {
    // small integer coordinates, so that ties on one or both axes are common
    const point = fc.record({ x: fc.integer({ min: 0, max: 8 }), y: fc.integer({ min: 0, max: 8 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), fc.integer(), (pts, seed) => {
        const front = paretoFront(pts);
        const on = new Set(front);
        expect(on.size).toBe(front.length);
        // no point of the front is dominated by any point
        for (const i of front) for (const q of pts) expect(dominates(q, pts[i])).toBe(false);
        // every other point is dominated by some point of the front
        pts.forEach((p, i) => {
          if (!on.has(i)) expect(front.some((j) => dominates(pts[j], p))).toBe(true);
        });
        expect(on).toEqual(bruteFront(pts));
        for (let k = 1; k < front.length; k++) {
          expect(pts[front[k]].x).toBeGreaterThanOrEqual(pts[front[k - 1]].x);
          expect(pts[front[k]].y).toBeLessThanOrEqual(pts[front[k - 1]].y);
        }
        // a shuffled copy has the same front, point for point
        const perm = pts.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 31) - ((b * 7919 + seed) % 31) || a - b);
        const shuffled = perm.map((i) => pts[i]);
        const key = (p: { x: number; y: number }) => `${p.x},${p.y}`;
        expect(paretoFront(shuffled).map((i) => key(shuffled[i]))).toEqual(front.map((i) => key(pts[i])));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("the charts of the fixture sweep", () => {
  it("are a line chart per swept parameter, three heatmaps per grid, then the two Pareto charts", () => {
    expect(charts.map((c) => c.name)).toEqual([
      "sweep-server-ttl-floor",
      "sweep-server-sweep-period",
      "sweep-policies-backoff-reassignment-1-base",
      "sweep-policies-backoff-reassignment-1-cap",
      "sweep-heatmap-1",
      "sweep-heatmap-1-failure-rate",
      "sweep-heatmap-1-hit-latency",
      "sweep-heatmap-2",
      "sweep-heatmap-2-failure-rate",
      "sweep-heatmap-2-hit-latency",
      "sweep-pareto",
      "sweep-pareto-failures",
    ]);
    const failures = charts.find((c) => c.name === "sweep-pareto-failures") as SweepChart;
    expect(failures.caption).toMatch(/lower left is better/);
    expect(failures.caption).toMatch(/short TTL and a fast sweep cut the wait .* more strikes per hour/);
    for (const c of charts) {
      expect(c.heading.length).toBeGreaterThan(5);
      expect(c.caption.length).toBeGreaterThan(40);
    }
  });

  it("are pure: building twice gives the same specs", () => {
    expect(JSON.stringify(buildSweepCharts(sweepFixture()))).toBe(JSON.stringify(charts));
  });

  it("name a parameter's chart apart from the Pareto chart and heatmaps even when its slug would clash", () => {
    const s = syntheticSweep([
      {
        arms: ["a"],
        params: [
          { path: "pareto", values: ["1", "2"] },
          { path: "heatmap[1]", values: ["x", "y"] },
          { path: "pareto.failures", values: ["p", "q"] },
          { path: "heatmap[1].hit-latency", values: ["u", "v"] },
        ],
      },
    ]);
    const names = paramChartNames(s);
    expect(names.get("pareto")).toBe("sweep-pareto-2");
    expect(names.get("heatmap[1]")).toBe("sweep-heatmap-1-2");
    expect(names.get("pareto.failures")).toBe("sweep-pareto-failures-2");
    expect(names.get("heatmap[1].hit-latency")).toBe("sweep-heatmap-1-hit-latency-2");
    const all = buildSweepCharts(s).map((c) => c.name);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("a parameter's line chart", () => {
  const spec = chart(charts, "sweep-server-ttl-floor");
  const rows: J[] = spec.data.values;
  const ttl = SWEEP_GRIDS[0].params[0];

  it("has a p99, a failure rate and a hit-request latency row for each cell of the grids with the parameter, and only those", () => {
    const horde = cellsOf(fixture, 0);
    expect(rows).toHaveLength(horde.length * 3);
    expect(rows.every((r) => r.cell.startsWith("horde "))).toBe(true);
    for (const c of horde) {
      const p99 = rows.find((r) => r.cell === c.label && r.metric === "p99");
      const fail = rows.find((r) => r.cell === c.label && r.metric === "fail");
      expect(p99.mean).toBeCloseTo(c.latency_p99_s.mean as number, 1);
      expect(p99.lo).toBeCloseTo((c.latency_p99_s.ci95 as [number, number])[0], 1);
      expect(p99.hi).toBeCloseTo((c.latency_p99_s.ci95 as [number, number])[1], 1);
      // the failure rate in percent
      expect(fail.mean).toBeCloseTo((c.failure_rate.mean as number) * 100, 3);
      const hit = rows.find((r) => r.cell === c.label && r.metric === "hit");
      expect(hit.mean).toBeCloseTo(c.affected_latency_s.mean as number, 1);
      expect(hit.lo).toBeCloseTo((c.affected_latency_s.ci95 as [number, number])[0], 1);
      expect(hit.hi).toBeCloseTo((c.affected_latency_s.ci95 as [number, number])[1], 1);
      const h = c.affected_latency_s.mean as number;
      expect(hit.text).toBe(`${h >= 100 ? Math.round(h) : h.toFixed(1)} s`);
    }
  });

  it("cuts a failure-rate whisker that a t interval takes below 0 % at 0, and says so", () => {
    const s = sweepFixture();
    const c = s.cells.find((x) => x.grid === 0) as CellSummary;
    c.failure_rate = { mean: 0.0001, ci95: [-0.0002, 0.0004] };
    const cutSpec = chart(buildSweepCharts(s), "sweep-server-ttl-floor");
    const row = cutSpec.data.values.find((r: J) => r.cell === c.label && r.metric === "fail");
    expect(row.lo).toBe(0);
    expect(row.hi).toBeCloseTo(0.04, 6);
    expect(subtitle(cutSpec)).toMatch(/whiskers below 0 % cut at 0: 1 cell/);
    expect(subtitle(spec)).not.toMatch(/cut at 0/);
  });

  it("puts each value at its position in the user's order, each series dodged by a constant", () => {
    const labels: string[] = ttl.values;
    for (const r of rows) expect(Math.abs(r.x - labels.indexOf(r.value))).toBeLessThan(0.5);
    const offsets = new Map<string, Set<number>>();
    for (const r of rows) {
      const set = offsets.get(r.series) ?? new Set<number>();
      set.add(Math.round((r.x - labels.indexOf(r.value)) * 1e4));
      offsets.set(r.series, set);
    }
    // one series per sweep period, each at one offset of its own
    expect([...offsets.keys()].sort()).toEqual(
      ["horde · sweep.period=10s", "horde · sweep.period=30s", "horde · sweep.period=60s"].sort(),
    );
    for (const set of offsets.values()) expect(set.size).toBe(1);
    expect(new Set([...offsets.values()].map((s) => [...s][0])).size).toBe(3);
    // the axis shows the labels at the integer positions
    const x = spec.hconcat[0].layer.find((l: J) => markType(l) === "point").encoding.x;
    expect(x.axis.values).toEqual([0, 1, 2]);
    expect(x.axis.labelExpr).toContain(JSON.stringify(labels));
    expect(x.title).toBe("server.ttl.floor");
  });

  it("has a panel per metric with units on its y axis, and one legend entry per series", () => {
    const titles = spec.hconcat.map((p: J) =>
      [p.layer.find((l: J) => markType(l) === "point").encoding.y.title].flat().join(" "),
    );
    expect(titles).toHaveLength(3);
    expect(titles[0]).toMatch(/p99.*\(s\)/);
    expect(titles[1]).toMatch(/failure rate.*\(%\)/);
    expect(titles[2]).toBe("latency of requests hit by a failed job (s)");
    // each panel shows its own metric only
    expect(spec.hconcat.map((p: J) => p.transform[0].filter.equal)).toEqual(["p99", "fail", "hit"]);
    const color = spec.hconcat[0].layer.find((l: J) => markType(l) === "point").encoding.color;
    expect(color.scale.domain).toHaveLength(3);
    expect(new Set(color.scale.range).size).toBe(3);
  });

  it("orders a parameter shared by two grids by size when its values are durations", () => {
    const s = syntheticSweep([
      { arms: ["a"], params: [{ path: "server.ttl.floor", values: ["60s", "150s", "300s"] }] },
      { arms: ["a"], params: [{ path: "server.ttl.floor", values: ["30s", "10m"] }] },
    ]);
    expect(axisValues(s, "server.ttl.floor")).toEqual(["30s", "60s", "150s", "300s", "10m"]);
    // and each grid's series apart, since the same arm is in both
    const series = new Set(json(buildSweepCharts(s)[0].spec).data.values.map((r: J) => r.series));
    expect(series).toEqual(new Set(["a (grid 1)", "a (grid 2)"]));
  });
});

describe("a grid's heatmap", () => {
  const spec = chart(charts, "sweep-heatmap-2");
  const rows: J[] = spec.data.values;
  const [base, cap] = SWEEP_GRIDS[1].params;

  it("has one square per cell of the grid, placed by its two values, coloured by its mean p99", () => {
    const cells = cellsOf(fixture, 1);
    expect(rows).toHaveLength(cells.length);
    const places = new Set(rows.map((r) => `${r.x}|${r.y}`));
    expect(places.size).toBe(cells.length);
    for (const c of cells) {
      const r = rows.find((q) => q.x === c.values[base.path] && q.y === c.values[cap.path]);
      expect(r.value).toBeCloseTo(c.latency_p99_s.mean as number, 1);
      expect(r.text).toBe(Math.round(c.latency_p99_s.mean as number).toString());
    }
    const rect = layers(spec).find((l) => markType(l) === "rect");
    expect(rect.encoding.x.sort).toEqual(base.values);
    expect(rect.encoding.color.field).toBe("value");
  });

  it("draws exactly one rect per cell, with text that reads on the fill vega gives it", async () => {
    const r = await renderChart(spec);
    expect(r.warnings).toEqual([]);
    const group = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(r.svg);
    expect(group).not.toBeNull();
    const paths = [
      ...(group as RegExpExecArray)[1].matchAll(/<path aria-label="([^"]*)"[^>]*fill="rgb\((\d+), (\d+), (\d+)\)"/g),
    ];
    expect(paths).toHaveLength(9);
    const byCell = new Map(rows.map((q) => [q.cell, q]));
    // the cell's label in a mark's aria-label ("cell: horde …; p99 latency: …; …")
    const cellOf = (aria: string) => /(?:^|; )cell: ([^;]*)/.exec(aria)?.[1] as string;
    let light = 0;
    for (const m of paths) {
      const label = cellOf(m[1]);
      const row = byCell.get(label);
      expect(row, label).toBeDefined();
      const fill: [number, number, number] = [Number(m[2]), Number(m[3]), Number(m[4])];
      const chosen = contrastRgb(fill, hexRgb(row.text_color));
      const other = contrastRgb(fill, hexRgb(row.text_color === "#ffffff" ? "#111111" : "#ffffff"));
      expect(chosen).toBeGreaterThanOrEqual(other);
      expect(chosen).toBeGreaterThan(4);
      if (row.text_color === "#ffffff") light++;
    }
    // the ramp runs from pale to dark: the best cell gets its pale end and dark text, the worst the reverse
    const min = rows.reduce((a, b) => (b.value < a.value ? b : a));
    const max = rows.reduce((a, b) => (b.value > a.value ? b : a));
    expect(
      paths
        .find((m) => cellOf(m[1]) === min.cell)
        ?.slice(2)
        .map(Number),
    ).toEqual(hexRgb(HEAT_RANGE[0]));
    expect(
      paths
        .find((m) => cellOf(m[1]) === max.cell)
        ?.slice(2)
        .map(Number),
    ).toEqual(hexRgb(HEAT_RANGE[8]));
    expect(min.text_color).toBe("#111111");
    expect(max.text_color).toBe("#ffffff");
    expect(light).toBeGreaterThan(0);
  });

  it("writes each cell's 95 % half-width under its mean in smaller text", () => {
    for (const c of cellsOf(fixture, 1)) {
      const r = rows.find((q) => q.cell === c.label);
      const [lo, hi] = c.latency_p99_s.ci95 as [number, number];
      expect(r.ci_text).toBe(`±${((hi - lo) / 2).toFixed(1)}`);
    }
    const texts = layers(spec).filter((l) => markType(l) === "text");
    const means = texts.filter((l) => l.encoding.text.field === "text");
    const cis = texts.filter((l) => l.encoding.text.field === "ci_text");
    expect(cis.length).toBeGreaterThan(0);
    for (const m of means) expect(m.mark.dy).toBeLessThan(0);
    for (const c of cis) {
      expect(c.mark.dy).toBeGreaterThan(0);
      expect(c.mark.fontSize).toBeLessThan(means[0].mark.fontSize);
    }
    expect(subtitle(spec)).toMatch(/under each mean: ± the half-width of its 95 % confidence interval/);
  });

  it("shows the latency of requests hit by a failed job in its third chart", () => {
    const h = chart(charts, "sweep-heatmap-2-hit-latency");
    const hit: J[] = h.data.values;
    expect(hit).toHaveLength(cellsOf(fixture, 1).length);
    for (const c of cellsOf(fixture, 1)) {
      const r = hit.find((q) => q.x === c.values[base.path] && q.y === c.values[cap.path]);
      expect(r.cell).toBe(c.label);
      expect(r.value).toBeCloseTo(c.affected_latency_s.mean as number, 1);
      const [lo, hi] = c.affected_latency_s.ci95 as [number, number];
      expect(r.half_width).toBeCloseTo((hi - lo) / 2, 2);
    }
    expect(h.title.text).toMatch(/latency of requests hit by a failed job/);
    const rect = layers(h).find((l) => markType(l) === "rect");
    expect([rect.encoding.color.title].flat().join(" ")).toBe("latency of requests hit by a failed job (s)");
    const values = cellsOf(fixture, 1).map((c) => c.affected_latency_s.mean as number);
    expect(subtitle(h)).toContain(
      `colours from pale at ${Math.round(Math.min(...values))} s to dark at ${Math.round(Math.max(...values))} s`,
    );
  });

  it("gives the legend round labels that all read differently", async () => {
    const rect = layers(spec).find((l) => markType(l) === "rect");
    const legend = rect.encoding.color.legend;
    const [lo, hi] = [rect.encoding.color.scale.domain[0], rect.encoding.color.scale.domain.at(-1)];
    expect(legend.values.length).toBeGreaterThanOrEqual(3);
    for (const v of legend.values) {
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
    const labels = legendLabels((await renderChart(spec)).svg);
    expect(labels.length).toBe(legend.values.length);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("shows the failure rate in percent in its second chart", () => {
    const fail: J[] = chart(charts, "sweep-heatmap-2-failure-rate").data.values;
    for (const c of cellsOf(fixture, 1)) {
      const r = fail.find((q) => q.cell === c.label);
      expect(r.value).toBeCloseTo((c.failure_rate.mean as number) * 100, 3);
      expect(r.text).toMatch(/^\d+\.\d\d%$/);
    }
  });

  it("puts several arms side by side and further parameters in rows, averaging nothing", () => {
    const s = syntheticSweep([
      {
        arms: ["horde", "backoff"],
        params: [
          { path: "a.x", values: ["1s", "2s"] },
          { path: "a.y", values: ["1s", "2s", "3s"] },
          { path: "a.z", values: ["p", "q"] },
        ],
      },
    ]);
    const h = chart(buildSweepCharts(s), "sweep-heatmap-1");
    expect(h.facet.column.field).toBe("arm");
    expect(h.facet.row.field).toBe("rest");
    expect(h.data.values).toHaveLength(2 * 2 * 3 * 2);
    expect(new Set(h.data.values.map((r: J) => r.rest))).toEqual(new Set(["a.z=p", "a.z=q"]));
    expect(subtitle(h)).toMatch(/one row of squares per value of a\.z/);
  });
});

describe("the Pareto chart", () => {
  const spec = chart(charts, "sweep-pareto");
  const rows: J[] = spec.data.values;

  it("has a point per cell, the front marked exactly as computed from the fixture", () => {
    expect(rows).toHaveLength(fixture.cells.length);
    const pts = fixture.cells.map((c) => ({ x: c.wasted_gpu_s.mean as number, y: c.latency_p99_s.mean as number }));
    const front = bruteFront(pts);
    expect(front.size).toBeGreaterThan(1);
    expect(front.size).toBeLessThan(pts.length);
    const marked = new Set(rows.filter((r) => r.front).map((r) => r.cell));
    expect(marked).toEqual(new Set([...front].map((i) => fixture.cells[i].label)));
    // the step line and the emphasised points are drawn from the front rows only
    const frontLayers = layers(spec).filter((l) => l.transform?.[0]?.filter === "datum.front");
    expect(frontLayers.map(markType).sort()).toEqual(["line", "point"]);
    expect(frontLayers.find((l) => markType(l) === "line").mark.interpolate).toBe("step-after");
  });

  it("labels every cell with its values only", () => {
    for (const c of fixture.cells) {
      const r = rows.find((q) => q.cell === c.label);
      const g = SWEEP_GRIDS[c.grid];
      expect(r.label).toBe(g.params.map((p) => c.values[p.path]).join(" · "));
      expect(r.label_x).not.toBeNull();
    }
    expect(rows.find((r) => r.cell.includes("floor=60s") && r.cell.includes("period=10s")).label).toBe("60s · 10s");
    expect(subtitle(spec)).toContain("grid 1 (horde): ttl.floor · sweep.period");
  });

  it("places labels that overlap no other label and no point, inside the plot", () => {
    expect(rows.every((r) => r.label_x !== null)).toBe(true);
    checkParetoLabels(spec, "wasted_gpu_s", "p99_s");
  });

  it("places labels apart even for many points in a heap (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            px: fc.double({ min: 0, max: 300, noNaN: true }),
            py: fc.double({ min: 0, max: 200, noNaN: true }),
            w: fc.integer({ min: 20, max: 90 }),
          }),
          { maxLength: 25 },
        ),
        (pts) => {
          const reqs = pts.map((p) => ({ ...p, r: 5 }));
          const boxes = placePointLabels(
            reqs,
            300,
            200,
            reqs.map((_, i) => i),
          );
          const placed = boxes.filter((b) => b !== null);
          for (const b of placed) {
            expect(b.x0).toBeGreaterThanOrEqual(0);
            expect(b.x1).toBeLessThanOrEqual(300);
            expect(b.y1 - b.y0).toBeCloseTo(PARETO_LABEL_HEIGHT, 9);
          }
          const apart = (a: J, b: J) =>
            a.x1 + LABEL_GAP <= b.x0 ||
            b.x1 + LABEL_GAP <= a.x0 ||
            a.y1 + LABEL_GAP <= b.y0 ||
            b.y1 + LABEL_GAP <= a.y0;
          for (let i = 0; i < placed.length; i++) {
            for (let j = i + 1; j < placed.length; j++) expect(apart(placed[i], placed[j])).toBe(true);
            // and clear of every point's marker
            for (const q of reqs) {
              expect(apart(placed[i], { x0: q.px - q.r, x1: q.px + q.r, y0: q.py - q.r, y1: q.py + q.r })).toBe(true);
            }
          }
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it("property: for random cell figures, the whole chart's labels overlap no label and no point", () => {
    // the fixture's 18 cells with random means: heaps, ties, one outlier far off; intervals ±5 %
    const mean = fc.oneof(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.constantFrom(0, 100, 5000));
    fc.assert(
      fc.property(
        fc.array(fc.record({ wasted: mean, p99: fc.double({ min: 1, max: 2000, noNaN: true }) }), {
          minLength: fixture.cells.length,
          maxLength: fixture.cells.length,
        }),
        (figures) => {
          const est = (m: number) => ({ mean: m, ci95: [m * 0.95, m * 1.05] as [number, number] });
          const cells = fixture.cells.map((c, i) => ({
            ...c,
            wasted_gpu_s: est(figures[i].wasted),
            latency_p99_s: est(figures[i].p99),
          }));
          const spec = json(sweepParetoSpec({ ...fixture, cells }));
          checkParetoLabels(spec, "wasted_gpu_s", "p99_s");
          // nothing piles up out of sight: at least every front point (or its group's) carries a label
          const rows: J[] = spec.data.values;
          const labelled = new Set(
            rows.filter((r) => r.label_x !== null).map((r) => `${r.arm}|${r.wasted_gpu_s}|${r.p99_s}`),
          );
          for (const r of rows.filter((q) => q.front))
            expect(labelled.has(`${r.arm}|${r.wasted_gpu_s}|${r.p99_s}`)).toBe(true);
        },
      ),
      { numRuns: runs(25) },
    );
  });
});

describe("the Pareto chart of failures against the wait of hit requests", () => {
  const spec = chart(charts, "sweep-pareto-failures");
  const rows: J[] = spec.data.values;

  it("has a point per cell at its failure rate (%) and hit-request latency, the front as computed independently", () => {
    expect(rows).toHaveLength(fixture.cells.length);
    for (const c of fixture.cells) {
      const r = rows.find((q) => q.cell === c.label);
      expect(r.failure_pct).toBeCloseTo((c.failure_rate.mean as number) * 100, 4);
      expect(r.hit_latency_s).toBeCloseTo(c.affected_latency_s.mean as number, 1);
      // a rate cannot be negative: the whisker is cut at 0
      expect(r.x_lo).toBeCloseTo(Math.max(0, (c.failure_rate.ci95 as [number, number])[0] * 100), 4);
      expect(r.x_lo).toBeGreaterThanOrEqual(0);
    }
    const pts = fixture.cells.map((c) => ({
      x: (c.failure_rate.mean as number) * 100,
      y: c.affected_latency_s.mean as number,
    }));
    const front = bruteFront(pts);
    expect(front.size).toBeGreaterThan(1);
    expect(front.size).toBeLessThan(pts.length);
    expect(new Set(rows.filter((r) => r.front).map((r) => r.cell))).toEqual(
      new Set([...front].map((i) => fixture.cells[i].label)),
    );
    // the step line runs along the front: increasing failure rate, decreasing latency
    const along = rows.filter((r) => r.front).sort((a, b) => a.front_rank - b.front_rank);
    for (let k = 1; k < along.length; k++) {
      expect(along[k].failure_pct).toBeGreaterThanOrEqual(along[k - 1].failure_pct);
      expect(along[k].hit_latency_s).toBeLessThanOrEqual(along[k - 1].hit_latency_s);
    }
  });

  it("is drawn by the same code as the other Pareto chart: the same layers, other fields and titles", () => {
    const waste = chart(charts, "sweep-pareto");
    expect(layers(spec).map(markType)).toEqual(layers(waste).map(markType));
    expect(spec.width).toBe(waste.width);
    const point = layers(spec).find((l) => markType(l) === "point");
    expect(point.encoding.x.field).toBe("failure_pct");
    expect(point.encoding.x.title).toMatch(/failure rate.*\(%\)/);
    expect(point.encoding.y.field).toBe("hit_latency_s");
    expect(point.encoding.y.title).toBe("latency of requests hit by a failed job (s)");
    expect(spec.title.text).toMatch(/failure rate/);
    expect(subtitle(spec)).toMatch(/lower left is better/);
  });

  it("labels every cell with its values, no label over another or over a point", () => {
    for (const c of fixture.cells) {
      const r = rows.find((q) => q.cell === c.label);
      expect(r.label).toBe(SWEEP_GRIDS[c.grid].params.map((p) => c.values[p.path]).join(" · "));
    }
    expect(rows.every((r) => r.label_x !== null)).toBe(true);
    checkParetoLabels(spec, "failure_pct", "hit_latency_s");
  });

  it("has x ticks at round rates whose labels differ, even for rates of a few in 100,000", async () => {
    const tiny = sweepFixture();
    tiny.cells.forEach((c, i) => {
      const m = (i % 4) * 0.0000013;
      c.failure_rate = { mean: m, ci95: [m - 0.000004, m + 0.000004] };
    });
    const t = chart(buildSweepCharts(tiny), "sweep-pareto-failures");
    const axis = layers(t).find((l) => markType(l) === "line").encoding.x.axis;
    const decimals = Number(/^,\.(\d+)f$/.exec(axis.format)?.[1]);
    const texts = axis.values.map((v: number) => v.toFixed(decimals));
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(texts).size).toBe(texts.length);
    expect(axis.values[0]).toBe(0);
    expect(subtitle(t)).toMatch(/whiskers below 0 % cut at 0: 18 cells/);
    const r = await renderChart(t);
    expect(r.warnings).toEqual([]);
  });
});

describe("cells on top of one another in a Pareto chart", () => {
  // the backoff grid's cap never binds: cells 9–11 (base 10s) alike, and cells 13 and 17 alike by chance
  const s = sweepFixture();
  for (const i of [10, 11])
    Object.assign(s.cells[i], { ...s.cells[9], cell: i, label: s.cells[i].label, values: s.cells[i].values });
  Object.assign(s.cells[17], { ...s.cells[13], cell: 17, label: s.cells[17].label, values: s.cells[17].values });
  const built = buildSweepCharts(s);

  for (const [name, xField, yField] of [
    ["sweep-pareto", "wasted_gpu_s", "p99_s"],
    ["sweep-pareto-failures", "failure_pct", "hit_latency_s"],
  ]) {
    it(`share one label in ${name}: a cross product of values shortened, else a list`, () => {
      const spec = chart(built, name);
      const rows: J[] = spec.data.values;
      const row = (i: number) => rows.find((r) => r.cell === s.cells[i].label);
      expect(row(9).label).toBe("10s · 5m/15m/60m");
      expect(row(9).label_x).not.toBeNull();
      for (const i of [10, 11]) expect(row(i).label_x).toBeNull();
      expect(row(13).label).toBe("30s · 15m, 90s · 60m");
      expect(row(17).label_x).toBeNull();
      // every other cell keeps its own label
      const shared = new Set([10, 11, 17]);
      for (const c of s.cells) if (!shared.has(c.cell)) expect(row(c.cell).label_x, c.label).not.toBeNull();
      checkParetoLabels(spec, xField, yField);
    });
  }
});

describe("a heatmap over a narrow range", () => {
  // every p99 of grid 1 within 0.64 s, every interval ±3 s: as in a real sweep whose constants do not matter
  const s = sweepFixture();
  cellsOf(s, 0).forEach((c, k) => {
    const m = 50.6 + 0.08 * k;
    c.latency_p99_s = { mean: m, ci95: [m - 3, m + 3] };
  });
  // the hit-request latency of grid 2 within 1.2 s around 193 s, failure rates of a few in a million
  cellsOf(s, 1).forEach((c, k) => {
    const m = 192.9 + 0.15 * k;
    c.affected_latency_s = { mean: m, ci95: [m - 2.5, m + 2.5] };
    const f = k < 3 ? 0.0000039 : 0;
    const h = k < 3 ? 0.0000088 : 0;
    c.failure_rate = { mean: f, ci95: [f - h, f + h] };
  });
  const built = buildSweepCharts(s);

  it("labels its legend with distinct numbers inside the range, with the decimals they need", async () => {
    for (const [name, lo, hi] of [
      ["sweep-heatmap-1", 50.6, 51.24],
      ["sweep-heatmap-2-hit-latency", 192.9, 194.1],
      ["sweep-heatmap-2-failure-rate", 0, 0.00039],
    ] as const) {
      const spec = chart(built, name);
      const labels = legendLabels((await renderChart(spec)).svg);
      expect(labels.length, name).toBeGreaterThanOrEqual(3);
      expect(new Set(labels).size, `${name}: ${labels.join(", ")}`).toBe(labels.length);
      for (const l of labels) {
        const v = Number(l.replace(/,/g, ""));
        expect(v, name).toBeGreaterThanOrEqual(lo - 1e-9);
        expect(v, name).toBeLessThanOrEqual(hi + 1e-9);
      }
    }
  });

  it("says the colours span less than the noise, and gives the range", () => {
    const h = chart(built, "sweep-heatmap-1");
    expect(subtitle(h)).toContain("colours from pale at 50.6 s to dark at 51.2 s");
    expect(subtitle(h)).toMatch(/typically ±3\.0 s/);
    expect(subtitle(h)).toMatch(/the cell means span 0\.6 s, less than a typical half-width: .*within the noise/);
    for (const r of h.data.values) expect(r.ci_text).toBe("±3.0");
    // a wide range with narrow intervals says nothing of the kind
    expect(subtitle(chart(charts, "sweep-heatmap-1-hit-latency"))).not.toMatch(/noise/);
  });

  it("writes the cells' means with enough decimals to tell them apart", () => {
    const rows: J[] = chart(built, "sweep-heatmap-2-hit-latency").data.values;
    for (const c of cellsOf(s, 1)) {
      const r = rows.find((q) => q.cell === c.label);
      expect(r.text).toBe((c.affected_latency_s.mean as number).toFixed(1));
    }
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
  });

  it("says when the extreme cells' intervals reach each other's means though a typical interval is narrower", () => {
    // six cells without a failure, interval 0; three at 0.00039 % ± 0.00088 %
    const f = chart(built, "sweep-heatmap-2-failure-rate");
    expect(subtitle(f)).toMatch(/typically ±0%/);
    expect(subtitle(f)).toMatch(/reaches the other's mean: the differences are within the noise/);
  });
});

describe("niceTicks and wrapWords", () => {
  it("property: round ticks inside the range, increasing, exactly and distinctly written with their decimals", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-7, max: 1e6, noNaN: true }),
        fc.integer({ min: 3, max: 5 }),
        (lo, span, count) => {
          const hi = lo + span;
          fc.pre(hi - lo > Math.abs(lo) * 1e-9);
          const { values, decimals } = niceTicks(lo, hi, count);
          expect(values.length).toBeGreaterThanOrEqual(2);
          expect(values.length).toBeLessThanOrEqual(2 * count + 1);
          const tol = span * 1e-6;
          for (const v of values) {
            expect(v).toBeGreaterThanOrEqual(lo - tol);
            expect(v).toBeLessThanOrEqual(hi + tol);
            expect(Number(v.toFixed(decimals))).toBe(v);
          }
          for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThan(values[k - 1]);
          const texts = values.map((v) => v.toFixed(decimals));
          expect(new Set(texts).size).toBe(texts.length);
        },
      ),
      { numRuns: runs(500) },
    );
    expect(niceTicks(50.634, 51.254, 3)).toEqual({ values: [50.8, 51, 51.2], decimals: 1 });
    expect(niceTicks(0, 0.0058, 5)).toEqual({ values: [0, 0.001, 0.002, 0.003, 0.004, 0.005], decimals: 3 });
    // a span just short of two multiples of the nearest step (0.05) takes the next smaller one (found by fast-check)
    expect(niceTicks(-0.04486832985505139, 0.04999999995, 3)).toEqual({
      values: [-0.04, -0.02, 0, 0.02, 0.04],
      decimals: 2,
    });
  });

  it("breaks a long axis title into two lines of about equal width", () => {
    const w = (t: string) => t.length;
    expect(wrapWords("short", 10, w)).toEqual(["short"]);
    expect(wrapWords("latency of requests hit by a failed job (s)", 30, w)).toEqual([
      "latency of requests",
      "hit by a failed job (s)",
    ]);
  });
});

describe("cells without data", () => {
  // cell 4: nothing at all; cell 12: every request failed, so a failure rate but no latency
  const s = sweepFixture({ emptyCells: [4], allFailedCells: [12] });
  const built = buildSweepCharts(s);

  it("are left out of each chart, and its subtitle says how many", () => {
    const ttl = chart(built, "sweep-server-ttl-floor");
    expect(ttl.data.values.filter((r: J) => r.metric === "p99")).toHaveLength(8);
    expect(ttl.data.values.filter((r: J) => r.metric === "fail")).toHaveLength(8);
    expect(ttl.data.values.filter((r: J) => r.metric === "hit")).toHaveLength(8);
    expect(subtitle(ttl)).toMatch(
      /left out for lack of data: 1 cell without a p99 latency, 1 cell without a failure rate, 1 cell without a latency of requests hit by a failed job$/m,
    );
    const base = chart(built, "sweep-policies-backoff-reassignment-1-base");
    expect(base.data.values.filter((r: J) => r.metric === "p99")).toHaveLength(8);
    expect(base.data.values.filter((r: J) => r.metric === "fail")).toHaveLength(9);
    expect(base.data.values.filter((r: J) => r.metric === "hit")).toHaveLength(8);
    expect(subtitle(base)).toMatch(
      /: 1 cell without a p99 latency, 1 cell without a latency of requests hit by a failed job$/m,
    );
    for (const name of ["sweep-pareto", "sweep-pareto-failures"]) {
      const pareto = chart(built, name);
      expect(pareto.data.values, name).toHaveLength(16);
      expect(subtitle(pareto)).toMatch(/left out for lack of data: 2 cells/);
    }
    const hit = chart(built, "sweep-heatmap-2-hit-latency");
    expect(hit.data.values.filter((r: J) => r.value !== null)).toHaveLength(8);
    expect(hit.data.values.find((r: J) => r.value === null).ci_text).toBeNull();
    const heat = chart(built, "sweep-heatmap-1");
    expect(heat.data.values.filter((r: J) => r.value !== null)).toHaveLength(8);
    expect(heat.data.values.find((r: J) => r.value === null).text).toBe("no data");
    expect(subtitle(heat)).toMatch(/1 cell/);
  });

  it("give a message chart when no cell has data", () => {
    const none = buildSweepCharts(sweepFixture({ emptyCells: fixture.cells.map((c) => c.cell) }));
    expect(none.map((c) => c.name)).toEqual(charts.map((c) => c.name));
    for (const c of none) {
      const spec = json(c.spec);
      expect(spec.mark.type, c.name).toBe("text");
      expect(spec.data.values[0].message).toMatch(/no /);
    }
  });
});

describe("renderSweepCharts", () => {
  let dirA: string;
  let dirB: string;
  let files: string[];

  beforeAll(async () => {
    dirA = mkdtempSync(join(tmpdir(), "hordesim-sweep-charts-a-"));
    dirB = mkdtempSync(join(tmpdir(), "hordesim-sweep-charts-b-"));
    files = await renderSweepCharts(dirA, fixture);
    await renderSweepCharts(dirB, fixture);
  });

  afterAll(() => {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  });

  it("writes NAME.vl.json, NAME.svg and NAME.png for every chart, nothing else, then the sweep's report.html", () => {
    const expected = charts.flatMap((c) =>
      [".vl.json", ".svg", ".png"].map((ext) => join(dirA, "charts", c.name + ext)),
    );
    expect(files).toEqual([...expected, join(dirA, "report.html")]);
    expect(readdirSync(join(dirA, "charts")).sort()).toEqual(expected.map((f) => f.slice(dirA.length + 8)).sort());
  });

  it("writes the same bytes for the same summary", () => {
    for (const f of files) {
      const rel = f.slice(dirA.length);
      expect(readFileSync(join(dirB, rel)).equals(readFileSync(f)), rel).toBe(true);
    }
  });

  it("writes specs that render without vega warnings, and PNGs with real content", async () => {
    for (const c of charts) {
      const spec = JSON.parse(readFileSync(join(dirA, "charts", `${c.name}.vl.json`), "utf8"));
      const r = await renderChart(spec);
      expect(r.warnings, c.name).toEqual([]);
      const png = readFileSync(join(dirA, "charts", `${c.name}.png`));
      expect(png.length, c.name).toBeGreaterThan(30_000);
      const { width, height } = pngSize(png);
      expect(width).toBeGreaterThan(800);
      expect(height).toBeGreaterThan(400);
      // a good share of the image is ink, not background
      const img = decodePng(png);
      let ink = 0;
      for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i] + img.rgba[i + 1] + img.rgba[i + 2] < 600) ink++;
      expect(ink / (width * height), c.name).toBeGreaterThan(0.01);
      const svg = readFileSync(join(dirA, "charts", `${c.name}.svg`), "utf8");
      expect(svg).toContain(`>${spec.title.text.replace(/&/g, "&amp;")}</text>`);
    }
  });
});
