// latency-tail: the tail of the latency of completed requests as a complementary CDF, the share of requests
// that took at least x, on log–log axes, so that the slow few in a thousand that a policy is for get most of
// the height instead of a sliver at the top of a CDF. One line per policy, told apart by colour and dash (the
// legend shows both and each arm's failure rate, since a fast arm that fails more is no better), with each
// arm's name at the end of its tail, placed clear of the other labels and ends (point-labels.ts).
import type { ReportData } from "../../results/read-results.js";
import {
  CONFIG,
  failureRate,
  messageChart,
  PALETTE,
  pct,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  sig,
  textWidth,
} from "./common.js";
import { LEADER_AFTER, nearestOnBox, placePointLabels } from "./point-labels.js";

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

const WIDTH = 640;
const HEIGHT = 380;
const LABEL_SIZE = 11;

/** Dash patterns, one per arm with its colour (the first solid): arms stay apart in grey print too. */
export const DASHES: number[][] = [
  [],
  [7, 3],
  [2, 2],
  [9, 3, 2, 3],
  [1, 3],
  [12, 4],
  [5, 2, 1, 2],
  [3, 5],
  [8, 2, 2, 2, 2, 2],
  [4, 4],
];

/** The dash of the i-th arm; after the list, dashes repeat with the colours' cycle shifted. */
export function dashOf(i: number): number[] {
  return DASHES[(i + Math.floor(i / PALETTE.length)) % DASHES.length];
}

/** "10%", "1%", "0.1%", "0.01%": a survival share written with the decimals it needs. */
function shareText(q: number): string {
  const p = q * 100;
  return p >= 1 ? `${Math.round(p)}%` : `${Number(p.toPrecision(1))}%`;
}

/** Decades 1, 0.1, 0.01, … down to (and including) the decade at or below `lo`. */
export function decadeTicks(lo: number): number[] {
  const out: number[] = [];
  for (let q = 1; out.length < 12; q /= 10) {
    out.push(sig(q, 6) as number);
    if (q <= lo) break;
  }
  return out;
}

/** The quantiles the reference lines mark: p90, p99 and p99.9 where the data reach them. */
const REFERENCES = [
  { share: 0.1, name: "p90" },
  { share: 0.01, name: "p99" },
  { share: 0.001, name: "p99.9" },
];

