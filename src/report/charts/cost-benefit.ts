// cost-benefit: wasted GPU-seconds (cost) against p99 latency (benefit) per policy, one labelled point each,
// with 95 % CI error bars on both axes. Labels are placed here, not by vega, so that they do not overlap
// each other or the points: both scales have fixed domains, so data and pixels convert exactly.
import type { ReportData } from "../read-results.js";
import {
  approxTextWidth,
  CONFIG,
  finite,
  messageChart,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  sig,
  whiskersText,
} from "./common.js";

const WIDTH = 560;
const HEIGHT = 340;
const LABEL_SIZE = 12;

interface Point {
  policy: string;
  label: string;
  x: number;
  y: number;
  xlo: number | null;
  xhi: number | null;
  ylo: number | null;
  yhi: number | null;
}

type Align = "left" | "right" | "center";
interface Placement {
  x: number;
  y: number;
  align: Align;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * Greedy label placement in pixel space: for each point (top to bottom) the first of eight positions around
 * it whose box stays in the plot and clears the points and the labels placed so far; else the least bad one.
 */
export function placeLabels(
  points: { px: number; py: number; text: string; whiskers?: Box[] }[],
  width: number,
  height: number,
  fontSize = LABEL_SIZE,
): Placement[] {
  const r = 7;
  const lineHeight = fontSize + 2;
  const pointBoxes: Box[] = points.map((p) => ({ x0: p.px - r, y0: p.py - r, x1: p.px + r, y1: p.py + r }));
  const whiskers: Box[] = points.flatMap((p) => p.whiskers ?? []);
  const placed: Box[] = [];
  const result: Placement[] = new Array(points.length);
  const order = points.map((_, i) => i).sort((a, b) => points[a].py - points[b].py || points[a].px - points[b].px);
  for (const i of order) {
    const p = points[i];
    const lines = p.text.split("\n");
    const w = Math.max(...lines.map((l) => approxTextWidth(l, fontSize)));
    const h = lines.length * lineHeight;
    const candidates: { box: Box; at: Placement }[] = [];
    // the text is anchored at its top (baseline "top"), at the box's left, right or centre
    const add = (x0: number, y0: number, align: Align, ax: number) =>
      candidates.push({ box: { x0, y0, x1: x0 + w, y1: y0 + h }, at: { x: ax, y: y0, align } });
    add(p.px + r + 2, p.py - h / 2, "left", p.px + r + 2); // right
    add(p.px - r - 2 - w, p.py - h / 2, "right", p.px - r - 2); // left
    add(p.px - w / 2, p.py - r - 2 - h, "center", p.px); // above
    add(p.px - w / 2, p.py + r + 2, "center", p.px); // below
    add(p.px + r, p.py - r - h, "left", p.px + r); // upper right
    add(p.px + r, p.py + r, "left", p.px + r); // lower right
    add(p.px - r - w, p.py - r - h, "right", p.px - r); // upper left
    add(p.px - r - w, p.py + r, "right", p.px - r); // lower left
    let best = candidates[0];
    let bestCost = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
      let cost = 0;
      if (c.box.x0 < 0 || c.box.x1 > width || c.box.y0 < 0 || c.box.y1 > height) cost += 100;
      for (const b of placed) if (overlaps(c.box, b)) cost += 10;
      pointBoxes.forEach((b, j) => {
        if (j !== i && overlaps(c.box, b)) cost += 5;
      });
      for (const b of whiskers) if (overlaps(c.box, b)) cost += 3;
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
      if (cost === 0) break;
    }
    placed.push(best.box);
    result[i] = best.at;
  }
  return result;
}

function domain(values: number[]): [number, number] {
  const hi = Math.max(0, ...values);
  const lo = Math.min(0, ...values);
  const pad = (hi - lo) * 0.12 || 1;
  return [lo < 0 ? lo - pad : 0, hi + pad];
}

