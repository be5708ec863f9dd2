import { type Estimate, estimate, type PairedDifference, pairedDifference } from "./intervals.js";
import { type LoadSummary, summarizeLoad } from "./load-summary.js";
import { type Proportion, proportion } from "./proportion.js";
import type { LatencyStats, ReplicationStats } from "./replication-stats.js";
import type { TargetComparison } from "./status-targets.js";

export { tInterval } from "./intervals.js";

type LatencyEstimates = Record<keyof LatencyStats, Estimate>;

export interface VsBaseline {
  success_rate: PairedDifference;
  latency_mean_s: PairedDifference;
  latency_p99_s: PairedDifference;
  time_to_failure_s: PairedDifference;
  affected_latency_s: PairedDifference;
  wasted_gpu_s: PairedDifference;
  user_success_rate: PairedDifference;
  user_latency_p99_s: PairedDifference;
}

export interface ArmSummary {
  name: string;
  /** Totals over replications, requests submitted after the warm-up. */
  requests: number;
  completed: number;
  faulted: number;
  expired: number;
  abandoned: number;
  open: number;
  success_rate: Estimate;
  /** Faulted, expired or abandoned of the ended requests, pooled over replications, with a Wilson interval. */
  failed_requests: Proportion;
  /** Users whose request finally failed, of those whose outcome is known, pooled, with a Wilson interval. */
  users_failed: Proportion;
  latency_s: LatencyEstimates;
  time_to_failure_s: Estimate;
  attempts_per_request: Estimate;
  wasted_gpu_s: Estimate;
  hedges: Estimate;
  affected: Estimate;
  affected_latency_s: Estimate;
  user: { success_rate: Estimate; latency_s: LatencyEstimates; failure_latency_s: Estimate };
  vs_baseline: VsBaseline | null;
  /** Queue wait vs processing, MPS/s, who waits (null when the run did not measure them). */
  load: LoadSummary | null;
}

export interface Summary {
  scenario: { name: string; sha256: string };
  seed: number;
  replications: number;
  warmup_s: number;
  horizon_s: number;
  /** The scenario's targets beside each arm's simulated figures; absent when it names none. */
  targets?: TargetComparison;
  policies: ArmSummary[];
}

export type SummaryMeta = Omit<Summary, "policies">;

const LATENCY_KEYS: (keyof LatencyStats)[] = ["mean", "p50", "p90", "p99", "max"];

function latencyEstimates(reps: ReplicationStats[], pick: (r: ReplicationStats) => LatencyStats): LatencyEstimates {
  const out = {} as LatencyEstimates;
  for (const k of LATENCY_KEYS) out[k] = estimate(reps.map((r) => pick(r)[k]));
  return out;
}

const sum = (reps: ReplicationStats[], f: (r: ReplicationStats) => number) => reps.reduce((s, r) => s + f(r), 0);

/** A JSON number: integers as is, others to 6 significant digits; NaN and infinities null. */
export function jsonNumber(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (Number.isInteger(v)) return v === 0 ? 0 : v;
  const r = Number(v.toPrecision(6));
  return r === 0 ? 0 : r;
}

/** `value` as its JSON will read: numbers through jsonNumber. */
export function tidy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "number" ? jsonNumber(v) : v))) as T;
}

