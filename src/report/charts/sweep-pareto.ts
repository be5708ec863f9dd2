// sweep Pareto charts: every cell of every grid as a point, coloured by arm, with 95 % CI whiskers on both
// axes, for two pairs of figures to minimise (PARETO_KINDS): mean wasted GPU-seconds (cost) against mean p99
// latency (sweep-pareto), and the failure rate against the mean latency of the requests hit by a failed job
// (sweep-pareto-failures). The cells no other cell beats on both (the Pareto front, minimising both) are
// drawn larger with a dark ring and joined by a step line. Every point is labelled with its values only
// ("60s · 10s"; cells of an arm with the same means share one label, "10s · 5m/15m/60m"); the subtitle says
// which parameter each value is. Both scales have fixed domains, so data and pixels convert exactly: labels
// are placed here, in pixels, with the font's own widths — next to their point when there is room, else at
// the nearest free spot with a leader line — so that no label overlaps another label or a point, and all
// stay inside the plot.

import { paretoFront } from "../../metrics/pareto.js";
import type { SweepSummary } from "../../results/sweep-results.js";
import {
  CONFIG,
  messageChart,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  sig,
  textWidth,
  whiskersText,
} from "./common.js";
import { type LabelBox, LEADER_AFTER, nearestOnBox, POINT_LABEL_HEIGHT, placePointLabels } from "./point-labels.js";
import {
  cellsText,
  figure,
  gpuText,
  type Metric,
  niceTicks,
  orderedCells,
  percentText,
  secondsText,
  shortNames,
  sweepArms,
  sweptPaths,
  valuesText,
} from "./sweep-common.js";

export const PARETO_WIDTH = 620;
export const PARETO_MIN_HEIGHT = 420;
/** Plot height per cell beyond the minimum. */
const PARETO_CELL_HEIGHT = 16;
export const PARETO_LABEL_SIZE = 11;
/** The height of a label's box at PARETO_LABEL_SIZE. */
export const PARETO_LABEL_HEIGHT = POINT_LABEL_HEIGHT;
const FRONT_RADIUS = 7;
const POINT_RADIUS = 5;

/** A domain fitted to the values with a margin of 8 % each side (not below 0 when no value is). */
function domain(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // all values equal: a span of ±10 % of the value, at least ±1, around it
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.max(1, Math.abs(hi) * 0.1);
  const from = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  return [sig(from, 6) as number, sig(hi + pad, 6) as number];
}

interface Point {
  cell: number;
  grid: number;
  policy: string;
  label: string;
  full: string;
  x: number;
  y: number;
  xlo: number | null;
  xhi: number | null;
  ylo: number | null;
  yhi: number | null;
}

/**
 * The points that lie on one another (same grid and arm, same means to the five digits the chart keeps): a
 * group id per point, each group's first point (the one labelled) and its label. A group's label gives each
 * parameter's values joined by "/" when the group is their cross product ("10s · 5m/15m/60m"), else lists
 * its points' labels ("10s · 5m, 30s · 60m").
 */
export function labelGroups(
  summary: SweepSummary,
  points: readonly { cell: number; grid: number; policy: string; label: string; x: number; y: number }[],
): { of: number[]; reps: number[]; label: string[] } {
  const key = new Map<string, number>();
  const of: number[] = [];
  const members: number[][] = [];
  points.forEach((p, i) => {
    const k = [p.grid, p.policy, sig(p.x), sig(p.y)].join("\u0000");
    let g = key.get(k);
    if (g === undefined) {
      g = members.length;
      key.set(k, g);
      members.push([]);
    }
    members[g].push(i);
    of.push(g);
  });
  const cellById = new Map(summary.cells.map((c) => [c.cell, c]));
  const label = members.map((m) => {
    if (m.length === 1) return points[m[0]].label;
    const params = summary.grids[points[m[0]].grid]?.params ?? [];
    const values = params.map((p) =>
      p.values.filter((v) => m.some((i) => cellById.get(points[i].cell)?.values[p.path] === v)),
    );
    const product = values.reduce((n, v) => n * v.length, 1);
    return params.length > 0 && product === m.length
      ? values.map((v) => v.join("/")).join(" · ")
      : m.map((i) => points[i].label).join(", ");
  });
  return { of, reps: members.map((m) => m[0]), label };
}

export type ParetoKind = "waste" | "failures";

