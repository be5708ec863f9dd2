// cost-benefit: wasted GPU-seconds (cost) against p99 latency (benefit) per policy, one point each with 95 % CI
// error bars on both axes, the p99 axis fitted to the points (not from 0) so that close arms stay apart.
// Points of several arms often lie on top of each other, so they carry no label of their own: a list to the
// right of the plot names every arm, in the order of its point from top to bottom (highest p99 first), each
// entry as near its point's height as the others allow and never closer than a line to the next, with a
// leader line in the arm's colour from the point to its entry. Both scales have fixed domains, so data and
// pixels convert exactly, and the list's layout is computed here, in pixels, with the font's own widths.
import type { ReportData } from "../../results/read-results.js";
import {
  CONFIG,
  finite,
  gpuText,
  messageChart,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  secondsText,
  sig,
  textWidth,
  whiskersText,
} from "./common.js";

const WIDTH = 560;
const MIN_HEIGHT = 340;
const LABEL_SIZE = 12;
const HEADER_SIZE = 11;
/** Distance between the centres of two entries of the list: more than a line of 12 px text (≈ 14 px). */
export const ROW_STEP = 17;
/** The height of an entry's box: the font's ascent plus descent at LABEL_SIZE. */
export const LABEL_HEIGHT = 14;

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

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * One-dimensional placement of a column of labels: each label wants to sit at its point's height `ideal[i]`
 * (px from the top); labels keep the points' order (top to bottom, ties by index) and are at least `step`
 * apart. Runs of labels that would collide are moved as a block to the least-squares position of their
 * ideals, kept within [step/2, height − step/2] when they fit. Returns the centres, indexed like `ideal`.
 */
export function placeSideLabels(ideal: readonly number[], height: number, step = ROW_STEP): number[] {
  const order = ideal.map((_, i) => i).sort((a, b) => ideal[a] - ideal[b] || a - b);
  interface Block {
    items: number[];
    top: number;
  }
  const blockTop = (items: number[]): number => {
    // the block's first centre: the mean of (ideal − k·step), clamped to the column
    const mean = items.reduce((s, i, k) => s + ideal[i] - k * step, 0) / items.length;
    const lo = step / 2;
    const hi = height - step / 2 - (items.length - 1) * step;
    return Math.max(lo, Math.min(hi, mean));
  };
  const blocks: Block[] = [];
  for (const i of order) {
    blocks.push({ items: [i], top: blockTop([i]) });
    // merge with the block above while they collide
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.top + a.items.length * step <= b.top) break;
      blocks.pop();
      a.items.push(...b.items);
      a.top = blockTop(a.items);
    }
  }
  const centre: number[] = new Array(ideal.length);
  let previous = Number.NEGATIVE_INFINITY;
  for (const b of blocks) {
    b.items.forEach((i, k) => {
      // the guarantee, whatever the clamping did: never closer than a step to the label above
      const c = Math.max(b.top + k * step, previous + step);
      centre[i] = c;
      previous = c;
    });
  }
  return centre;
}

/** The list beside the plot: column positions (px from the plot's left edge) and every entry's centre. */
export interface SideList {
  /** The leader lines end at the dot, drawn in the arm's colour before its name. */
  dotX: number;
  nameX: number;
  /** Right edges of the two number columns. */
  p99Right: number;
  wastedRight: number;
  /** Centre of the header line, a row above the topmost entry. */
  headerY: number;
  headers: { text: string; x: number; align: "left" | "right" }[];
  /** Per entry, like the input: its centre y, and the boxes of its name and numbers. */
  entries: { y: number; boxes: Box[] }[];
  /** The plot height the list needs (at least the usual height). */
  height: number;
}

export const HEADERS = { name: "policy", p99: "p99 (s)", wasted: "wasted GPU-s" } as const;

/** Lays out the list for points at pixel heights `py`, labelled `label`, with their number texts. */
export function sideList(
  entries: { py: number; label: string; p99: string; wasted: string }[],
  plotWidth: number,
  plotHeight: number,
): SideList {
  const height = Math.max(plotHeight, entries.length * ROW_STEP);
  const scale = height / plotHeight;
  const ys = placeSideLabels(
    entries.map((e) => e.py * scale),
    height,
  );
  const dotX = plotWidth + 18;
  const nameX = dotX + 9;
  const colGap = 16;
  const nameWidth = Math.max(
    textWidth(HEADERS.name, HEADER_SIZE, true),
    ...entries.map((e) => textWidth(e.label, LABEL_SIZE)),
  );
  const p99Width = Math.max(
    textWidth(HEADERS.p99, HEADER_SIZE, true),
    ...entries.map((e) => textWidth(e.p99, LABEL_SIZE)),
  );
  const wastedWidth = Math.max(
    textWidth(HEADERS.wasted, HEADER_SIZE, true),
    ...entries.map((e) => textWidth(e.wasted, LABEL_SIZE)),
  );
  const p99Right = nameX + nameWidth + colGap + p99Width;
  const wastedRight = p99Right + colGap + wastedWidth;
  const half = LABEL_HEIGHT / 2;
  return {
    dotX,
    nameX,
    p99Right,
    wastedRight,
    // a row above the topmost entry (above the plot when that entry is at the top)
    headerY: Math.min(...ys) - ROW_STEP - 2,
    headers: [
      { text: HEADERS.name, x: nameX, align: "left" },
      { text: HEADERS.p99, x: p99Right, align: "right" },
      { text: HEADERS.wasted, x: wastedRight, align: "right" },
    ],
    entries: entries.map((e, i) => {
      const y = ys[i];
      const box = (x0: number, w: number): Box => ({ x0, x1: x0 + w, y0: y - half, y1: y + half });
      return {
        y,
        boxes: [
          box(dotX - 5, 10),
          box(nameX, textWidth(e.label, LABEL_SIZE)),
          box(p99Right - textWidth(e.p99, LABEL_SIZE), textWidth(e.p99, LABEL_SIZE)),
          box(wastedRight - textWidth(e.wasted, LABEL_SIZE), textWidth(e.wasted, LABEL_SIZE)),
        ],
      };
    }),
    height,
  };
}