/** Every arm over the same replications; the first arm is the baseline of the paired differences. */
export function summarize(meta: SummaryMeta, arms: { policy: string; reps: ReplicationStats[] }[]): Summary {
  const base = arms[0]?.reps ?? [];
  const vs = (reps: ReplicationStats[], f: (r: ReplicationStats) => number) =>
    pairedDifference(reps.map(f), base.map(f));
  const policies = arms.map(
    ({ policy, reps }, i): ArmSummary => ({
      name: policy,
      requests: sum(reps, (r) => r.requests),
      completed: sum(reps, (r) => r.completed),
      faulted: sum(reps, (r) => r.faulted),
      expired: sum(reps, (r) => r.expired),
      abandoned: sum(reps, (r) => r.abandoned),
      open: sum(reps, (r) => r.open),
      success_rate: estimate(reps.map((r) => r.success_rate)),
      failed_requests: proportion(
        sum(reps, (r) => r.faulted + r.expired + r.abandoned),
        sum(reps, (r) => r.completed + r.faulted + r.expired + r.abandoned),
      ),
      users_failed: proportion(
        sum(reps, (r) => r.users_failed),
        sum(reps, (r) => r.users),
      ),
      latency_s: latencyEstimates(reps, (r) => r.latency),
      time_to_failure_s: estimate(reps.map((r) => r.time_to_failure_s)),
      attempts_per_request: estimate(reps.map((r) => r.attempts_per_request)),
      wasted_gpu_s: estimate(reps.map((r) => r.wasted_gpu_s)),
      hedges: estimate(reps.map((r) => r.hedges)),
      affected: estimate(reps.map((r) => r.affected)),
      affected_latency_s: estimate(reps.map((r) => r.affected_latency_s)),
      user: {
        success_rate: estimate(reps.map((r) => r.user_success_rate)),
        latency_s: latencyEstimates(reps, (r) => r.user_latency),
        failure_latency_s: estimate(reps.map((r) => r.user_failure_latency_s)),
      },
      vs_baseline:
        i === 0
          ? null
          : {
              success_rate: vs(reps, (r) => r.success_rate),
              latency_mean_s: vs(reps, (r) => r.latency.mean),
              latency_p99_s: vs(reps, (r) => r.latency.p99),
              time_to_failure_s: vs(reps, (r) => r.time_to_failure_s),
              affected_latency_s: vs(reps, (r) => r.affected_latency_s),
              wasted_gpu_s: vs(reps, (r) => r.wasted_gpu_s),
              user_success_rate: vs(reps, (r) => r.user_success_rate),
              user_latency_p99_s: vs(reps, (r) => r.user_latency.p99),
            },
      load: summarizeLoad(reps),
    }),
  );
  return tidy({ ...meta, policies });
}

// ---------------------------------------------------------------- the printed table

function num(x: number | null, digits: number): string {
  if (x === null || !Number.isFinite(x)) return "—";
  return x.toFixed(digits);
}

/** Mean ±half-width; "?" when the interval is wider than the figure itself (it needs more replications). */
function cell(e: Estimate, scale: number, digits: number): string {
  if (e.mean === null) return "—";
  const m = num(e.mean * scale, digits);
  if (e.ci95 === null) return m;
  const half = ((e.ci95[1] - e.ci95[0]) / 2) * scale;
  return `${m} ±${num(half, digits)}${half > Math.abs(e.mean * scale) ? "?" : ""}`;
}

/** Two significant digits, no exponent: the bounds of a share's interval in %. */
function twoDigits(x: number): string {
  if (x === 0) return "0";
  return x.toFixed(Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(Math.abs(x))))));
}

/** A pooled share in % with its Wilson interval: "0.0012 [0.00040, 0.0034]". */
function shareCell(p: Proportion): string {
  if (p.share === null) return "—";
  const interval = p.ci95 === null ? "" : ` [${twoDigits(p.ci95[0] * 100)}, ${twoDigits(p.ci95[1] * 100)}]`;
  return `${twoDigits(p.share * 100)}${interval}`;
}

function diffCell(d: PairedDifference | undefined, scale: number, digits: number): string {
  if (d === undefined) return "(baseline)";
  if (d.diff === null) return "—";
  const sign = d.diff * scale > 0 ? "+" : "";
  const half = d.ci95 === null ? "" : ` ±${num(((d.ci95[1] - d.ci95[0]) / 2) * scale, digits)}`;
  return `${sign}${num(d.diff * scale, digits)}${half}${d.significant ? " *" : ""}`;
}

/** How a row's cells are made: a total over replications, a share of pooled counts, a mean per replication, a paired difference. */
type RowKind = "total" | "pooled" | "mean/rep" | "paired";

