// The aborts-per-worker bar chart, in the style of `run`'s worker-aborts chart.
import { abortBarsSpec, shareLabel } from "../report/charts/abort-bars.js";
import type { Spec } from "../report/charts/common.js";
import type { WorkerAbortRow } from "./tables.js";

export const CHART_WORKERS = 15;

export function abortsByWorkerSpec(rows: readonly WorkerAbortRow[], source: string): Spec {
  const shown = rows.slice(0, CHART_WORKERS);
  const total = rows.reduce((s, r) => s + r.aborts, 0);
  return abortBarsSpec({
    title: "Stale aborts per worker",
    subtitle: `${source}; label: aborts (share of all ${total})${rows.length > CHART_WORKERS ? `; top ${CHART_WORKERS} workers` : ""}`,
    rows: shown.map((r) => ({
      worker: r.worker,
      aborts: r.aborts,
      timeouts: r.timeouts,
      reported_faults: r.reported_faults,
      share: r.share,
      label: shareLabel(r.aborts, r.share),
    })),
    countField: "aborts",
    xTitle: "stale aborts (timeouts and reported faults)",
    tooltip: [
      { field: "aborts", type: "quantitative" },
      { field: "timeouts", type: "quantitative" },
      { field: "reported_faults", type: "quantitative", title: "reported faults" },
      { field: "share", type: "quantitative", format: ".1%" },
    ],
  });
}
