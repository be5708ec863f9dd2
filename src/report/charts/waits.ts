// waits: where a completed request's time went, per model and arm: the mean wait in the queue (submitted →
// first popped by a worker) and the mean processing after it (first pop → done, retries and their waits
// included), stacked, so that each bar is the mean latency of that model's completed requests. One column
// per model, one row per arm; the wait's quantiles are in the tooltip and the p90 wait is a tick.
import type { ReportData } from "../../results/read-results.js";
import { CONFIG, messageChart, type Row, replicationsText, SCHEMA, type Spec, sig } from "./common.js";

/** Models shown (those with most completed requests); a busy Horde has dozens. */
const MAX_MODELS = 8;
const COLUMNS = 4;

const PARTS = [
  { key: "wait", title: "waiting for a first worker", color: "#e8a33d" },
  { key: "processing", title: "first pop to done (jobs, retries)", color: "#5b84b1" },
] as const;

export function waitsSpec(data: ReportData): Spec {
  const title = "Where the time goes: waiting for a worker against processing, per model";
  const reps = replicationsText(data.summary.replications);
  const w = data.waits;
  const subtitle = [
    `Completed requests submitted after the warm-up, ${reps} pooled; each bar is the mean latency, split at the request's first pop`,
    `Tick: the p90 wait; first pops from ${w?.source ?? "the records"}`,
  ];
  if (!w) return messageChart(title, subtitle, "no completed request with a known first pop");
  const policies = data.policies.filter((p) => (w.byPolicy[p]?.length ?? 0) > 0);
  const counts = new Map<string, number>();
  for (const p of policies) for (const m of w.byPolicy[p]) counts.set(m.model, (counts.get(m.model) ?? 0) + m.n);
  const allModels = [...new Set(policies.flatMap((p) => w.byPolicy[p].map((m) => m.model)))];
  const models = [...allModels]
    .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))
    .slice(0, MAX_MODELS)
    .sort((a, b) => allModels.indexOf(a) - allModels.indexOf(b));
  if (models.length < allModels.length)
    subtitle.push(`The ${models.length} models with most completed requests of ${allModels.length}`);
  const shown = new Set(models);
  const rows: Row[] = [];
  const ticks: Row[] = [];
  for (const policy of policies) {
    for (const m of w.byPolicy[policy]) {
      if (!shown.has(m.model)) continue;
      const tip = {
        policy,
        model: m.model,
        n: m.n,
        wait_mean: sig(m.wait_mean_s),
        processing_mean: sig(m.processing_mean_s),
        latency_mean: sig(m.wait_mean_s + m.processing_mean_s),
        wait_p50: sig(m.wait_p50_s),
        wait_p90: sig(m.wait_p90_s),
        wait_p99: sig(m.wait_p99_s),
      };
      PARTS.forEach((part, k) => {
        rows.push({
          ...tip,
          part: part.title,
          part_order: k,
          seconds: sig(part.key === "wait" ? m.wait_mean_s : m.processing_mean_s),
        });
      });
      ticks.push(tip);
    }
  }
  const y = {
    field: "policy",
    type: "nominal" as const,
    sort: policies,
    title: null,
    axis: { labelLimit: 260 },
  };
  const tooltip = [
    { field: "policy", type: "nominal" as const },
    { field: "model", type: "nominal" as const },
    { field: "n", type: "quantitative" as const, title: "completed requests", format: "," },
    { field: "wait_mean", type: "quantitative" as const, title: "mean wait (s)", format: ",.2f" },
    { field: "processing_mean", type: "quantitative" as const, title: "mean processing (s)", format: ",.2f" },
    { field: "latency_mean", type: "quantitative" as const, title: "mean latency (s)", format: ",.2f" },
    { field: "wait_p50", type: "quantitative" as const, title: "p50 wait (s)", format: ",.2f" },
    { field: "wait_p90", type: "quantitative" as const, title: "p90 wait (s)", format: ",.2f" },
    { field: "wait_p99", type: "quantitative" as const, title: "p99 wait (s)", format: ",.2f" },
  ];
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: [...rows, ...ticks.map((t) => ({ ...t, tick: true }))] },
    facet: { field: "model", type: "nominal", sort: models, title: null, header: { labelFontSize: 12 } },
    columns: COLUMNS,
    spec: {
      width: 230,
      height: { step: 22 },
      layer: [
        {
          transform: [{ filter: "!datum.tick" }],
          mark: { type: "bar", height: { band: 0.7 } },
          encoding: {
            y,
            x: {
              field: "seconds",
              type: "quantitative",
              stack: "zero",
              title: "mean seconds per completed request",
            },
            color: {
              field: "part",
              type: "nominal",
              title: null,
              scale: { domain: PARTS.map((p) => p.title), range: PARTS.map((p) => p.color) },
              legend: { orient: "top", direction: "horizontal" },
            },
            order: { field: "part_order", type: "quantitative" },
            tooltip,
          },
        },
        {
          transform: [{ filter: "datum.tick" }],
          mark: { type: "tick", color: "#7a3d00", thickness: 2, bandSize: 16 },
          encoding: { y, x: { field: "wait_p90", type: "quantitative" }, tooltip },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  } as Spec;
}