const KIND_WIDTH = Math.max(..."total pooled mean/rep paired".split(" ").map((k) => k.length));

interface Row {
  label: string;
  kind: RowKind;
  values: (arm: ArmSummary) => string;
}

const ROWS: Row[] = [
  { label: "requests", kind: "total", values: (a) => String(a.requests) },
  { label: "failed requests %", kind: "pooled", values: (a) => shareCell(a.failed_requests) },
  { label: "faulted + expired", kind: "total", values: (a) => String(a.faulted + a.expired) },
  { label: "abandoned", kind: "total", values: (a) => String(a.abandoned) },
  { label: "latency mean s", kind: "mean/rep", values: (a) => cell(a.latency_s.mean, 1, 2) },
  { label: "latency p50 s", kind: "mean/rep", values: (a) => cell(a.latency_s.p50, 1, 2) },
  { label: "latency p90 s", kind: "mean/rep", values: (a) => cell(a.latency_s.p90, 1, 2) },
  { label: "latency p99 s", kind: "mean/rep", values: (a) => cell(a.latency_s.p99, 1, 1) },
  { label: "latency max s", kind: "mean/rep", values: (a) => cell(a.latency_s.max, 1, 0) },
  { label: "time to failure s", kind: "mean/rep", values: (a) => cell(a.time_to_failure_s, 1, 0) },
  { label: "hit by a failed job", kind: "mean/rep", values: (a) => cell(a.affected, 1, 1) },
  { label: "  their latency s", kind: "mean/rep", values: (a) => cell(a.affected_latency_s, 1, 1) },
  { label: "attempts/request", kind: "mean/rep", values: (a) => cell(a.attempts_per_request, 1, 4) },
  { label: "wasted GPU-s", kind: "mean/rep", values: (a) => cell(a.wasted_gpu_s, 1, 0) },
  { label: "hedges", kind: "mean/rep", values: (a) => cell(a.hedges, 1, 1) },
  { label: "users finally failed %", kind: "pooled", values: (a) => shareCell(a.users_failed) },
  { label: "user latency mean s", kind: "mean/rep", values: (a) => cell(a.user.latency_s.mean, 1, 1) },
  { label: "user latency p50 s", kind: "mean/rep", values: (a) => cell(a.user.latency_s.p50, 1, 1) },
  { label: "user latency p90 s", kind: "mean/rep", values: (a) => cell(a.user.latency_s.p90, 1, 1) },
  { label: "user latency p99 s", kind: "mean/rep", values: (a) => cell(a.user.latency_s.p99, 1, 1) },
  { label: "Δ success rate pp", kind: "paired", values: (a) => diffCell(a.vs_baseline?.success_rate, 100, 3) },
  { label: "Δ latency mean s", kind: "paired", values: (a) => diffCell(a.vs_baseline?.latency_mean_s, 1, 2) },
  { label: "Δ latency p99 s", kind: "paired", values: (a) => diffCell(a.vs_baseline?.latency_p99_s, 1, 1) },
  {
    label: "Δ time to failure s",
    kind: "paired",
    values: (a) => diffCell(a.vs_baseline?.time_to_failure_s, 1, 0),
  },
  {
    label: "Δ hit-by-failure lat. s",
    kind: "paired",
    values: (a) => diffCell(a.vs_baseline?.affected_latency_s, 1, 1),
  },
  { label: "Δ wasted GPU-s", kind: "paired", values: (a) => diffCell(a.vs_baseline?.wasted_gpu_s, 1, 0) },
  {
    label: "Δ user success pp",
    kind: "paired",
    values: (a) => diffCell(a.vs_baseline?.user_success_rate, 100, 3),
  },
  {
    label: "Δ user latency p99 s",
    kind: "paired",
    values: (a) => diffCell(a.vs_baseline?.user_latency_p99_s, 1, 1),
  },
];

const NO_ESTIMATE: Estimate = { mean: null, ci95: null };