/** What a Pareto chart plots: the figure on each axis, its data field, titles and text. */
export interface ParetoAxes {
  /** Chart title. */
  title: string;
  x: Metric;
  y: Metric;
  /** The data fields of the points' means. */
  xField: string;
  yField: string;
  xTitle: string;
  yTitle: string;
  /** Tooltip titles. */
  xTip: string;
  yTip: string;
  xText: (v: number) => string;
  yText: (v: number) => string;
  /** The x axis's ticks and number format for its domain. */
  xAxis: (domain: [number, number]) => { format: string; values?: number[] };
  /** The figure on x cannot be negative: its whiskers are cut at 0 and its axis starts at 0 or above. */
  xNonNegative: boolean;
  /** What being on the front means, for the subtitle. */
  frontMeaning: string;
  /** The message when no cell has both figures. */
  nothing: string;
}

export const PARETO_KINDS: Record<ParetoKind, ParetoAxes> = {
  waste: {
    title: "Pareto front: wasted GPU time against p99 latency, every cell",
    x: "wasted",
    y: "p99",
    xField: "wasted_gpu_s",
    yField: "p99_s",
    xTitle: "wasted GPU time per replication (GPU-s)",
    yTitle: "p99 latency of completed requests (s)",
    xTip: "wasted GPU-s",
    yTip: "p99 latency",
    xText: gpuText,
    yText: (v) => `${secondsText(v)} s`,
    xAxis: (d) => {
      const t = niceTicks(d[0], d[1], 6);
      return { values: t.values, format: `,.${t.decimals}f` };
    },
    xNonNegative: false,
    frontMeaning: "no other cell has both less waste and lower p99",
    nothing: "no cell has both wasted GPU time and a p99 latency",
  },
  failures: {
    title: "Pareto front: failure rate against the wait of requests hit by a failed job, every cell",
    x: "fail",
    y: "hit",
    xField: "failure_pct",
    yField: "hit_latency_s",
    xTitle: "failure rate: faulted, expired or abandoned requests (%)",
    yTitle: "latency of requests hit by a failed job (s)",
    xTip: "failure rate",
    yTip: "latency of hit requests",
    xText: percentText,
    yText: (v) => `${secondsText(v)} s`,
    // rates of a few in 100,000: round ticks with just the decimals they need, not vega's "0.0000"
    xAxis: (d) => {
      const t = niceTicks(d[0], d[1], 6);
      return { values: t.values, format: `,.${t.decimals}f` };
    },
    xNonNegative: true,
    frontMeaning: "no other cell has both fewer failures and a shorter wait for the requests hit by a failed job",
    nothing: "no cell has both a failure rate and a latency of requests hit by a failed job",
  },
};

