// sweep heatmap: one grid's cells as a table of coloured squares, x = its first parameter, y = its second
// (first value at the bottom), the colour the cell's mean p99 latency, failure rate or latency of the
// requests hit by a failed job on a yellow-to-red ramp (lower is better, so pale is good) with the value
// written in each square and, under it in smaller text, the half-width of its 95 % interval. A grid with
// several arms gets a column of squares per arm; a grid with more than two parameters a row per combination
// of the others (nothing is averaged). The ramp is piecewise linear in sRGB through fixed stops, computed
// here the same way vega does, so that each value's text is drawn in whichever of near-black or white reads
// better on its square. The ramp always spans the cells' own range, however narrow: the subtitle gives that
// range, and says so when it is smaller than a typical interval (the colours then show noise), and the
// legend's labels get as many decimals as their spacing needs.
import type { CellSummary, SweepSummary } from "../../results/sweep-results.js";
import { CONFIG, messageChart, type Row, replicationsText, SCHEMA, type Spec, sig, textWidth } from "./common.js";
import {
  cellsText,
  DARK_TEXT,
  figure,
  fixedText,
  HEAT_RANGE,
  LIGHT_TEXT,
  niceTicks,
  orderedCells,
  percentText,
  rampColor,
  secondsText,
  shortNames,
  sweptPaths,
  textOn,
  wrapPath,
} from "./sweep-common.js";

const CELL_TEXT_SIZE = 13;
export const CI_TEXT_SIZE = 10;
const MIN_STEP_X = 90;
/** A square is not widened beyond this for its interval's text: a wider text is left out. */
const MAX_CI_STEP_X = 150;
/** The mean's and the interval's text: offsets from the square's middle when both are written. */
const MEAN_DY = -7;
const CI_DY = 9;
const STEP_Y = 44;
const AXIS_TITLE_SIZE = 12;
const NO_DATA_TEXT = "#777777";

export type HeatMetric = "p99" | "fail" | "hit";

export const HEAT_METRICS: Record<HeatMetric, { what: string; legend: string | string[]; unit: string }> = {
  p99: { what: "p99 latency", legend: "p99 latency (s)", unit: " s" },
  fail: { what: "failure rate", legend: "failure rate (%)", unit: "" },
  hit: {
    what: "latency of requests hit by a failed job",
    legend: ["latency of requests", "hit by a failed job (s)"],
    unit: " s",
  },
};

/**
 * The legend's labels: round values over [lo, hi], about one per 40 px of gradient but at least 3 (when
 * finer steps give them), written with the decimals their step needs, so that no two read the same.
 */
export function legendTicks(lo: number, hi: number, gradientLength: number): { values: number[]; format: string } {
  let count = Math.max(3, Math.min(5, Math.floor(gradientLength / 40)));
  let t = niceTicks(lo, hi, count);
  while (t.values.length < 3 && count < 12) t = niceTicks(lo, hi, ++count);
  return { values: t.values, format: `,.${t.decimals}f` };
}

/**
 * Whether the highest and the lowest cell are within each other's noise: the highest's interval reaches down
 * to the lowest's mean, or the lowest's up to the highest's.
 */
function extremesOverlap(cells: readonly CellSummary[], metric: HeatMetric): boolean {
  const figs = cells.map((c) => figure(c, metric)).filter((f) => f.mean !== null);
  if (figs.length < 2) return false;
  const top = figs.reduce((a, b) => ((b.mean as number) > (a.mean as number) ? b : a));
  const bottom = figs.reduce((a, b) => ((b.mean as number) < (a.mean as number) ? b : a));
  return (
    (top.lo !== null && top.lo <= (bottom.mean as number)) || (bottom.hi !== null && bottom.hi >= (top.mean as number))
  );
}

/** The median of some numbers (0 for none). */
function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The colour stops of a heatmap over [lo, hi]: as many as the ramp has colours, evenly spaced. */
export function heatStops(lo: number, hi: number): number[] {
  const n = HEAT_RANGE.length;
  return HEAT_RANGE.map((_, i) => sig(lo + ((hi - lo) * i) / (n - 1), 8) as number);
}