/** The under-load rows, when the arms carry load figures: where time goes, MPS/s, and each class's wait. */
function loadRows(summary: Summary): Row[] {
  const first = summary.policies[0]?.load;
  if (first === null || first === undefined) return [];
  const classes = Object.keys(first.by_class);
  const rows: Row[] = [
    { label: "queue wait mean s", kind: "mean/rep", values: (a) => cell(a.load?.wait_mean_s ?? NO_ESTIMATE, 1, 1) },
    {
      label: "processing mean s",
      kind: "mean/rep",
      values: (a) => cell(a.load?.processing_mean_s ?? NO_ESTIMATE, 1, 1),
    },
    {
      label: "delivered MPS/s",
      kind: "mean/rep",
      values: (a) => cell(a.load?.delivered_mps_per_s ?? NO_ESTIMATE, 1, 2),
    },
    { label: "wasted MPS/s", kind: "mean/rep", values: (a) => cell(a.load?.wasted_mps_per_s ?? NO_ESTIMATE, 1, 3) },
  ];
  if (classes.length < 2) return rows;
  rows.push({
    label: "p90 wait worst/best cls",
    kind: "mean/rep",
    values: (a) => cell(a.load?.fairness_p90_wait_ratio ?? NO_ESTIMATE, 1, 1),
  });
  for (const c of classes) {
    rows.push({
      label: `${c}: user p90 s`,
      kind: "mean/rep",
      values: (a) => cell(a.load?.by_class[c]?.latency_p90_s ?? NO_ESTIMATE, 1, 1),
    });
    rows.push({
      label: `${c}: success %`,
      kind: "mean/rep",
      values: (a) => cell(a.load?.by_class[c]?.success_rate ?? NO_ESTIMATE, 100, 2),
    });
  }
  return rows;
}

/** Every arm side by side, in blocks of columns that fit `width` characters. */
export function formatComparisonTable(summary: Summary, width = 120): string {
  const rows = [...ROWS, ...loadRows(summary)];
  const labelWidth = Math.max(...rows.map((r) => r.label.length)) + 2 + KIND_WIDTH;
  const columns = summary.policies.map((arm) => {
    const cells = rows.map((r) => r.values(arm));
    return { name: arm.name, cells, width: Math.max(arm.name.length, ...cells.map((c) => c.length)) };
  });
  const blocks: (typeof columns)[] = [];
  let current: typeof columns = [];
  let used = labelWidth;
  for (const c of columns) {
    if (current.length > 0 && used + 2 + c.width > width) {
      blocks.push(current);
      current = [];
      used = labelWidth;
    }
    current.push(c);
    used += 2 + c.width;
  }
  if (current.length > 0) blocks.push(current);
  const lines: string[] = [
    `${summary.scenario.name}: ${summary.policies.length} arm(s) × ${summary.replications} replication(s), seed ${summary.seed}, warm-up ${summary.warmup_s} s of ${summary.horizon_s} s`,
  ];
  for (const block of blocks) {
    lines.push("");
    lines.push(`${"".padEnd(labelWidth)}  ${block.map((c) => c.name.padStart(c.width)).join("  ")}`);
    rows.forEach((row, i) => {
      const label = `${row.label.padEnd(labelWidth - KIND_WIDTH - 2)}  ${row.kind.padEnd(KIND_WIDTH)}`;
      lines.push(`${label}  ${block.map((c) => c.cells[i].padStart(c.width)).join("  ")}`);
    });
  }
  lines.push("");
  lines.push(
    "total: summed over the replications; pooled: in % of all replications' requests (or users) together,",
    "  with its Wilson 95 % interval; mean/rep: mean per replication ±half-width of the 95 % Student t interval",
    "  over replications (no ± with one replication; ? = the interval is wider than the figure: more replications",
    "  needed); paired (Δ): mean per replication of the difference from the first arm (same seeds: common random",
    "  numbers), Student t; * = its interval excludes 0",
  );
  return lines.join("\n");
}
