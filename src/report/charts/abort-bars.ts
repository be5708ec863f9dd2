// Stale aborts per worker as labelled horizontal bars: shared by `run`'s worker-aborts chart and by
// `analyze`'s chart of a real log, so that both look the same.
import { CONFIG, type Row, SCHEMA, type Spec } from "./common.js";

/** Tooltip fields of a bar beyond its worker and count. */
export type BarTooltip = { field: string; type: "nominal" | "quantitative"; title?: string; format?: string }[];

export interface AbortBarsOptions {
  title: string;
  subtitle: string;
  /** The bars, most aborts first: each has `worker`, the count field and the other tooltip fields. */
  rows: Row[];
  countField: string;
  xTitle: string;
  tooltip: BarTooltip;
}

/** A bar's label: the count and its share of all aborts, e.g. `15 (71%)`. */
export function shareLabel(count: number, share: number): string {
  return `${count} (${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%)`;
}

export function abortBarsSpec(o: AbortBarsOptions): Spec {
  const max = Math.max(1, ...o.rows.map((r) => Number(r[o.countField])));
  return {
    $schema: SCHEMA,
    title: { text: o.title, subtitle: o.subtitle },
    config: CONFIG,
    data: { values: o.rows },
    width: 480,
    height: { step: 24 },
    encoding: {
      y: {
        field: "worker",
        type: "nominal",
        title: null,
        sort: o.rows.map((r) => String(r.worker)),
        axis: { labelLimit: 260, labelFontSize: 11.5 },
      },
    },
    layer: [
      {
        mark: { type: "bar", color: "#e15759", height: { band: 0.72 } },
        encoding: {
          x: {
            field: o.countField,
            type: "quantitative",
            title: o.xTitle,
            // room on the right for the labels
            scale: { domain: [0, max * 1.22] },
            axis: { tickMinStep: 1, format: "d" },
          },
          tooltip: [{ field: "worker", type: "nominal" }, ...o.tooltip],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: "#222" },
        encoding: { x: { field: o.countField, type: "quantitative" }, text: { field: "label", type: "nominal" } },
      },
    ],
  };
}