export function sweepHeatmapSpec(summary: SweepSummary, gridIndex: number, metric: HeatMetric): Spec {
  const grid = summary.grids[gridIndex];
  const m = HEAT_METRICS[metric];
  const title = `Grid ${gridIndex + 1} (${grid.arms.join(", ")}): ${m.what}, every cell`;
  const [px, py, ...rest] = grid.params;
  const short = shortNames(sweptPaths(summary));
  const cells = orderedCells(summary).filter((c) => c.grid === gridIndex);
  const byArm = grid.arms.length > 1;
  const restLabel = (values: Record<string, string>) =>
    rest.map((p) => `${short.get(p.path)}=${values[p.path]}`).join(" · ");

  const values = cells.map((c) => figure(c, metric).mean).filter((v): v is number => v !== null);
  const missing = cells.length - values.length;
  const subtitle = [
    `Mean over ${replicationsText(summary.replications)}; lower is better: pale squares are the better cells`,
  ];
  if (rest.length > 0) {
    subtitle.push(
      `one row of squares per value of ${rest.map((p) => short.get(p.path)).join(" × ")} (no averaging over them)`,
    );
  }
  if (missing > 0) subtitle.push(`left out for lack of data: ${cellsText(missing)} (marked “no data”)`);
  if (values.length === 0) return messageChart(title, subtitle, `no cell of grid ${gridIndex + 1} has a ${m.what}`);

  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const spread = hi - lo;
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    const pad = Math.max(Math.abs(hi) * 0.05, metric === "fail" ? 0.01 : 0.1);
    lo = Math.max(0, lo - pad);
    hi += pad;
  }
  const stops = heatStops(lo, hi);
  // seconds get the decimals that tell the cells apart when their range is narrow ("193.5", not "193")
  const decimals = niceTicks(lo, hi, 5).decimals;
  const fmt = (v: number) => (metric === "fail" ? percentText(v) : secondsText(v));
  const meanText = (v: number) =>
    metric === "fail" || decimals <= (Math.abs(v) >= 100 ? 0 : 1) ? fmt(v) : fixedText(v, decimals);
  const halfWidths: number[] = [];
  const rows: Row[] = cells.map((c) => {
    const f = figure(c, metric);
    const v = f.mean;
    const fill = v === null ? null : rampColor((v - stops[0]) / (stops[stops.length - 1] - stops[0]));
    const hw = v !== null && f.lo !== null && f.hi !== null ? (f.hi - f.lo) / 2 : null;
    if (hw !== null) halfWidths.push(hw);
    return {
      arm: c.policy,
      x: c.values[px.path] ?? null,
      y: c.values[py.path] ?? null,
      rest: restLabel(c.values),
      value: v === null ? null : sig(v),
      half_width: sig(hw),
      text: v === null ? "no data" : meanText(v),
      ci_text: hw === null ? null : `±${fmt(hw)}`,
      text_color: fill === null ? NO_DATA_TEXT : textOn(fill),
      cell: c.label,
    };
  });
  const typical = median(halfWidths);
  subtitle.push(
    spread > 0
      ? `colours from pale at ${meanText(Math.min(...values))}${m.unit} to dark at ${meanText(Math.max(...values))}${m.unit}`
      : `${values.length > 1 ? "every cell" : "one cell"}: ${meanText(values[0])}${m.unit}`,
  );
  if (halfWidths.length > 0) {
    subtitle.push(
      `under each mean: ± the half-width of its 95 % confidence interval (typically ±${fmt(typical)}${m.unit})`,
    );
  }
  if (spread > 0 && spread < typical) {
    subtitle.push(
      `the cell means span ${fmt(spread)}${m.unit}, less than a typical half-width: the differences are within the noise`,
    );
  } else if (spread > 0 && extremesOverlap(cells, metric)) {
    subtitle.push(
      "the interval of the highest cell or of the lowest reaches the other's mean: the differences are within the noise",
    );
  }

  const widest = Math.max(...rows.map((r) => textWidth(String(r.text), CELL_TEXT_SIZE)));
  const xLabelWidest = Math.max(...px.values.map((v) => textWidth(v, 11)));
  let stepX = Math.ceil(Math.max(MIN_STEP_X, widest + 16, xLabelWidest + 12));
  // each interval's text goes under its mean when the square is, or can be made, wide enough for it
  const ciWidth = (r: Row) => (r.ci_text === null ? 0 : textWidth(String(r.ci_text), CI_TEXT_SIZE));
  const ciWidest = Math.max(0, ...rows.map(ciWidth).filter((w) => w + 12 <= MAX_CI_STEP_X));
  stepX = Math.max(stepX, Math.ceil(ciWidest + 12));
  for (const r of rows) if (r.ci_text !== null && ciWidth(r) + 12 > stepX) r.ci_text = null;
  const width = (s: string) => textWidth(s, AXIS_TITLE_SIZE, true);
  const xTitle = wrapPath(px.path, Math.max(stepX * px.values.length + 40, 200), width);
  // the y title runs along the axis: wrapped to the rows' height, the rows made taller if a line is longer
  const yTitle = wrapPath(py.path, Math.max(STEP_Y * py.values.length, 110), width);
  const stepY = Math.max(STEP_Y, Math.ceil((Math.max(...yTitle.map(width)) + 8) / py.values.length));
  const x = {
    field: "x",
    type: "ordinal" as const,
    sort: px.values,
    title: xTitle,
    axis: { labelAngle: 0, domain: false, ticks: false },
  };
  const y = {
    field: "y",
    type: "ordinal" as const,
    sort: [...py.values].reverse(),
    title: yTitle,
    axis: { domain: false, ticks: false },
  };
  const textColors = [DARK_TEXT, LIGHT_TEXT, NO_DATA_TEXT].filter((tc) => rows.some((r) => r.text_color === tc));
  const gradientLength = Math.max(100, Math.min(200, stepY * py.values.length));
  const ticks = legendTicks(stops[0], stops[stops.length - 1], gradientLength);
  // the text layers: per text colour, the means with an interval under them (raised), those without
  // (centred) and the intervals; a layer only where it has rows
  const textLayers = textColors.flatMap((tc) => {
    const mine = rows.filter((r) => r.text_color === tc);
    const color = `datum.text_color === ${JSON.stringify(tc)}`;
    const parts = [
      {
        test: "isValid(datum.ci_text)",
        field: "text",
        size: CELL_TEXT_SIZE,
        dy: MEAN_DY,
        used: mine.some((r) => r.ci_text !== null),
      },
      {
        test: "!isValid(datum.ci_text)",
        field: "text",
        size: CELL_TEXT_SIZE,
        dy: 0,
        used: mine.some((r) => r.ci_text === null),
      },
      {
        test: "isValid(datum.ci_text)",
        field: "ci_text",
        size: CI_TEXT_SIZE,
        dy: CI_DY,
        used: mine.some((r) => r.ci_text !== null),
      },
    ];
    return parts
      .filter((p) => p.used)
      .map((p) => ({
        transform: [{ filter: `${color} && ${p.test}` }],
        mark: {
          type: "text" as const,
          fontSize: p.size,
          baseline: "middle" as const,
          color: tc,
          ...(p.dy !== 0 ? { dy: p.dy } : {}),
        },
        encoding: { x, y, text: { field: p.field, type: "nominal" as const } },
      }));
  });
  const inner = {
    width: { step: stepX },
    height: { step: stepY },
    layer: [
      {
        transform: [{ filter: "isValid(datum.value)" }],
        mark: { type: "rect" as const, stroke: "white", strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          color: {
            field: "value",
            type: "quantitative" as const,
            title: m.legend,
            scale: { domain: stops, range: [...HEAT_RANGE], interpolate: "rgb" as const },
            legend: { values: ticks.values, format: ticks.format, gradientLength },
          },
          tooltip: [
            { field: "cell", type: "nominal" as const },
            { field: "text", type: "nominal" as const, title: m.what },
            { field: "ci_text", type: "nominal" as const, title: "95 % CI half-width" },
          ],
        },
      },
      // text layers per text colour (a colour field without a scale trips vega-lite 6.4)
      ...textLayers,
    ],
  };
  const facet: Record<string, unknown> = {};
  if (byArm) {
    facet.column = {
      field: "arm",
      type: "nominal",
      sort: grid.arms,
      title: null,
      header: { labelFontSize: 13, labelFontWeight: "bold" },
    };
  }
  if (rest.length > 0) {
    const combos = [...new Set(rows.map((r) => String(r.rest)))];
    facet.row = {
      field: "rest",
      type: "nominal",
      sort: combos,
      title: null,
      header: { labelFontSize: 12, labelAngle: 0, labelAlign: "left" },
    };
  }
  const top = { $schema: SCHEMA, title: { text: title, subtitle }, config: CONFIG, data: { values: rows } };
  if (Object.keys(facet).length === 0) return { ...top, ...inner } as Spec;
  return { ...top, facet, spec: inner, spacing: 16 } as Spec;
}
