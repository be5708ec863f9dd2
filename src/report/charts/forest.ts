// forest: paired differences from the baseline (common random numbers) with 95 % intervals, for p99 latency,
// the failure rate and the latency of the requests a failed job hit, one panel each with a zero rule. Every
// metric is one where less is better, so left of zero is better in every panel.

import type { ReportData } from "../../results/read-results.js";
import type { PairedDiff } from "../../results/summary-file.js";
import { CONFIG, finite, messageChart, type Row, SCHEMA, type Spec, sig, whiskersText } from "./common.js";

export const VERDICTS = [
  "better (significant)",
  "worse (significant)",
  "no significant difference",
  "no interval",
] as const;
const PANEL_WIDTH = 250;
const VERDICT_COLORS = ["#2e7d32", "#c62828", "#757575", "#9e9e9e"];

/** The panels, left to right: titles and axis titles are two lines each, so that the panels line up. */
export const FOREST_PANELS = [
  {
    metric: "p99",
    title: ["p99 latency", "of completed requests"],
    axis: ["Δ p99 latency vs baseline", "(s)"],
  },
  {
    metric: "fail",
    title: ["failure rate", "(faulted, expired or abandoned)"],
    axis: ["Δ failure rate vs baseline", "(percentage points)"],
  },
  {
    metric: "affected",
    title: ["latency of requests", "hit by a failed job"],
    axis: ["Δ their mean latency vs baseline", "(s, submit to end)"],
  },
] as const;

function verdict(d: { diff: number; ci: [number, number] | null; significant: boolean | null }): string {
  if (d.ci === null && d.significant === null) return VERDICTS[3];
  const significant = d.significant ?? (d.ci !== null && (d.ci[0] > 0 || d.ci[1] < 0));
  if (!significant) return VERDICTS[2];
  return d.diff < 0 ? VERDICTS[0] : VERDICTS[1];
}

function row(policy: string, metric: string, d: PairedDiff, scale: number): Row | null {
  if (!finite(d.diff)) return null;
  const diff = d.diff * scale;
  let ci: [number, number] | null = d.ci95 ? [d.ci95[0] * scale, d.ci95[1] * scale] : null;
  if (ci && ci[0] > ci[1]) ci = [ci[1], ci[0]];
  return {
    policy,
    metric,
    diff: sig(diff),
    lo: ci ? sig(ci[0]) : null,
    hi: ci ? sig(ci[1]) : null,
    n: d.n,
    verdict: verdict({ diff, ci, significant: d.significant }),
  };
}

export function forestSpec(data: ReportData): Spec {
  const policies = data.summary.policies;
  const baseline = policies[0]?.name ?? "baseline";
  const title = `Paired differences from the baseline (${baseline})`;
  const subtitle = `Dot: mean difference over common-random-number replications; ${whiskersText(
    data.summary.replications,
  )}; left of 0 is better`;
  const rows: Row[] = [];
  for (const p of policies.slice(1)) {
    const vs = p.vs_baseline;
    if (!vs) continue;
    const a = row(p.name, "p99", vs.latency_p99_s, 1);
    // the success rate's difference, turned into the failure rate's, in percentage points
    const b = row(p.name, "fail", vs.success_rate, -100);
    // the mean submit-to-end latency of the requests at least one failed job hit: lower is better, as is
    const c = row(p.name, "affected", vs.affected_latency_s, 1);
    for (const r of [a, b, c]) if (r) rows.push(r);
  }
  if (policies.length < 2) {
    return messageChart(title, null, "only one policy was run: nothing to compare with the baseline");
  }
  if (rows.length === 0) return messageChart(title, null, "no paired differences in summary.json");
  const names = policies.slice(1).map((p) => p.name);
  const usedVerdicts = VERDICTS.filter((v) => rows.some((r) => r.verdict === v));
  const color = {
    field: "verdict",
    type: "nominal" as const,
    title: "difference",
    scale: { domain: usedVerdicts, range: usedVerdicts.map((v) => VERDICT_COLORS[VERDICTS.indexOf(v)]) },
  };
  const panel = (metric: string, panelTitle: readonly string[], axisTitle: string[], first: boolean) => {
    // zero inside the panel, with room on both sides, so that the reference line and its label show
    const extent = rows
      .filter((r) => r.metric === metric)
      .flatMap((r) => [r.diff, r.lo, r.hi])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    const lo = Math.min(0, ...extent);
    const hi = Math.max(0, ...extent);
    const pad = (hi - lo) * 0.1 || 1;
    const scale = { domain: [sig(lo - pad, 4) as number, sig(hi + pad, 4) as number], nice: false, zero: false };
    const y = {
      field: "policy",
      type: "nominal" as const,
      sort: names,
      title: null,
      axis: first ? { labelLimit: 220, labelFontSize: 12 } : { labels: false, ticks: false, domain: false },
    };
    return {
      title: { text: [...panelTitle], fontSize: 13, anchor: "middle" as const },
      width: PANEL_WIDTH,
      height: { step: 32 },
      transform: [{ filter: { field: "metric", equal: metric } }],
      layer: [
        {
          mark: { type: "rule" as const, color: "#333", strokeDash: [4, 3] },
          encoding: { x: { datum: 0, type: "quantitative" as const, scale, title: axisTitle } },
        },
        // whiskers only where there are intervals (an empty layer would leave its scale without a domain)
        ...(rows.some((r) => r.metric === metric && r.lo !== null && r.hi !== null)
          ? [
              {
                transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
                mark: { type: "errorbar" as const, ticks: true, thickness: 1.6 },
                encoding: {
                  y,
                  x: { field: "lo", type: "quantitative" as const, title: axisTitle, scale },
                  x2: { field: "hi" },
                  color,
                  // named fields: the errorbar's own tooltip would show the second field's id (hi)
                  tooltip: [
                    { field: "policy", type: "nominal" as const },
                    { field: "lo", type: "quantitative" as const, title: "95 % CI low", format: ".3~f" },
                    { field: "hi", type: "quantitative" as const, title: "95 % CI high", format: ".3~f" },
                  ],
                },
              },
            ]
          : []),
        {
          mark: { type: "point" as const, filled: true, size: 80, opacity: 1 },
          encoding: {
            y,
            x: { field: "diff", type: "quantitative" as const, title: axisTitle, scale },
            color,
            tooltip: [
              { field: "policy", type: "nominal" as const },
              { field: "diff", type: "quantitative" as const, title: "difference", format: ".3~f" },
              { field: "lo", type: "quantitative" as const, title: "95 % CI low", format: ".3~f" },
              { field: "hi", type: "quantitative" as const, title: "95 % CI high", format: ".3~f" },
              { field: "n", type: "quantitative" as const, title: "paired replications" },
            ],
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
    // a panel only for a metric with differences (an older summary.json has no affected_latency_s)
    hconcat: FOREST_PANELS.filter((p) => rows.some((r) => r.metric === p.metric)).map((p, i) =>
      panel(p.metric, p.title, [...p.axis], i === 0),
    ),
    spacing: 24,
    resolve: { scale: { y: "shared", color: "shared" } },
  };
}
