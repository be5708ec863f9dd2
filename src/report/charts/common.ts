// What every chart shares: the vega-lite config (font, sizes), policy colours, number formats and the
// "nothing to show" chart that stands in when a run has no data for a chart.
import type { Config, TopLevelSpec } from "vega-lite";
import type { ReportData } from "../../results/read-results.js";
import { type FontMetrics, loadFontMetrics } from "../font-metrics.js";
import { FONT_STACK, fontFiles } from "../fonts.js";

export type Spec = TopLevelSpec;
export type Row = Record<string, string | number | boolean | null>;

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export const CONFIG: Config = {
  font: FONT_STACK,
  background: "white",
  padding: 12,
  title: {
    fontSize: 15,
    anchor: "start",
    offset: 12,
    subtitleFontSize: 11.5,
    subtitleColor: "#444",
    subtitlePadding: 4,
  },
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, gridColor: "#e8e8e8", labelColor: "#222" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360, symbolSize: 90 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: "#ddd" },
};

/** Tableau 10: distinct, colour-blind-friendlier than the default category scheme. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** The colour of each policy arm, the same in every chart. */
export function policyColors(policies: readonly string[]): string[] {
  return policies.map((_, i) => PALETTE[i % PALETTE.length]);
}

export function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** A number rounded to a few significant digits (keeps inline data small), or null. */
export function sig(x: number | null | undefined, digits = 5): number | null {
  if (!finite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/** 0.021 → "2.1%", 0.0035 → "0.35%", 0.0000117 → "0.0012%" (not "0.00%", which reads as none), null → "n/a". */
export function pct(x: number | null | undefined): string {
  if (!finite(x)) return "n/a";
  const p = x * 100;
  if (p === 0) return "0%";
  if (Math.abs(p) < 0.01) return `${p.toPrecision(2)}%`;
  if (Math.abs(p) < 1) return `${p.toFixed(2)}%`;
  return `${p.toFixed(1)}%`;
}

/** The baseline arm: the summary's first policy. */
export function baselineOf(data: ReportData): string | null {
  return data.policies[0] ?? null;
}

/** Failure rate of an arm: 1 − the summary's success rate, else counted from requests.csv. */
export function failureRate(data: ReportData, policy: string): number | null {
  const p = data.summary.policies.find((q) => q.name === policy);
  if (p && finite(p.success_rate.mean)) return 1 - p.success_rate.mean;
  const o = data.outcomes[policy];
  if (!o) return null;
  const failed = o.faulted + o.expired + o.abandoned;
  const ended = o.completed + failed;
  return ended > 0 ? failed / ended : null;
}

/** "3 replications" / "1 replication". */
export function replicationsText(n: number | null): string {
  if (!finite(n)) return "all replications";
  return n === 1 ? "1 replication" : `${n} replications`;
}

/** What the whiskers are, or that there are none (a single replication has no interval). */
export function whiskersText(replications: number | null): string {
  return replications === 1 ? "one replication, so no confidence intervals" : "whiskers: 95 % confidence interval";
}

/** A chart with a centred message instead of marks: the stand-in when there is nothing to draw. */
export function messageChart(
  title: string,
  subtitle: string | string[] | null,
  message: string,
  width = 560,
  height = 140,
): Spec {
  return {
    $schema: SCHEMA,
    title: subtitle ? { text: title, subtitle } : { text: title },
    width,
    height,
    config: CONFIG,
    data: { values: [{ message }] },
    mark: { type: "text", fontSize: 15, color: "#555" },
    encoding: {
      text: { field: "message", type: "nominal" },
      x: { value: width / 2 },
      y: { value: height / 2 },
    },
  };
}

/** Minimal-length label for a simulated time of day (HH:MM:SS), from the scenario's start_time when given. */
export function clockText(t: number, startTime: string | null): string {
  const base = startTime ? Date.parse(startTime) : Number.NaN;
  if (Number.isFinite(base)) {
    return new Date(base + Math.round(t * 1000)).toISOString().slice(11, 19);
  }
  const s = Math.max(0, Math.round(t));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `t+${h}h${String(m).padStart(2, "0")}m${String(ss).padStart(2, "0")}s`;
}

/** Approximate width in px of a label at a font size (DejaVu Sans averages ≈ 0.6 em per character). */
export function approxTextWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.62;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | null | undefined;

/**
 * Width in px of a label in the shipped font, from the advance widths vega lays text out with when rendering
 * (render.ts); the approximation above when the font files cannot be read.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  if (metrics === undefined) {
    try {
      const f = fontFiles();
      metrics = { regular: loadFontMetrics(f.regular), bold: loadFontMetrics(f.bold) };
    } catch {
      metrics = null;
    }
  }
  if (!metrics) return approxTextWidth(text, fontSize);
  return (bold ? metrics.bold : metrics.regular).width(text, fontSize);
}

/** An integer with thousands separators: 1234.5 → "1,235". */
export function commas(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Seconds with one decimal below `wholeFrom`, whole above: 51.06 → "51.1", 312.4 → "312", 1234.5 → "1,235". */
export function secondsText(x: number, wholeFrom = 100): string {
  return Math.abs(x) >= wholeFrom ? commas(x) : x.toFixed(1);
}

/** GPU-seconds: 3116.2 → "3,116", 4.567 → "4.57". */
export function gpuText(x: number): string {
  if (x === 0) return "0";
  return Math.abs(x) >= 10 ? commas(x) : x.toFixed(2);
}
