// sweep line chart: for one swept parameter, p99 latency, failure rate and the latency of the requests hit
// by a failed job of every cell (mean with 95 % CI whiskers) against the parameter's values, in the order the user gave them, one line per series: an arm
// together with the values of its grid's other parameters. The x axis is numeric underneath (value i at i),
// so that the series can be dodged sideways and their whiskers stay apart; its labels are the value labels.
// A series takes its arm's colour, darker to lighter through the other parameters' values, and a shape of
// its own, so that colour, shape and legend all tell the series apart.
import type { SweepSummary } from "../../results/sweep-results.js";
import { parseDuration } from "../../scenario/units.js";
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
import {
  cellsText,
  figure,
  mix,
  orderedCells,
  percentText,
  secondsText,
  shortNames,
  sweepArms,
  sweptPaths,
} from "./sweep-common.js";

const PANEL_WIDTH = 270;
const PANEL_HEIGHT = 260;
const SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross"] as const;

export const LINE_PANELS = [
  { metric: "p99", axis: "p99 latency of completed requests (s)", missing: "a p99 latency" },
  { metric: "fail", axis: "failure rate: faulted, expired or abandoned (%)", missing: "a failure rate" },
  {
    metric: "hit",
    axis: "latency of requests hit by a failed job (s)",
    missing: "a latency of requests hit by a failed job",
  },
] as const;

export interface Series {
  key: string;
  label: string;
  policy: string;
  color: string;
  shape: string;
}

/** The colour of the k-th of n series of one arm: from darker to lighter than the arm's own colour. */
export function seriesShade(base: string, k: number, n: number): string {
  if (n <= 1) return base;
  const f = k / (n - 1);
  return f < 0.5 ? mix(base, "#000000", 0.42 * (1 - 2 * f)) : mix(base, "#ffffff", 0.38 * (2 * f - 1));
}

/**
 * The x axis's values: the parameter's values in the user's order. A parameter in several grids gets the
 * union of their values, sorted by size when all of them read as durations or numbers, else in order of
 * first appearance.
 */
export function axisValues(summary: SweepSummary, path: string): string[] {
  const lists = summary.grids.flatMap((g) => g.params.filter((p) => p.path === path).map((p) => p.values));
  const out: string[] = [];
  for (const list of lists) for (const v of list) if (!out.includes(v)) out.push(v);
  if (lists.length < 2) return out;
  const size = new Map(out.map((v) => [v, parseDuration(v)]));
  if (![...size.values()].every(Number.isFinite)) return out;
  return out
    .map((v, i) => ({ v, i }))
    .sort((a, b) => (size.get(a.v) as number) - (size.get(b.v) as number) || a.i - b.i)
    .map((x) => x.v);
}

/**
 * An axis title too long for `max` px in two lines of about equal width, broken between words (the split
 * whose longer line is shortest); a title that fits, or has one word, as one line.
 */
export function wrapWords(text: string, max: number, width: (s: string) => number): string[] {
  const words = text.split(" ");
  if (width(text) <= max || words.length < 2) return [text];
  let best: string[] = [text];
  let bestWidth = Number.POSITIVE_INFINITY;
  for (let k = 1; k < words.length; k++) {
    const lines = [words.slice(0, k).join(" "), words.slice(k).join(" ")];
    const w = Math.max(...lines.map(width));
    if (w < bestWidth) {
      best = lines;
      bestWidth = w;
    }
  }
  return best;
}

