// What `run` adds to summary.json to help decide: the verdict per objective, the paired per-request
// estimator of each arm against the baseline, and the per-replication figures behind every interval (so a
// reader sees which replication dominates one). JSON-able: numbers without a value are null.
import type { Objective } from "../scenario/types.js";
import { type ArmReplications, chosenFigures, decideAll, formatDecisions } from "./decisions.js";
import { type Dominance, dominantReplication } from "./dominance.js";
import { FIGURES, type FigureName } from "./figures.js";
import { type Headlines, headlines } from "./headlines.js";
import type { ArmPairedEstimate } from "./paired-collector.js";
import type { Verdict } from "./verdict.js";

export interface ArmPaired extends ArmPairedEstimate {
  name: string;
}

export interface PairedHitSummary {
  /** The arm every other is compared with (the first one run). */
  baseline: string;
  method: string;
  /** Every other arm with at least one replication in common with the baseline, in the scenario's order. */
  arms: ArmPaired[];
}

export interface ReplicationRow {
  name: string;
  /** One per replication run, in order; null where the figure has no value. */
  values: (number | null)[];
  /** This arm minus the baseline per common replication, and whether one replication dominates their interval. */
  vs_baseline: { differences: (number | null)[]; dominance: Dominance | null } | null;
}

export interface ReplicationTable {
  figure: FigureName;
  arms: ReplicationRow[];
}

export interface DecisionSections {
  /** The first objective's recommendation and every arm's changes against the baseline, in words. */
  headlines: Headlines | null;
  decisions: Verdict[];
  paired_hit: PairedHitSummary | null;
  /** One table per figure some objective names. */
  per_replication: ReplicationTable[];
}

export const PAIRED_METHOD =
  "over the arrivals a failed job hit in the baseline, arm − baseline latency of the same arrival (common random numbers), pairs where both completed; mean per replication, 95 % Student t interval over replications; a replication dominates when Grubbs' two-sided 5 % test flags it";

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

function table(figure: FigureName, arms: readonly ArmReplications[]): ReplicationTable {
  const of = FIGURES[figure].of;
  const base = arms[0]?.reps.map(of) ?? [];
  return {
    figure,
    arms: arms.map((a, i) => {
      const values = a.reps.map(of);
      if (i === 0) return { name: a.policy, values: values.map(orNull), vs_baseline: null };
      const n = Math.min(values.length, base.length);
      const differences = values.slice(0, n).map((x, r) => x - base[r]);
      return {
        name: a.policy,
        values: values.map(orNull),
        vs_baseline: { differences: differences.map(orNull), dominance: dominantReplication(differences) },
      };
    }),
  };
}

/**
 * Each arm's replications with `hit_latency_change_s` set from the paired estimator: the arm's mean paired
 * difference from the baseline in that replication, 0 for the baseline, NaN where the arm has none.
 */
export function withHitLatencyChange(
  arms: readonly ArmReplications[],
  paired: readonly (ArmPairedEstimate | null)[],
): ArmReplications[] {
  if (!paired.some((e) => e !== null && e !== undefined)) return [...arms];
  return arms.map((a, i) => {
    const byReplication = new Map<number, number>();
    const e = paired[i];
    if (e !== null && e !== undefined)
      e.replication_numbers.forEach((r, k) => {
        byReplication.set(r, e.replications[k].mean_difference);
      });
    return {
      policy: a.policy,
      reps: a.reps.map((rep, r) => ({
        ...rep,
        hit_latency_change_s: i === 0 ? 0 : (byReplication.get(r + 1) ?? Number.NaN),
      })),
    };
  });
}

/** `paired[a]` is arm a's estimate against arm 0 (null for arm 0 and for arms with none). */
export function decisionSections(
  objectives: readonly Objective[],
  measured: readonly ArmReplications[],
  paired: readonly (ArmPairedEstimate | null)[],
): DecisionSections {
  const arms = withHitLatencyChange(measured, paired);
  const pairedArms = arms.flatMap((a, i) => {
    const e = paired[i];
    return e === null || e === undefined ? [] : [{ name: a.policy, ...e }];
  });
  const decisions = decideAll(objectives, arms);
  return {
    headlines: decisions.length === 0 || arms.length === 0 ? null : headlines(decisions[0], arms, paired),
    decisions,
    paired_hit: arms.length < 2 ? null : { baseline: arms[0].policy, method: PAIRED_METHOD, arms: pairedArms },
    per_replication: chosenFigures(objectives).map((f) => table(f, arms)),
  };
}

// ---------------------------------------------------------------- the printed tables

/** Three significant digits, no unit: table cells. */
function cell(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "—";
  if (x === 0) return "0";
  return String(Number(x.toPrecision(3)));
}

const signed = (x: number | null) => (x !== null && x > 0 ? `+${cell(x)}` : cell(x));

const interval = (ci: [number, number] | null) => (ci === null ? "—" : `[${signed(ci[0])}, ${signed(ci[1])}]`);

/** Columns padded to their widest cell; the first left-aligned, the others right-aligned. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c])))
      .join("  ")
      .trimEnd(),
  );
}

/** Beyond this many replications the printed tables give a range instead of every value (summary.json has them). */
export const PRINTED_REPLICATIONS = 12;

/** The range of the values and the replication farthest from their mean (its share of the spread). */
function range(values: readonly (number | null)[], d: Dominance | null, numbers: readonly number[]): string {
  const xs = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (xs.length === 0) return "—";
  const span = `${signed(Math.min(...xs))} to ${signed(Math.max(...xs))}`;
  if (d === null) return span;
  return `${span}; farthest r${numbers[d.replication]} (${Math.round(d.share * 100)} % of the spread)${d.dominated ? "!" : ""}`;
}

