// latency-cdf: the distribution of the latency of completed requests, one line per policy, log time axis;
// the legend names each arm with its failure rate, since a fast arm that fails more is no better.
import type { ReportData } from "../../results/read-results.js";
import {
  CONFIG,
  failureRate,
  messageChart,
  pct,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  sig,
} from "./common.js";

export const MAX_CDF_POINTS = 500;

/**
 * Which ranks of n sorted values to keep so that the curve has at most `budget` points: half evenly spaced in
 * rank (the body), half geometrically spaced in the survival fraction down to 1/n (the tail, which a log
 * axis and p99 care about). Always keeps the first and the last.
 */
export function cdfRanks(n: number, budget = MAX_CDF_POINTS): number[] {
  if (n <= 0) return [];
  if (n <= budget) return Array.from({ length: n }, (_, i) => i);
  const keep = new Set<number>([0, n - 1]);
  const half = Math.floor((budget - 2) / 2);
  for (let j = 0; j < half; j++) keep.add(Math.round((j * (n - 1)) / (half - 1)));
  const smallest = 1 / n;
  for (let j = 0; j < half; j++) {
    const survival = 0.5 * (smallest / 0.5) ** (j / (half - 1));
    keep.add(Math.min(n - 1, Math.max(0, Math.ceil(n * (1 - survival)) - 1)));
  }
  return [...keep].sort((a, b) => a - b);
}

/** Log-axis tick values (1-2-5 per decade) covering [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (!(lo > 0) || !(hi >= lo)) return out;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = sig(m * 10 ** e, 6) as number;
      if (v >= lo / 1.0001 && v <= hi * 1.0001) out.push(v);
    }
  }
  return out;
}

export function latencyCdfSpec(data: ReportData): Spec {
  const title = "Latency of completed requests (CDF)";
  const reps = replicationsText(data.summary.replications);
  const subtitle = `Requests submitted after the warm-up, ${reps} pooled; legend: policy (share of requests that failed)`;
  const rows: Row[] = [];
  const labels: string[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const policy of data.policies) {
    const label = `${policy} (fail ${pct(failureRate(data, policy))})`;
    labels.push(label);
    const lat = (data.latencies[policy] ?? []).filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
    const n = lat.length;
    if (n === 0) continue;
    lo = Math.min(lo, lat[0]);
    hi = Math.max(hi, lat[n - 1]);
    for (const i of cdfRanks(n)) {
      rows.push({ policy, arm: label, latency_s: sig(lat[i]), fraction: sig((i + 1) / n, 6) });
    }
  }
  if (rows.length === 0) return messageChart(title, subtitle, "no completed requests to plot");
  const ticks = logTicks(lo, hi);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    width: 600,
    height: 340,
    config: CONFIG,
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: "latency_s",
        type: "quantitative",
        title: "latency: submit to done (s, log scale)",
        scale: { type: "log", domain: [lo, hi], nice: false },
        axis: ticks.length >= 2 ? { values: ticks, format: "~s", labelOverlap: true } : { format: "~s" },
      },
      y: {
        field: "fraction",
        type: "quantitative",
        title: "share of completed requests done within x",
        scale: { domain: [0, 1] },
        axis: { format: ".0%", tickCount: 5 },
      },
      color: {
        field: "arm",
        type: "nominal",
        title: "policy (failure rate)",
        scale: { domain: labels, range: policyColors(data.policies) },
        legend: { orient: "bottom-right", fillColor: "rgba(255,255,255,0.92)", padding: 6, strokeColor: "#ccc" },
      },
      order: { field: "fraction", type: "quantitative" },
      tooltip: [
        { field: "policy", type: "nominal" },
        { field: "latency_s", type: "quantitative", title: "latency (s)" },
        { field: "fraction", type: "quantitative", format: ".2%", title: "share done" },
      ],
    },
  };
}
