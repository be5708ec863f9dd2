// What `run` adds to summary.json to help decide: the verdict per objective, the headlines in words, and the
// per-replication figures behind every interval (so a reader sees which replication dominates one).
// JSON-able: numbers without a value are null.
import type { Objective } from "../scenario/types.js";
import { type ArmReplications, chosenFigures, decideAll, formatDecisions } from "./decisions.js";
import { type Dominance, dominantReplication } from "./dominance.js";
import { FIGURES, type FigureName } from "./figures.js";
import { type Headlines, headlines } from "./headlines.js";
import type { Verdict } from "./verdict.js";

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
  /** One table per figure some objective names. */
  per_replication: ReplicationTable[];
}

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

export function decisionSections(objectives: readonly Objective[], arms: readonly ArmReplications[]): DecisionSections {
  const decisions = decideAll(objectives, arms);
  return {
    headlines: decisions.length === 0 || arms.length === 0 ? null : headlines(decisions[0], arms),
    decisions,
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
 * What `run` prints after the comparison table: the per-replication table of each minimised figure, then
 * (after `procedure`, how a sequential procedure ended) the verdicts.
 */
export function formatDecisionSections(s: DecisionSections, procedure: string | null = null): string {
  const minimised = new Set(s.decisions.map((d) => d.objective.minimise));
  const parts = s.per_replication.filter((t) => minimised.has(t.figure)).map(formatReplicationTable);
  if (procedure !== null) parts.push(procedure);
  parts.push(formatDecisions(s.decisions));
  return parts.join("\n\n");
}