/** The lower end of an interval of a figure that cannot be negative. */
function cutAtZero(lo: number | null): number | null {
  return lo === null ? null : Math.max(0, lo);
}

/** A domain fitted to the values with a margin; from 0 when `zero` allows and 0 is near the values. */
function domain(values: number[], zero: boolean): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (zero && lo >= 0 && lo <= hi / 2) lo = 0;
  if (zero && hi <= 0 && hi >= lo / 2) hi = 0;
  const span = hi - lo || Math.max(1, Math.abs(hi) * 0.1);
  const pad = span * 0.08;
  // a value at 0 keeps a little room, so that its point is not drawn over the axis
  return [lo === 0 && zero ? -pad / 2 : lo - pad, hi === 0 && zero ? pad / 2 : hi + pad];
}

export function costBenefitSpec(data: ReportData): Spec {
  const title = "Cost against benefit: wasted GPU time vs p99 latency";
  const reps = replicationsText(data.summary.replications);
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
      xlo: cutAtZero(p.wasted_gpu_s.ci95?.[0] ?? null),
      xhi: p.wasted_gpu_s.ci95?.[1] ?? null,
      ylo: cutAtZero(p.latency_s.p99.ci95?.[0] ?? null),
      yhi: p.latency_s.p99.ci95?.[1] ?? null,
    });
  }
  const subtitle = [
    `Mean per replication over ${reps}; ${whiskersText(data.summary.replications)}; lower left is better`,
    "p99 axis not from 0; the list names every point (joined by a line), highest p99 first, with its means",
  ];
  const cut = data.summary.policies.filter(
    (p) => (p.wasted_gpu_s.ci95?.[0] ?? 0) < 0 || (p.latency_s.p99.ci95?.[0] ?? 0) < 0,
  ).length;
  if (cut > 0)
    subtitle.push(
      `whiskers that a t interval takes below 0 are cut at 0 (neither figure can be negative): ${cut} arm${cut === 1 ? "" : "s"}`,
    );
  if (points.length === 0) return messageChart(title, subtitle, "no wasted GPU time or p99 latency in summary.json");
  if (costTied(points)) return tiedCostSpec(data, points);
  const xd = domain(
    points.flatMap((p) => [p.x, p.xlo, p.xhi].filter(finite)),
    true,
  );
  const yd = domain(
    points.flatMap((p) => [p.y, p.ylo, p.yhi].filter(finite)),
    false,
  );
  const list = sideList(
    points.map((p) => ({
      py: MIN_HEIGHT - ((p.y - yd[0]) / (yd[1] - yd[0])) * MIN_HEIGHT,
      label: p.label,
      p99: secondsText(p.y, 1000),
      wasted: gpuText(p.x),
    })),
    WIDTH,
    MIN_HEIGHT,
  );
  const height = list.height;
  // pixels (from the plot's top left) to data, through the fixed domains
  const xData = (px: number) => sig(xd[0] + (px / WIDTH) * (xd[1] - xd[0]), 7) as number;
  const yData = (py: number) => sig(yd[0] + ((height - py) / height) * (yd[1] - yd[0]), 7) as number;
  const rows: Row[] = points.map((p, i) => ({
    policy: p.policy,
    label: p.label,
    wasted_gpu_s: sig(p.x),
    p99_s: sig(p.y),
    x_lo: sig(p.xlo),
    x_hi: sig(p.xhi),
    y_lo: sig(p.ylo),
    y_hi: sig(p.yhi),
    p99_text: secondsText(p.y, 1000),
    wasted_text: gpuText(p.x),
    label_y: yData(list.entries[i].y),
  }));
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
  const at = (px: number) => ({ datum: xData(px), type: "quantitative" as const, scale: xScale });
  const labelY = { field: "label_y", type: "quantitative" as const, scale: yScale };
  const text = (field: string, px: number, align: "left" | "right", extra: object = {}) => ({
    mark: { type: "text" as const, align, baseline: "middle" as const, fontSize: LABEL_SIZE, color: "#222", ...extra },
    encoding: { x: at(px), y: labelY, text: { field, type: "nominal" as const } },
  });
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    width: WIDTH,
    height,
    data: { values: rows },
    layer: [
      // leader lines, under everything else: from the point to its entry's dot
      {
        mark: { type: "rule", strokeWidth: 1, opacity: 0.55 },
        encoding: {
          x: { field: "wasted_gpu_s", type: "quantitative", scale: xScale, title: xTitle },
          y: { field: "p99_s", type: "quantitative", scale: yScale, title: yTitle },
          x2: { datum: xData(list.dotX) },
          y2: { field: "label_y" },
          color,
        },
      },
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
            axis: { format: xd[1] >= 10 ? ",.0f" : ".2~f", tickCount: 6 },
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
      // the list: a dot in the arm's colour, its name, its p99 and its wasted GPU-s
      {
        mark: { type: "point", filled: true, size: 60, opacity: 1 },
        encoding: { x: at(list.dotX), y: labelY, color },
      },
      text("label", list.nameX, "left"),
      text("p99_text", list.p99Right, "right"),
      text("wasted_text", list.wastedRight, "right"),
      ...list.headers.map((h) => ({
        data: { values: [{ header: h.text, header_y: yData(list.headerY) }] },
        mark: {
          type: "text" as const,
          align: h.align,
          baseline: "middle" as const,
          fontSize: HEADER_SIZE,
          fontWeight: "bold" as const,
          color: "#444",
        },
        encoding: {
          x: at(h.x),
          y: { field: "header_y", type: "quantitative" as const, scale: yScale },
          text: { field: "header", type: "nominal" as const },
        },
      })),
    ],
  };
}