export function sweepParetoSpec(summary: SweepSummary, kind: ParetoKind = "waste"): Spec {
  const axes = PARETO_KINDS[kind];
  const title = axes.title;
  const short = shortNames(sweptPaths(summary));
  const cells = orderedCells(summary);
  const points: Point[] = [];
  let cut = 0;
  for (const c of cells) {
    const x = figure(c, axes.x);
    const y = figure(c, axes.y);
    if (x.mean === null || y.mean === null) continue;
    let xlo = x.lo;
    if (axes.xNonNegative && xlo !== null && xlo < 0) {
      xlo = 0;
      cut++;
    }
    points.push({
      cell: c.cell,
      grid: c.grid,
      policy: c.policy,
      label: valuesText(summary, c),
      full: c.label,
      x: x.mean,
      y: y.mean,
      xlo,
      xhi: x.hi,
      ylo: y.lo,
      yhi: y.hi,
    });
  }
  const missing = cells.length - points.length;
  const head = `Mean over ${replicationsText(summary.replications)}; ${whiskersText(summary.replications)}; lower left is better`;
  const subtitle = [
    head,
    `ringed points joined by the step line: the Pareto front (${axes.frontMeaning})`,
    ...summary.grids.map(
      (g, i) =>
        `labels, grid ${i + 1} (${g.arms.join(", ")}): ${g.params.map((p) => short.get(p.path) ?? p.path).join(" · ")}`,
    ),
  ];
  if (cut > 0) subtitle.push(`whiskers below 0 % cut at 0: ${cellsText(cut)}`);
  if (missing > 0) subtitle.push(`left out for lack of data: ${cellsText(missing)}`);
  if (points.length === 0) return messageChart(title, subtitle, axes.nothing);
  const front = paretoFront(points);
  const onFront = new Set(front);
  const xd = domain(points.flatMap((p) => [p.x, p.xlo ?? p.x, p.xhi ?? p.x]));
  const yd = domain(points.flatMap((p) => [p.y, p.ylo ?? p.y, p.yhi ?? p.y]));
  const notFromZero = xd[0] !== 0 && yd[0] !== 0 ? "axes" : xd[0] !== 0 ? "x axis" : yd[0] !== 0 ? "y axis" : null;
  if (notFromZero !== null) subtitle[0] = `${head}; ${notFromZero} not from 0`;
  if (points.every((p) => p.x === points[0].x))
    subtitle.push(
      `every cell has the same ${axes.xTip}, ${axes.xText(points[0].x)}: the front is decided by the y axis alone`,
    );
  // cells of one arm with the same means lie on one another: one label for them all, on the first of them
  const groups = labelGroups(summary, points);
  const labelOf = (i: number) => groups.label[groups.of[i]];
  const isRep = (i: number) => groups.reps[groups.of[i]] === i;
  const widthOf = (i: number) => textWidth(labelOf(i), PARETO_LABEL_SIZE, onFront.has(i));
  // front points first, along the front; then the others in cell order
  const order = [...front, ...points.map((_, i) => i).filter((i) => !onFront.has(i))].filter(isRep);
  const layout = (height: number, which: number[]) => {
    const toPx = (x: number) => ((x - xd[0]) / (xd[1] - xd[0])) * PARETO_WIDTH;
    const toPy = (y: number) => height - ((y - yd[0]) / (yd[1] - yd[0])) * height;
    const reqs = points.map((p, i) => ({
      px: toPx(p.x),
      py: toPy(p.y),
      w: widthOf(i),
      r: onFront.has(i) ? FRONT_RADIUS : POINT_RADIUS,
      group: groups.of[i],
    }));
    const line = (x0: number, y0: number, x1: number, y1: number): LabelBox => ({
      x0: Math.min(x0, x1) - 1,
      y0: Math.min(y0, y1) - 1,
      x1: Math.max(x0, x1) + 1,
      y1: Math.max(y0, y1) + 1,
    });
    // the step line: across at a front point's height to the next one's x, then down to it
    const hard = front.slice(1).flatMap((j, k) => {
      const a = reqs[front[k]];
      const b = reqs[j];
      return [line(a.px, a.py, b.px, a.py), line(b.px, a.py, b.px, b.py)];
    });
    const soft = points.flatMap((p, i) => [
      ...(p.xlo !== null && p.xhi !== null ? [line(toPx(p.xlo), reqs[i].py, toPx(p.xhi), reqs[i].py)] : []),
      ...(p.ylo !== null && p.yhi !== null ? [line(reqs[i].px, toPy(p.ylo), reqs[i].px, toPy(p.yhi))] : []),
    ]);
    return { reqs, boxes: placePointLabels(reqs, PARETO_WIDTH, height, which, { hard, soft }) };
  };
  // a taller plot for many cells, so that their labels find room near them
  const startHeight = Math.max(PARETO_MIN_HEIGHT, Math.min(PARETO_CELL_HEIGHT * points.length, 900));
  let height = startHeight;
  let labelled = order;
  let placed = layout(height, labelled);
  // too crowded: a taller plot spreads the points; failing that, only the front is labelled
  for (let k = 0; k < 8 && placed.boxes.some((b, i) => b === null && labelled.includes(i)); k++) {
    height = Math.round(height * 1.2);
    placed = layout(height, labelled);
  }
  if (placed.boxes.some((b, i) => b === null && labelled.includes(i))) {
    labelled = front.filter(isRep);
    height = startHeight;
    placed = layout(height, labelled);
    subtitle.push("too many cells to label them all: only the front is labelled");
  }
  const xData = (px: number) => sig(xd[0] + (px / PARETO_WIDTH) * (xd[1] - xd[0]), 8) as number;
  const yData = (py: number) => sig(yd[0] + ((height - py) / height) * (yd[1] - yd[0]), 8) as number;
  const frontRank = new Map(front.map((i, k) => [i, k]));
  const rows: Row[] = points.map((p, i) => {
    const b = placed.boxes[i];
    const q = placed.reqs[i];
    let leader: [number, number] | null = null;
    if (b) {
      const [nx, ny] = nearestOnBox(b, q.px, q.py);
      if (Math.hypot(nx - q.px, ny - q.py) > q.r + LEADER_AFTER) leader = [nx, ny];
    }
    return {
      arm: p.policy,
      label: b ? labelOf(i) : null,
      front: onFront.has(i),
      front_rank: frontRank.get(i) ?? null,
      [axes.xField]: sig(p.x),
      [axes.yField]: sig(p.y),
      x_lo: sig(p.xlo),
      x_hi: sig(p.xhi),
      y_lo: sig(p.ylo),
      y_hi: sig(p.yhi),
      label_x: b ? xData(b.x0) : null,
      label_y: b ? yData((b.y0 + b.y1) / 2) : null,
      leader_x: leader ? xData(leader[0]) : null,
      leader_y: leader ? yData(leader[1]) : null,
      x_text: axes.xText(p.x),
      y_text: axes.yText(p.y),
      cell: p.full,
    };
  });

  const arms = sweepArms(summary).filter((a) => points.some((p) => p.policy === a));
  const allArms = sweepArms(summary);
  const colors = policyColors(allArms);
  const color = {
    field: "arm",
    type: "nominal" as const,
    scale: { domain: arms, range: arms.map((a) => colors[allArms.indexOf(a)]) },
    legend: { title: "arm", orient: "right" as const, symbolStrokeWidth: 0, symbolOpacity: 1, symbolType: "circle" },
  };
  const xScale = { domain: xd, nice: false, zero: false };
  const yScale = { domain: yd, nice: false, zero: false };
  const { xTitle, yTitle, xField, yField } = axes;
  const X = (field: string) => ({ field, type: "quantitative" as const, scale: xScale, title: xTitle });
  const Y = (field: string) => ({ field, type: "quantitative" as const, scale: yScale, title: yTitle });
  const xAxis = { ...X(xField), axis: axes.xAxis(xd) };
  const tooltip = [
    { field: "cell", type: "nominal" as const },
    { field: "x_text", type: "nominal" as const, title: axes.xTip },
    { field: "y_text", type: "nominal" as const, title: axes.yTip },
  ];
  const labelLayers = (isFront: boolean) => {
    const filter = `isValid(datum.label_x) && ${isFront ? "datum.front" : "!datum.front"}`;
    const base = {
      type: "text" as const,
      align: "left" as const,
      baseline: "middle" as const,
      fontSize: PARETO_LABEL_SIZE,
      fontWeight: isFront ? ("bold" as const) : ("normal" as const),
    };
    const encoding = { x: X("label_x"), y: Y("label_y"), text: { field: "label", type: "nominal" as const } };
    return [
      // a white halo first, so that whiskers and leader lines never cross the letters
      {
        transform: [{ filter }],
        mark: { ...base, color: "white", stroke: "white", strokeWidth: 3, strokeJoin: "round" as const },
        encoding,
      },
      { transform: [{ filter }], mark: { ...base, color: isFront ? "#111" : "#444" }, encoding },
    ];
  };
  const hasXci = rows.some((r) => r.x_lo !== null && r.x_hi !== null);
  const hasYci = rows.some((r) => r.y_lo !== null && r.y_hi !== null);
  const hasLeaders = rows.some((r) => r.leader_x !== null);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    width: PARETO_WIDTH,
    height,
    data: { values: rows },
    layer: [
      ...(hasXci
        ? [
            {
              transform: [{ filter: "isValid(datum.x_lo) && isValid(datum.x_hi)" }],
              mark: { type: "rule" as const, strokeWidth: 1.2, opacity: 0.55 },
              encoding: { x: X("x_lo"), x2: { field: "x_hi" }, y: Y(yField), color },
            },
          ]
        : []),
      ...(hasYci
        ? [
            {
              transform: [{ filter: "isValid(datum.y_lo) && isValid(datum.y_hi)" }],
              mark: { type: "rule" as const, strokeWidth: 1.2, opacity: 0.55 },
              encoding: { x: X(xField), y: Y("y_lo"), y2: { field: "y_hi" }, color },
            },
          ]
        : []),
      {
        transform: [{ filter: "datum.front" }],
        mark: {
          type: "line" as const,
          interpolate: "step-after" as const,
          color: "#333",
          strokeWidth: 1.6,
          strokeDash: [6, 3],
        },
        encoding: { x: xAxis, y: Y(yField), order: { field: "front_rank", type: "quantitative" as const } },
      },
      ...(hasLeaders
        ? [
            {
              transform: [{ filter: "isValid(datum.leader_x)" }],
              mark: { type: "rule" as const, strokeWidth: 0.9, opacity: 0.8 },
              encoding: {
                x: X(xField),
                y: Y(yField),
                x2: { field: "leader_x" },
                y2: { field: "leader_y" },
                color,
              },
            },
          ]
        : []),
      {
        transform: [{ filter: "!datum.front" }],
        mark: { type: "point" as const, filled: true, size: 55, opacity: 0.9 },
        encoding: { x: xAxis, y: Y(yField), color, tooltip },
      },
      {
        transform: [{ filter: "datum.front" }],
        mark: { type: "point" as const, filled: true, size: 120, opacity: 1, stroke: "#111", strokeWidth: 1.8 },
        encoding: {
          x: xAxis,
          y: Y(yField),
          color,
          tooltip,
        },
      },
      ...labelLayers(false),
      ...labelLayers(true),
    ],
  } as Spec;
}