/** Per-replication values, the dominant one marked with "!"; a range when there are many. */
function perReplication(
  values: readonly (number | null)[],
  dominance: Dominance | null,
  numbers: readonly number[],
): string {
  if (values.length > PRINTED_REPLICATIONS) return range(values, dominance, numbers);
  return values
    .map((x, r) => `${signed(x)}${dominance?.dominated === true && dominance.replication === r ? "!" : ""}`)
    .join(" ");
}

function dominanceNote(name: string, d: Dominance | null, replicationNumber: number): string | null {
  if (d === null || !d.dominated) return null;
  return `  ! ${name}: replication ${replicationNumber} holds ${Math.round(d.share * 100)} % of the spread (Grubbs 5 %); without it ${signed(d.without.mean)} ${interval(d.without.ci95)}`;
}

/** "requests hit by a failed job, paired": one line per arm, with its per-replication means. */
export function formatPairedTable(p: PairedHitSummary): string {
  if (p.arms.length === 0) return `requests hit by a failed job, paired with ${p.baseline}: no other arm`;
  const head = ["arm", "paired s", "95 % interval", "unpaired s", "hit", "pairs", "arm failed", "per replication s"];
  const rows = p.arms.map((a) => {
    const sum = (k: "hit" | "pairs" | "arm_failed") => String(a.replications.reduce((t, r) => t + r[k], 0));
    const unpaired = a.replications.map((r) => r.unpaired_difference).filter(Number.isFinite);
    const meanUnpaired = unpaired.length === 0 ? null : unpaired.reduce((t, x) => t + x, 0) / unpaired.length;
    return [
      a.name,
      signed(a.mean),
      interval(a.ci95),
      signed(meanUnpaired),
      sum("hit"),
      sum("pairs"),
      sum("arm_failed"),
      perReplication(
        a.replications.map((r) => orNull(r.mean_difference)),
        a.dominance,
        a.replication_numbers,
      ),
    ];
  });
  const notes = p.arms
    .map((a) => dominanceNote(a.name, a.dominance, a.replication_numbers[a.dominance?.replication ?? 0]))
    .filter((n): n is string => n !== null);
  return [
    `requests hit by a failed job in ${p.baseline}, paired: arm − ${p.baseline} latency of the same arrivals (paired s and interval: mean per replication, Student t; hit, pairs, arm failed: totals over replications)`,
    ...columns([head, ...rows]).map((l) => `  ${l}`),
    ...notes,
  ].join("\n");
}

/** The figure per arm per replication, and each arm's difference from the baseline with its dominant replication. */
export function formatReplicationTable(t: ReplicationTable): string {
  const info = FIGURES[t.figure];
  const scale = info.unit === "fraction" ? 100 : 1;
  const unit = info.unit === "fraction" ? " (%)" : info.unit === "seconds" ? " (s)" : "";
  const scaled = (x: number | null) => cell(x === null ? null : x * scale);
  const n = Math.max(0, ...t.arms.map((a) => a.values.length));
  const many = n > PRINTED_REPLICATIONS;
  const numbers = Array.from({ length: n }, (_, r) => r + 1);
  const head = many
    ? ["arm", "min", "max", `difference from ${t.arms[0]?.name ?? "the baseline"}`]
    : ["arm", ...numbers.map((r) => `r${r}`)];
  const rows = t.arms.map((a) => {
    const d = a.vs_baseline?.dominance ?? null;
    if (many) {
      const xs = a.values.filter((x): x is number => x !== null);
      const scaledDiffs = a.vs_baseline?.differences.map((x) => (x === null ? null : x * scale)) ?? [];
      return [
        a.name,
        xs.length === 0 ? "—" : scaled(Math.min(...xs)),
        xs.length === 0 ? "—" : scaled(Math.max(...xs)),
        a.vs_baseline === null ? "(baseline)" : range(scaledDiffs, d, numbers),
      ];
    }
    return [
      a.name,
      ...numbers.map((r) =>
        r <= a.values.length
          ? `${scaled(a.values[r - 1])}${d?.dominated === true && d.replication === r - 1 ? "!" : ""}`
          : "",
      ),
    ];
  });
  const notes = t.arms
    .map((a) => {
      const d = a.vs_baseline?.dominance ?? null;
      if (d === null || !d.dominated) return null;
      return `  ! ${a.name} − ${t.arms[0].name}: replication ${d.replication + 1} holds ${Math.round(d.share * 100)} % of the spread of the differences (Grubbs 5 %)`;
    })
    .filter((x): x is string => x !== null);
  const title = `${info.label}${unit} per replication${many ? ` (${n} replications: every value is in summary.json)` : ""}`;
  return [title, ...columns([head, ...rows]).map((l) => `  ${l}`), ...notes].join("\n");
}

/**
 * What `run` prints after the comparison table: the per-replication table of each minimised figure, the
 * paired table, then (after `procedure`, how a sequential procedure ended) the verdicts.
 */
export function formatDecisionSections(s: DecisionSections, procedure: string | null = null): string {
  const minimised = new Set(s.decisions.map((d) => d.objective.minimise));
  const parts = s.per_replication.filter((t) => minimised.has(t.figure)).map(formatReplicationTable);
  if (s.paired_hit !== null) parts.push(formatPairedTable(s.paired_hit));
  if (procedure !== null) parts.push(procedure);
  parts.push(formatDecisions(s.decisions));
  return parts.join("\n\n");
}