/** Every arm wasted exactly the same GPU time, with no interval around it: the cost axis would be one tick. */
function costTied(points: readonly Point[]): boolean {
  const x = points[0].x;
  return points.every((p) => p.x === x && (p.xlo === null || p.xlo === x) && (p.xhi === null || p.xhi === x));
}

/**
 * The chart when the cost does not separate the arms: the p99 latency alone, one row per arm (lowest p99 at
 * the top) with its interval, and the value in a column right of the plot, never over a point.
 */
function tiedCostSpec(data: ReportData, points: readonly Point[]): Spec {
  const wasted = gpuText(points[0].x);
  const title = `Cost against benefit: every arm wasted ${wasted} GPU-s, so only p99 latency tells them apart`;
  const subtitle = [
    `Mean per replication over ${replicationsText(data.summary.replications)}; ${whiskersText(data.summary.replications)}; lower is better`,
    `wasted GPU time is ${wasted} GPU-s in every arm, so the cost axis is left out; p99 axis not from 0`,
  ];
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a].y - points[b].y || a - b)
    .map((i) => points[i].label);
  const yd = domain(
    points.flatMap((p) => [p.y, p.ylo, p.yhi].filter(finite)),
    false,
  );
  const names = data.summary.policies.map((p) => p.name);
  const color = {
    field: "policy",
    type: "nominal" as const,
    scale: { domain: names, range: policyColors(names) },
    legend: null,
  };
  const rows: Row[] = points.map((p) => ({
    policy: p.policy,
    label: p.label,
    p99_s: sig(p.y),
    y_lo: sig(p.ylo),
    y_hi: sig(p.yhi),
    p99_text: `${secondsText(p.y, 1000)} s`,
  }));
  const row = { field: "label", type: "nominal" as const, sort: order, title: null, axis: { labelLimit: 320 } };
  const x = (field: string) => ({
    field,
    type: "quantitative" as const,
    scale: { domain: yd, nice: false, zero: false },
    title: "p99 latency of completed requests (s)",
  });
  const step = 26;
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    hconcat: [
      {
        width: WIDTH - 90,
        height: { step },
        layer: [
          {
            transform: [{ filter: "isValid(datum.y_lo) && isValid(datum.y_hi)" }],
            mark: { type: "rule", strokeWidth: 1.5 },
            encoding: { y: row, x: x("y_lo"), x2: { field: "y_hi" }, color },
          },
          {
            mark: { type: "point", filled: true, size: 110, opacity: 1, stroke: "white", strokeWidth: 1 },
            encoding: {
              y: row,
              x: x("p99_s"),
              color,
              tooltip: [
                { field: "policy", type: "nominal" },
                { field: "p99_s", type: "quantitative", title: "p99 latency (s)", format: ",.1f" },
                { field: "y_lo", type: "quantitative", title: "95 % interval from", format: ",.1f" },
                { field: "y_hi", type: "quantitative", title: "to", format: ",.1f" },
              ],
            },
          },
        ],
      },
      {
        width: 70,
        height: { step },
        view: { stroke: null },
        title: { text: "p99", fontSize: HEADER_SIZE, fontWeight: "bold", color: "#444", anchor: "end" },
        mark: { type: "text", align: "right", baseline: "middle", fontSize: LABEL_SIZE, color: "#222" },
        encoding: {
          y: { ...row, axis: null },
          x: { value: 70 },
          text: { field: "p99_text", type: "nominal" },
        },
      },
    ],
    spacing: 6,
    resolve: { scale: { y: "shared" } },
  } as Spec;
}