export function latencyTailSpec(data: ReportData): Spec {
  const title = "Latency tail of completed requests (CCDF, log–log)";
  const reps = replicationsText(data.summary.replications);
  const subtitle = [
    `Share of the completed requests that took at least x; requests submitted after the warm-up, ${reps} pooled`,
    "A line lower or further left is a shorter tail; dashed rules: p90, p99, p99.9; legend: policy (share of requests that failed)",
  ];
  const rows: Row[] = [];
  const labels: string[] = [];
  const ends: { policy: string; arm: string; label: string; x: number; y: number }[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let smallest = 1;
  for (const policy of data.policies) {
    const label = `${policy} (fail ${pct(failureRate(data, policy))})`;
    labels.push(label);
    // a typed array sorts numbers natively: a comparator sort took 1.6 s on the incident's million latencies
    const lat = Float64Array.from((data.latencies[policy] ?? []).filter((x) => Number.isFinite(x) && x > 0)).sort();
    const n = lat.length;
    if (n === 0) continue;
    lo = Math.min(lo, lat[0]);
    hi = Math.max(hi, lat[n - 1]);
    smallest = Math.min(smallest, 1 / n);
    for (const i of cdfRanks(n)) {
      // P(latency ≥ x) at the i-th smallest value: (n − i)/n, from 1 down to 1/n at the slowest request
      rows.push({ policy, arm: label, latency_s: sig(lat[i]), survival: sig((n - i) / n, 6) });
    }
    ends.push({ policy, arm: label, label: policy, x: lat[n - 1], y: 1 / n });
  }
  if (rows.length === 0) return messageChart(title, subtitle, "no completed requests to plot");
  const xd: [number, number] = [lo, hi === lo ? lo * 10 : hi * 1.6];
  const yTicks = decadeTicks(smallest);
  const yd: [number, number] = [Math.min(smallest, yTicks[yTicks.length - 1]), 1];
  const toPx = (x: number) => (Math.log(x / xd[0]) / Math.log(xd[1] / xd[0])) * WIDTH;
  const toPy = (y: number) => (Math.log(yd[1] / y) / Math.log(yd[1] / yd[0])) * HEIGHT;
  const fromPx = (px: number) => sig(xd[0] * (xd[1] / xd[0]) ** (px / WIDTH), 7) as number;
  const fromPy = (py: number) => sig(yd[1] * (yd[0] / yd[1]) ** (py / HEIGHT), 7) as number;
  const reqs = ends.map((e) => ({
    px: toPx(e.x),
    py: toPy(e.y),
    w: textWidth(e.label, LABEL_SIZE),
    r: 3,
  }));
  const order = reqs.map((_, i) => i).sort((a, b) => reqs[b].px - reqs[a].px || a - b);
  const boxes = placePointLabels(reqs, WIDTH, HEIGHT, order);
  const endRows: Row[] = ends.map((e, i) => {
    const b = boxes[i];
    const q = reqs[i];
    let leader: [number, number] | null = null;
    if (b) {
      const [nx, ny] = nearestOnBox(b, q.px, q.py);
      if (Math.hypot(nx - q.px, ny - q.py) > q.r + LEADER_AFTER) leader = [nx, ny];
    }
    return {
      policy: e.policy,
      arm: e.arm,
      end_x: sig(e.x),
      end_y: sig(e.y, 6),
      label: b ? e.label : null,
      label_x: b ? fromPx(b.x0) : null,
      label_y: b ? fromPy((b.y0 + b.y1) / 2) : null,
      leader_x: leader ? fromPx(leader[0]) : null,
      leader_y: leader ? fromPy(leader[1]) : null,
    };
  });
  const xTicks = logTicks(xd[0], xd[1]);
  const xScale = { type: "log" as const, domain: xd, nice: false };
  const yScale = { type: "log" as const, domain: yd, nice: false };
  const X = (field: string) => ({
    field,
    type: "quantitative" as const,
    scale: xScale,
    title: "latency: submit to done (s, log scale)",
  });
  const Y = (field: string) => ({
    field,
    type: "quantitative" as const,
    scale: yScale,
    title: "share of completed requests taking at least x (log scale)",
  });
  const color = {
    field: "arm",
    type: "nominal" as const,
    title: "policy (failure rate)",
    scale: { domain: labels, range: policyColors(data.policies) },
    legend: { orient: "right" as const, symbolType: "stroke", symbolStrokeWidth: 2.5, symbolSize: 300 },
  };
  const strokeDash = {
    field: "arm",
    type: "nominal" as const,
    title: "policy (failure rate)",
    scale: { domain: labels, range: labels.map((_, i) => dashOf(i)) },
  };
  const yAxis = { values: yTicks, labelExpr: yLabelExpr(yTicks) };
  const refs = REFERENCES.filter((r) => r.share >= yd[0]);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values: refs.map((r) => ({ share: r.share, name: r.name })) },
        layer: [
          {
            mark: { type: "rule", color: "#999", strokeDash: [3, 3], strokeWidth: 1 },
            encoding: { y: { ...Y("share"), axis: yAxis } },
          },
          {
            mark: { type: "text", align: "left", baseline: "bottom", dx: 3, dy: -1, fontSize: 10, color: "#666" },
            encoding: {
              x: { datum: xd[0], ...xScaleOnly(xScale) },
              y: Y("share"),
              text: { field: "name", type: "nominal" },
            },
          },
        ],
      },
      {
        data: { values: rows },
        mark: { type: "line", interpolate: "step-before", strokeWidth: 2, clip: true },
        encoding: {
          x: {
            ...X("latency_s"),
            axis: xTicks.length >= 2 ? { values: xTicks, format: "~s", labelOverlap: true } : { format: "~s" },
          },
          y: { ...Y("survival"), axis: yAxis },
          color,
          strokeDash,
          order: { field: "latency_s", type: "quantitative" },
          tooltip: [
            { field: "policy", type: "nominal" },
            { field: "latency_s", type: "quantitative", title: "latency (s)", format: ",.1f" },
            { field: "survival", type: "quantitative", format: ".3~%", title: "share taking at least this" },
          ],
        },
      },
      {
        data: { values: endRows },
        layer: [
          {
            transform: [{ filter: "isValid(datum.leader_x)" }],
            mark: { type: "rule", strokeWidth: 0.9, opacity: 0.8 },
            encoding: {
              x: X("end_x"),
              y: Y("end_y"),
              x2: { field: "leader_x" },
              y2: { field: "leader_y" },
              color,
            },
          },
          {
            mark: { type: "point", filled: true, size: 28, opacity: 1 },
            encoding: {
              x: X("end_x"),
              y: Y("end_y"),
              color,
              tooltip: [
                { field: "policy", type: "nominal" },
                { field: "end_x", type: "quantitative", title: "slowest completed request (s)", format: ",.1f" },
              ],
            },
          },
          {
            transform: [{ filter: "isValid(datum.label_x)" }],
            mark: { type: "text", align: "left", baseline: "middle", fontSize: LABEL_SIZE, color: "#222" },
            encoding: { x: X("label_x"), y: Y("label_y"), text: { field: "label", type: "nominal" } },
          },
        ],
      },
    ],
  } as Spec;
}

function xScaleOnly(scale: object): { type: "quantitative"; scale: object } {
  return { type: "quantitative", scale };
}

/** The y axis's labels: each decade written as a share with the decimals it needs. */
function yLabelExpr(ticks: number[]): string {
  const cases = ticks.map((t) => `abs(datum.value - ${t}) < ${t * 1e-6} ? '${shareText(t)}'`).join(" : ");
  return `${cases} : ''`;
}
