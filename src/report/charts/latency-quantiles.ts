// latency-quantiles: p50, p90 and p99 latency per policy (mean over replications) with 95 % CI whiskers,
// one panel per quantile so that each has its own scale.
import type { ReportData } from "../../results/read-results.js";
import {
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

export const QUANTILES = ["p50", "p90", "p99"] as const;
const QUANTILE_TITLES: Record<(typeof QUANTILES)[number], string> = {
  p50: "p50 (median)",
  p90: "p90",
  p99: "p99",
};

export function latencyQuantilesSpec(data: ReportData): Spec {
  const title = "Latency quantiles of completed requests per policy";
  const reps = replicationsText(data.summary.replications);
  const subtitle = `Dot: mean over ${reps}; ${whiskersText(data.summary.replications)}`;
  const policies = data.summary.policies;
  const rows: Row[] = [];
  for (const p of policies) {
    for (const q of QUANTILES) {
      const e = p.latency_s[q];
      if (!finite(e.mean)) continue;
      rows.push({
        policy: p.name,
        quantile: QUANTILE_TITLES[q],
        mean_s: sig(e.mean),
        lo_s: e.ci95 ? sig(e.ci95[0]) : null,
        hi_s: e.ci95 ? sig(e.ci95[1]) : null,
      });
    }
  }
  if (rows.length === 0) return messageChart(title, subtitle, "no latency figures in summary.json");
  const names = policies.map((p) => p.name);
  const y = {
    field: "policy",
    type: "nominal" as const,
    title: null,
    sort: names,
    axis: { labelLimit: 220, labelFontSize: 12 },
  };
  const color = {
    field: "policy",
    type: "nominal" as const,
    scale: { domain: names, range: policyColors(names) },
    legend: null,
  };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    facet: {
      column: {
        field: "quantile",
        type: "nominal",
        sort: QUANTILES.map((q) => QUANTILE_TITLES[q]),
        title: null,
        header: { labelFontSize: 13, labelFontWeight: "bold" },
      },
    },
    spacing: 18,
    spec: {
      width: 190,
      height: { step: 30 },
      layer: [
        // whiskers only where there are intervals (an empty layer would leave its scale without a domain)
        ...(rows.some((r) => r.lo_s !== null && r.hi_s !== null)
          ? [
              {
                transform: [{ filter: "isValid(datum.lo_s) && isValid(datum.hi_s)" }],
                mark: { type: "errorbar" as const, ticks: true, thickness: 1.5 },
                encoding: {
                  y,
                  x: { field: "lo_s", type: "quantitative" as const, title: "latency (s)" },
                  x2: { field: "hi_s" },
                  color,
                  // named fields: the errorbar's own tooltip would show the second field's id (hi_s)
                  tooltip: [
                    { field: "policy", type: "nominal" as const },
                    { field: "quantile", type: "nominal" as const },
                    { field: "lo_s", type: "quantitative" as const, title: "95 % CI low (s)", format: ".1f" },
                    { field: "hi_s", type: "quantitative" as const, title: "95 % CI high (s)", format: ".1f" },
                  ],
                },
              },
            ]
          : []),
        {
          mark: { type: "point" as const, filled: true, size: 70, opacity: 1 },
          encoding: {
            y,
            x: { field: "mean_s", type: "quantitative" as const, title: "latency (s)", scale: { zero: true } },
            color,
            tooltip: [
              { field: "policy", type: "nominal" as const },
              { field: "quantile", type: "nominal" as const },
              { field: "mean_s", type: "quantitative" as const, title: "mean (s)", format: ".1f" },
              { field: "lo_s", type: "quantitative" as const, title: "95 % CI low (s)", format: ".1f" },
              { field: "hi_s", type: "quantitative" as const, title: "95 % CI high (s)", format: ".1f" },
            ],
          },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  };
}
