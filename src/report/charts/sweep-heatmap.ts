// sweep heatmap: one grid's cells as a table of coloured squares, x = its first parameter, y = its second
// (first value at the bottom), the colour the cell's mean p99 latency (or failure rate) on a yellow-to-red
// ramp (lower is better, so pale is good) with the value written in each square. A grid with several arms
// gets a column of squares per arm; a grid with more than two parameters a row per combination of the
// others (nothing is averaged). The ramp is piecewise linear in sRGB through fixed stops, computed here the
// same way vega does, so that each value's text is drawn in whichever of near-black or white reads better
// on its square.
import type { SweepSummary } from "../../experiment/sweep-types.js";
import { CONFIG, messageChart, type Row, replicationsText, SCHEMA, type Spec, sig, textWidth } from "./common.js";
import {
  cellsText,
  DARK_TEXT,
  figure,
  HEAT_RANGE,
  LIGHT_TEXT,
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
const MIN_STEP_X = 90;
const STEP_Y = 44;
const AXIS_TITLE_SIZE = 12;
const NO_DATA_TEXT = "#777777";

export type HeatMetric = "p99" | "fail";

export const HEAT_METRICS: Record<HeatMetric, { what: string; legend: string }> = {
  p99: { what: "p99 latency", legend: "p99 latency (s)" },
  fail: { what: "failure rate", legend: "failure rate (%)" },
};

/** The colour stops of a heatmap over [lo, hi]: as many as the ramp has colours, evenly spaced. */
export function heatStops(lo: number, hi: number): number[] {
  const n = HEAT_RANGE.length;
  return HEAT_RANGE.map((_, i) => sig(lo + ((hi - lo) * i) / (n - 1), 8) as number);
}

export function sweepHeatmapSpec(summary: SweepSummary, gridIndex: number, metric: HeatMetric): Spec {
  const grid = summary.grids[gridIndex];
  const m = HEAT_METRICS[metric];
  const title = `Grid ${gridIndex + 1} (${grid.arms.join(", ")}): ${m.what} of every cell`;
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
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    const pad = Math.max(Math.abs(hi) * 0.05, metric === "fail" ? 0.01 : 0.1);
    lo = Math.max(0, lo - pad);
    hi += pad;
  }
  const stops = heatStops(lo, hi);
  const fmt = (v: number) => (metric === "p99" ? secondsText(v) : percentText(v));
  const rows: Row[] = cells.map((c) => {
    const v = figure(c, metric).mean;
    const fill = v === null ? null : rampColor((v - stops[0]) / (stops[stops.length - 1] - stops[0]));
    return {
      arm: c.policy,
      x: c.values[px.path] ?? null,
      y: c.values[py.path] ?? null,
      rest: restLabel(c.values),
      value: v === null ? null : sig(v),
      text: v === null ? "no data" : fmt(v),
      text_color: fill === null ? NO_DATA_TEXT : textOn(fill),
      cell: c.label,
    };
  });

  const widest = Math.max(...rows.map((r) => textWidth(String(r.text), CELL_TEXT_SIZE)));
  const xLabelWidest = Math.max(...px.values.map((v) => textWidth(v, 11)));
  const stepX = Math.ceil(Math.max(MIN_STEP_X, widest + 16, xLabelWidest + 12));
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
            legend: {
              format: metric === "p99" ? ",.0f" : ".2~f",
              gradientLength: Math.max(100, Math.min(200, stepY * py.values.length)),
            },
          },
          tooltip: [
            { field: "cell", type: "nominal" as const },
            { field: "text", type: "nominal" as const, title: m.legend },
          ],
        },
      },
      // one text layer per text colour (a colour field without a scale trips vega-lite 6.4)
      ...textColors.map((tc) => ({
        transform: [{ filter: { field: "text_color", equal: tc } }],
        mark: { type: "text" as const, fontSize: CELL_TEXT_SIZE, baseline: "middle" as const, color: tc },
        encoding: { x, y, text: { field: "text", type: "nominal" as const } },
      })),
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