export function costBenefitSpec(data: ReportData): Spec {
  const title = "Cost against benefit: wasted GPU time vs p99 latency";
  const reps = replicationsText(data.summary.replications);
  const subtitle = `Mean per replication over ${reps}; ${whiskersText(data.summary.replications)}; lower left is better`;
  const baseline = data.summary.policies[0]?.name;
  const points: Point[] = [];
  for (const p of data.summary.policies) {
    const x = p.wasted_gpu_s.mean;
    const y = p.latency_s.p99.mean;
    if (!finite(x) || !finite(y)) continue;
    points.push({
      policy: p.name,
      label: p.name === baseline ? `${p.name} (baseline)` : p.name,
      x,
      y,
      xlo: p.wasted_gpu_s.ci95?.[0] ?? null,
      xhi: p.wasted_gpu_s.ci95?.[1] ?? null,
      ylo: p.latency_s.p99.ci95?.[0] ?? null,
      yhi: p.latency_s.p99.ci95?.[1] ?? null,
    });
  }
  if (points.length === 0) return messageChart(title, subtitle, "no wasted GPU time or p99 latency in summary.json");
  const xd = domain(points.flatMap((p) => [p.x, p.xlo, p.xhi].filter(finite)));
  const yd = domain(points.flatMap((p) => [p.y, p.ylo, p.yhi].filter(finite)));
  const toPx = (v: number, d: [number, number], size: number) => ((v - d[0]) / (d[1] - d[0])) * size;
  // points drawn on top of each other share one label, a line per policy
  const labelled: Point[] = [];
  for (const p of points) {
    const near = labelled.find(
      (q) =>
        Math.abs(toPx(q.x, xd, WIDTH) - toPx(p.x, xd, WIDTH)) < 4 &&
        Math.abs(toPx(q.y, yd, HEIGHT) - toPx(p.y, yd, HEIGHT)) < 4,
    );
    if (near) near.label = `${near.label}\n${p.label}`;
    else labelled.push({ ...p });
  }
  const placements = placeLabels(
    labelled.map((p) => {
      const px = toPx(p.x, xd, WIDTH);
      const py = HEIGHT - toPx(p.y, yd, HEIGHT);
      const whiskers: Box[] = [];
      if (finite(p.xlo) && finite(p.xhi)) {
        whiskers.push({ x0: toPx(p.xlo, xd, WIDTH), x1: toPx(p.xhi, xd, WIDTH), y0: py - 1.5, y1: py + 1.5 });
      }
      if (finite(p.ylo) && finite(p.yhi)) {
        whiskers.push({
          x0: px - 1.5,
          x1: px + 1.5,
          y0: HEIGHT - toPx(p.yhi, yd, HEIGHT),
          y1: HEIGHT - toPx(p.ylo, yd, HEIGHT),
        });
      }
      return { px, py, text: p.label, whiskers };
    }),
    WIDTH,
    HEIGHT,
  );
  const rows: Row[] = points.map((p) => {
    const i = labelled.findIndex((q) => q.policy === p.policy);
    const at = placements[i] ?? null;
    return {
      policy: p.policy,
      label: i >= 0 ? labelled[i].label : null,
      wasted_gpu_s: sig(p.x),
      p99_s: sig(p.y),
      x_lo: sig(p.xlo),
      x_hi: sig(p.xhi),
      y_lo: sig(p.ylo),
      y_hi: sig(p.yhi),
      label_x: at ? sig(xd[0] + (at.x / WIDTH) * (xd[1] - xd[0]), 6) : null,
      label_y: at ? sig(yd[0] + ((HEIGHT - at.y) / HEIGHT) * (yd[1] - yd[0]), 6) : null,
      label_align: at ? at.align : null,
    };
  });
  const names = data.summary.policies.map((p) => p.name);
  const color = {
    field: "policy",
    type: "nominal" as const,
    scale: { domain: names, range: policyColors(names) },
    legend: null,
  };
  const xScale = { domain: xd, nice: false, zero: false };
  const yScale = { domain: yd, nice: false, zero: false };
  const xTitle = "wasted GPU time per replication (GPU-s)";
  const yTitle = "p99 latency of completed requests (s)";
  const labelLayer = (align: Align) => ({
    transform: [{ filter: { field: "label_align", equal: align } }],
    mark: {
      type: "text" as const,
      align,
      baseline: "top" as const,
      lineBreak: "\n",
      fontSize: LABEL_SIZE,
      color: "#222",
    },
    encoding: {
      x: { field: "label_x", type: "quantitative" as const, scale: xScale },
      y: { field: "label_y", type: "quantitative" as const, scale: yScale },
      text: { field: "label", type: "nominal" as const },
    },
  });
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "isValid(datum.x_lo) && isValid(datum.x_hi)" }],
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: {
          x: { field: "x_lo", type: "quantitative", scale: xScale, title: xTitle },
          x2: { field: "x_hi" },
          y: { field: "p99_s", type: "quantitative", scale: yScale, title: yTitle },
          color,
        },
      },
      {
        transform: [{ filter: "isValid(datum.y_lo) && isValid(datum.y_hi)" }],
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: {
          x: { field: "wasted_gpu_s", type: "quantitative", scale: xScale, title: xTitle },
          y: { field: "y_lo", type: "quantitative", scale: yScale, title: yTitle },
          y2: { field: "y_hi" },
          color,
        },
      },
      {
        mark: { type: "point", filled: true, size: 110, opacity: 1, stroke: "white", strokeWidth: 1 },
        encoding: {
          x: {
            field: "wasted_gpu_s",
            type: "quantitative",
            scale: xScale,
            title: xTitle,
            axis: { format: xd[1] >= 10 ? ",.0f" : ".2~f" },
          },
          y: { field: "p99_s", type: "quantitative", scale: yScale, title: yTitle },
          color,
          tooltip: [
            { field: "policy", type: "nominal" },
            { field: "wasted_gpu_s", type: "quantitative", title: "wasted GPU-s", format: ",.0f" },
            { field: "p99_s", type: "quantitative", title: "p99 latency (s)", format: ",.1f" },
          ],
        },
      },
      labelLayer("left"),
      labelLayer("right"),
      labelLayer("center"),
    ],
  };
}
