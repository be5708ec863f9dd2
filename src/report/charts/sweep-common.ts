// What the sweep charts share: chart names from parameter paths, short parameter names for legends and
// labels, the figures read from a cell, number formats and the colour arithmetic behind the heatmaps' ramp
// and the text written on it.

import type { CellSummary, SweepSummary } from "../../results/sweep-results.js";
import { paramColumns, shortNames } from "../../results/sweep-results.js";
import { finite, gpuText, type Spec, secondsText } from "./common.js";

export { gpuText, secondsText };

export interface SweepChart {
  /** File stem under charts/. */
  name: string;
  heading: string;
  caption: string;
  spec: Spec;
}

/** `policies[backoff].reassignment[1].base` → `policies-backoff-reassignment-1-base`. */
export { shortNames };

export function slug(path: string): string {
  const s = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s === "" ? "param" : s;
}

/** Every swept path in order of first appearance over the grids. */
export function sweptPaths(summary: SweepSummary): string[] {
  return paramColumns(summary.grids);
}

/** Every arm in order of first appearance over the grids: the order of the arm colours. */
export function sweepArms(summary: SweepSummary): string[] {
  const out: string[] = [];
  for (const g of summary.grids) for (const a of g.arms) if (!out.includes(a)) out.push(a);
  for (const c of summary.cells) if (!out.includes(c.policy)) out.push(c.policy);
  return out;
}

/** The cells in canonical order (the summary's order by cell index). */
export function orderedCells(summary: SweepSummary): CellSummary[] {
  return [...summary.cells].sort((a, b) => a.cell - b.cell);
}

/** A cell's values only, in its grid's parameter order: "60s · 10s". */
export function valuesText(summary: SweepSummary, c: CellSummary): string {
  const grid = summary.grids[c.grid];
  const vals = grid ? grid.params.map((p) => c.values[p.path]).filter((v) => v !== undefined) : [];
  return vals.length > 0 ? vals.join(" · ") : c.policy;
}

/**
 * The figures the sweep charts show: p99 latency of completed requests, failure rate, wasted GPU time, and
 * `hit`, the mean submit-to-end latency of the requests hit by at least one failed job.
 */
export type Metric = "p99" | "fail" | "wasted" | "hit";

const ESTIMATE = {
  p99: "latency_p99_s",
  fail: "failure_rate",
  wasted: "wasted_gpu_s",
  hit: "affected_latency_s",
} as const satisfies Record<Metric, keyof CellSummary>;

/** A cell's mean and 95 % interval for a metric, in the charts' units (failure rate in percent). */
export function figure(c: CellSummary, m: Metric): { mean: number | null; lo: number | null; hi: number | null } {
  const e = c[ESTIMATE[m]];
  const k = m === "fail" ? 100 : 1;
  const mean = finite(e?.mean) ? e.mean * k : null;
  const ci = e?.ci95 && finite(e.ci95[0]) && finite(e.ci95[1]) ? e.ci95 : null;
  return {
    mean,
    lo: mean !== null && ci ? Math.min(ci[0], ci[1]) * k : null,
    hi: mean !== null && ci ? Math.max(ci[0], ci[1]) * k : null,
  };
}

/**
 * About `count` round tick values inside [lo, hi] (steps of 1, 2 or 5 times a power of ten, as d3's ticks),
 * and the number of decimals that writes each of them exactly and tells them apart.
 */
export function niceTicks(lo: number, hi: number, count: number): { values: number[]; decimals: number } {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return { values: [lo], decimals: decimalsFor(Math.abs(lo) / 100 || 1) };
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const err = raw / power;
  // the nice steps from the one nearest raw downwards: a span just short of two multiples of a step gets
  // the next smaller one, so that there are always at least two ticks
  const factors = [10, 5, 2, 1, 0.5, 0.2, 0.1];
  let f = err >= Math.sqrt(50) ? 0 : err >= Math.sqrt(10) ? 1 : err >= Math.sqrt(2) ? 2 : 3;
  let decimals = 0;
  let values: number[] = [];
  for (;;) {
    const step = factors[f] * power;
    decimals = decimalsFor(step);
    values = [];
    for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
      values.push(Number((k * step).toFixed(decimals)));
    }
    if (values.length >= 2 || f === factors.length - 1) break;
    f++;
  }
  return { values, decimals };
}

/** The decimals needed to write multiples of `step`: 0.2 → 1, 0.05 → 2, 5 → 0. */
function decimalsFor(step: number): number {
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

/** "1 cell" / "3 cells". */
export function cellsText(n: number): string {
  return n === 1 ? "1 cell" : `${n} cells`;
}

/** A number with a fixed number of decimals and thousands separators: (1234.56, 1) → "1,234.6". */
export function fixedText(x: number, decimals: number): string {
  const [int, frac] = x.toFixed(decimals).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A percentage (already × 100) to about three digits: 2.134 → "2.13%", 0.35 → "0.35%", 12.34 → "12.3%". */
export function percentText(p: number): string {
  if (p === 0) return "0%";
  // two significant digits below 1 % (0.0055%, 0.016%), so that small rates side by side read alike
  if (Math.abs(p) < 1e-6) return `${p.toPrecision(2)}%`;
  if (Math.abs(p) < 1) return `${Number(p.toPrecision(2))}%`;
  if (Math.abs(p) < 10) return `${p.toFixed(2)}%`;
  return `${p.toFixed(1)}%`;
}

/**
 * Splits a dotted path into lines of at most about `maxWidth` px (breaking after a dot), for axis titles
 * that would otherwise be wider than their axis.
 */
export function wrapPath(path: string, maxWidth: number, width: (s: string) => number): string[] {
  const parts = path.split(/(?<=\.)/);
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line !== "" && width(line + part) > maxWidth) {
      lines.push(line);
      line = part;
    } else {
      line += part;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

// --- colours -------------------------------------------------------------------------------------------

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const h = hex.replace(/^#/, "");
  const full =
    h.length === 3
      ? h
          .split("")
          .map((c) => c + c)
          .join("")
      : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

function toHex(c: Rgb): string {
  return `#${c
    .map((v) =>
      Math.round(Math.max(0, Math.min(255, v)))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** Linear mix in sRGB of two hex colours: t = 0 gives a, t = 1 gives b (rounded like d3's interpolateRgb). */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex([0, 1, 2].map((i) => x[i] + (y[i] - x[i]) * t) as Rgb);
}

/** WCAG relative luminance of a hex colour. */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export const DARK_TEXT = "#111111";
export const LIGHT_TEXT = "#ffffff";

/** The text colour (near-black or white) with the higher contrast on a fill. */
export function textOn(fill: string): string {
  return contrast(fill, DARK_TEXT) >= contrast(fill, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}

/** ColorBrewer YlOrRd: pale yellow for the lowest (best) value to dark red for the highest. */
export const HEAT_RANGE = [
  "#ffffcc",
  "#ffeda0",
  "#fed976",
  "#feb24c",
  "#fd8d3c",
  "#fc4e2a",
  "#e31a1c",
  "#bd0026",
  "#800026",
] as const;

/** The colour at t ∈ [0, 1] of the ramp through `range`, piecewise linear in sRGB. */
export function rampColor(t: number, range: readonly string[] = HEAT_RANGE): string {
  const u = Math.max(0, Math.min(1, t)) * (range.length - 1);
  const i = Math.min(range.length - 2, Math.floor(u));
  return mix(range[i], range[i + 1], u - i);
}
