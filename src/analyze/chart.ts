// The aborts-per-worker bar chart, in the style of `run`'s worker-aborts chart.
import { CONFIG, SCHEMA, type Spec } from "../report/charts/common.js";
import type { WorkerAbortRow } from "./tables.js";

export const CHART_WORKERS = 15;

export function abortsByWorkerSpec(rows: readonly WorkerAbortRow[], source: string): Spec {
  const shown = rows.slice(0, CHART_WORKERS);
  const total = rows.reduce((s, r) => s + r.aborts, 0);
  const values = shown.map((r) => ({
    worker: r.worker,
    aborts: r.aborts,
    timeouts: r.timeouts,
    reported_faults: r.reported_faults,
    share: r.share,
    label: `${r.aborts} (${(r.share * 100).toFixed(r.share < 0.1 ? 1 : 0)}%)`,
  }));
  const max = Math.max(1, ...shown.map((r) => r.aborts));
  return {
    $schema: SCHEMA,
    title: {
      text: "Stale aborts per worker",
      subtitle: `${source}; label: aborts (share of all ${total})${rows.length > CHART_WORKERS ? `; top ${CHART_WORKERS} workers` : ""}`,
    },
    config: CONFIG,
    data: { values },
    width: 480,
    height: { step: 24 },
    encoding: {
      y: { field: "worker", type: "nominal", title: null, sort: shown.map((r) => r.worker), axis: { labelLimit: 260 } },
    },
    layer: [
      {
        mark: { type: "bar", color: "#e15759", height: { band: 0.72 } },
        encoding: {
          x: {
            field: "aborts",
            type: "quantitative",
            title: "stale aborts (timeouts and reported faults)",
            scale: { domain: [0, max * 1.22] },
            axis: { tickMinStep: 1, format: "d" },
          },
          tooltip: [
            { field: "worker", type: "nominal" },
            { field: "aborts", type: "quantitative" },
            { field: "timeouts", type: "quantitative" },
            { field: "reported_faults", type: "quantitative", title: "reported faults" },
            { field: "share", type: "quantitative", format: ".1%" },
          ],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: "#222" },
        encoding: { x: { field: "aborts", type: "quantitative" }, text: { field: "label", type: "nominal" } },
      },
    ],
  };
}