export function sweepLineSpec(summary: SweepSummary, path: string): Spec {
  const title = `Sweep of ${path}`;
  const gridIds = summary.grids.map((g, i) => (g.params.some((p) => p.path === path) ? i : -1)).filter((i) => i >= 0);
  const xLabels = axisValues(summary, path);
  const short = shortNames(sweptPaths(summary));
  const arms = sweepArms(summary);
  const armColor = new Map(arms.map((a, i) => [a, policyColors(arms)[i]]));
  const cells = orderedCells(summary).filter((c) => gridIds.includes(c.grid) && c.values[path] !== undefined);
  // an arm in more than one of these grids: its series name their grid
  const armGrids = new Map<string, Set<number>>();
  for (const c of cells) armGrids.set(c.policy, (armGrids.get(c.policy) ?? new Set()).add(c.grid));

  const series: Series[] = [];
  const seriesOf = new Map<number, Series>();
  for (const c of cells) {
    const others = summary.grids[c.grid].params.filter((p) => p.path !== path);
    const key = [c.grid, c.policy, ...others.map((p) => c.values[p.path])].join("\u0000");
    let s = series.find((x) => x.key === key);
    if (!s) {
      const arm = (armGrids.get(c.policy)?.size ?? 0) > 1 ? `${c.policy} (grid ${c.grid + 1})` : c.policy;
      s = {
        key,
        label: [arm, ...others.map((p) => `${short.get(p.path)}=${c.values[p.path]}`)].join(" · "),
        policy: c.policy,
        color: "",
        shape: "",
      };
      series.push(s);
    }
    seriesOf.set(c.cell, s);
  }
  for (const arm of arms) {
    const mine = series.filter((s) => s.policy === arm);
    mine.forEach((s, k) => {
      s.color = seriesShade(armColor.get(arm) ?? "#4e79a7", k, mine.length);
      s.shape = SHAPES[k % SHAPES.length];
    });
  }

  // dodge: the series spread over at most half a category, in legend order from left to right
  const step = Math.min(0.09, 0.5 / Math.max(1, series.length));
  const rows: Row[] = [];
  const missing = { p99: 0, fail: 0, hit: 0 };
  let cut = 0;
  for (const c of cells) {
    const s = seriesOf.get(c.cell) as Series;
    const xi = xLabels.indexOf(c.values[path]);
    const offset = (series.indexOf(s) - (series.length - 1) / 2) * step;
    for (const panel of LINE_PANELS) {
      const f = figure(c, panel.metric);
      if (f.mean === null) {
        missing[panel.metric]++;
        continue;
      }
      // a rate is never below 0: its t interval's lower end is cut there
      const below = panel.metric === "fail" && f.lo !== null && f.lo < 0;
      if (below) cut++;
      rows.push({
        series: s.label,
        metric: panel.metric,
        x: sig(xi + offset, 6),
        value: c.values[path],
        mean: sig(f.mean),
        lo: below ? 0 : sig(f.lo),
        hi: sig(f.hi),
        text: panel.metric === "fail" ? percentText(f.mean) : `${secondsText(f.mean)} s`,
        cell: c.label,
      });
    }
  }
  const subtitle = [
    `Mean over ${replicationsText(summary.replications)}; ${whiskersText(summary.replications)}; lower is better in every panel`,
    "points of a value are spread sideways so that their whiskers stay apart; latency axes not from 0",
  ];
  const leftOut = LINE_PANELS.filter((p) => missing[p.metric] > 0).map(
    (p) => `${cellsText(missing[p.metric])} without ${p.missing}`,
  );
  if (leftOut.length > 0) subtitle.push(`left out for lack of data: ${leftOut.join(", ")}`);
  if (cut > 0) subtitle.push(`failure-rate whiskers below 0 % cut at 0: ${cellsText(cut)}`);
  if (rows.length === 0) return messageChart(title, subtitle, "no cell of this parameter has data");

  const used = series.filter((s) => rows.some((r) => r.series === s.label));
  const legendTitle = "arm · other parameters";
  const color = {
    field: "series",
    type: "nominal" as const,
    scale: { domain: used.map((s) => s.label), range: used.map((s) => s.color) },
    legend: { title: legendTitle, orient: "right" as const, symbolStrokeWidth: 2, symbolOpacity: 1 },
  };
  const shape = {
    field: "series",
    type: "nominal" as const,
    scale: { domain: used.map((s) => s.label), range: used.map((s) => s.shape) },
    legend: { title: legendTitle, orient: "right" as const, symbolOpacity: 1 },
  };
  const x = {
    field: "x",
    type: "quantitative" as const,
    title: path,
    scale: { domain: [-0.5, xLabels.length - 0.5], nice: false, zero: false },
    axis: {
      values: xLabels.map((_, i) => i),
      labelExpr: `${JSON.stringify(xLabels)}[round(datum.value)]`,
      grid: false,
      titleLimit: PANEL_WIDTH,
    },
  };
  const panel = (p: (typeof LINE_PANELS)[number]) => {
    const title = wrapWords(p.axis, PANEL_HEIGHT, (t) => textWidth(t, 12, true));
    const y = (field: string) => ({
      field,
      type: "quantitative" as const,
      title: title.length === 1 ? title[0] : title,
      scale: { zero: p.metric === "fail" },
    });
    const has = rows.some((r) => r.metric === p.metric);
    const hasCi = rows.some((r) => r.metric === p.metric && r.lo !== null && r.hi !== null);
    return {
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      transform: [{ filter: { field: "metric", equal: p.metric } }],
      layer: has
        ? [
            ...(hasCi
              ? [
                  {
                    transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
                    mark: { type: "errorbar" as const, ticks: { size: 6 }, thickness: 1.3 },
                    encoding: {
                      x,
                      y: y("lo"),
                      y2: { field: "hi" },
                      color,
                      tooltip: [
                        { field: "cell", type: "nominal" as const },
                        { field: "lo", type: "quantitative" as const, title: "95 % CI low" },
                        { field: "hi", type: "quantitative" as const, title: "95 % CI high" },
                      ],
                    },
                  },
                ]
              : []),
            {
              mark: { type: "line" as const, strokeWidth: 1.8, opacity: 0.9 },
              encoding: { x, y: y("mean"), color, order: { field: "x", type: "quantitative" as const } },
            },
            {
              mark: { type: "point" as const, filled: true, size: 60, opacity: 1 },
              encoding: {
                x,
                y: y("mean"),
                color,
                shape,
                tooltip: [
                  { field: "cell", type: "nominal" as const },
                  { field: "text", type: "nominal" as const, title: p.axis },
                ],
              },
            },
          ]
        : [
            {
              data: { values: [{ message: "no data" }] },
              mark: { type: "text" as const, fontSize: 13, color: "#555" },
              encoding: {
                text: { field: "message", type: "nominal" as const },
                x: { value: PANEL_WIDTH / 2 },
                y: { value: PANEL_HEIGHT / 2 },
              },
            },
          ],
    };
  };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    hconcat: LINE_PANELS.map(panel),
    spacing: 36,
    resolve: { scale: { color: "shared", shape: "shared", x: "shared" } },
  } as Spec;
}
