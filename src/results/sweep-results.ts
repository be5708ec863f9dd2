// The files of a finished sweep (sweep.json, sweep.csv, sweep-summary.csv), derived only from the plan and the
// unit results (in canonical order), so an unsharded run, a resumed run and a merge of shards write the same
// bytes; and the shape of sweep.json, which the report reads.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PlannedCell } from "../experiment/sweep-grid.js";
import type { SweepGrid } from "../experiment/sweep-types.js";
import type { UnitResult } from "../experiment/sweep-units.js";
import { type BestArm, bestArm } from "../metrics/best-arm.js";
import { type Estimate, estimate } from "../metrics/intervals.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import { jsonNumber } from "../metrics/summary.js";
import type { FigureName } from "../scenario/figures.js";
import { formatField } from "./csv.js";

/** A cell's figures over its replications: mean and 95 % Student t interval of the per-replication values. */
export interface CellSummary {
  cell: number;
  grid: number;
  policy: string;
  label: string;
  values: Record<string, string>;
  replications: number;
  success_rate: Estimate;
  /** (faulted + expired + abandoned) / ended requests: 1 − success_rate. */
  failure_rate: Estimate;
  latency_mean_s: Estimate;
  latency_p50_s: Estimate;
  latency_p99_s: Estimate;
  wasted_gpu_s: Estimate;
  attempts_per_request: Estimate;
  affected_latency_s: Estimate;
  user_latency_p90_s: Estimate;
  user_latency_p99_s: Estimate;
}

/** One setting of a grid with two or more arms: which arm has the lowest user p90 latency, and the ties. */
export interface BestCell extends BestArm {
  grid: number;
  values: Record<string, string>;
  figure: FigureName;
}

/**
 * The figures the robustness map ranks arms on: the users' p90 latency (the tail most of them meet), then
 * their mean latency (which counts the few requests a failure hits, where p90 does not see them).
 */
export const BEST_ARM_FIGURES: readonly FigureName[] = ["user_latency_p90_s", "user_latency_mean_s"];

export interface SweepSummary {
  scenario: { name: string; sha256: string };
  hordesim_version: string;
  seed: number;
  replications: number;
  grids: SweepGrid[];
  cells: CellSummary[];
  best: BestCell[];
}

export interface SweepMeta {
  scenario: { name: string; sha256: string };
  hordesim_version: string;
  seed: number;
  replications: number;
  grids: SweepGrid[];
}

/** Per-replication figures in sweep.csv, in column order. */
const UNIT_COLUMNS: [string, (s: ReplicationStats) => number][] = [
  ["requests", (s) => s.requests],
  ["completed", (s) => s.completed],
  ["faulted", (s) => s.faulted],
  ["expired", (s) => s.expired],
  ["abandoned", (s) => s.abandoned],
  ["open", (s) => s.open],
  ["success_rate", (s) => s.success_rate],
  ["latency_mean_s", (s) => s.latency.mean],
  ["latency_p50_s", (s) => s.latency.p50],
  ["latency_p90_s", (s) => s.latency.p90],
  ["latency_p99_s", (s) => s.latency.p99],
  ["latency_max_s", (s) => s.latency.max],
  ["time_to_failure_s", (s) => s.time_to_failure_s],
  ["attempts_per_request", (s) => s.attempts_per_request],
  ["wasted_gpu_s", (s) => s.wasted_gpu_s],
  ["hedges", (s) => s.hedges],
  ["affected", (s) => s.affected],
  ["affected_latency_s", (s) => s.affected_latency_s],
  ["user_success_rate", (s) => s.user_success_rate],
  ["user_latency_mean_s", (s) => s.user_latency.mean],
  ["user_latency_p50_s", (s) => s.user_latency.p50],
  ["user_latency_p90_s", (s) => s.user_latency.p90],
  ["user_latency_p99_s", (s) => s.user_latency.p99],
  ["user_failure_latency_s", (s) => s.user_failure_latency_s],
];

type EstimateKey = Exclude<keyof CellSummary, "cell" | "grid" | "policy" | "label" | "values" | "replications">;

const SUMMARY_FIGURES: [EstimateKey, (s: ReplicationStats) => number][] = [
  ["success_rate", (s) => s.success_rate],
  ["failure_rate", (s) => (Number.isNaN(s.success_rate) ? Number.NaN : 1 - s.success_rate)],
  ["latency_mean_s", (s) => s.latency.mean],
  ["latency_p50_s", (s) => s.latency.p50],
  ["latency_p99_s", (s) => s.latency.p99],
  ["wasted_gpu_s", (s) => s.wasted_gpu_s],
  ["attempts_per_request", (s) => s.attempts_per_request],
  ["affected_latency_s", (s) => s.affected_latency_s],
  ["user_latency_p90_s", (s) => s.user_latency.p90],
  ["user_latency_p99_s", (s) => s.user_latency.p99],
];

/** Every swept path, in order of first appearance over the grids: one column each. */
export function paramColumns(grids: readonly SweepGrid[]): string[] {
  const out: string[] = [];
  for (const g of grids) for (const p of g.params) if (!out.includes(p.path)) out.push(p.path);
  return out;
}

/** Each cell's results, replication 1 first; throws if a unit is missing. */
export function unitsByCell(
  cells: readonly PlannedCell[],
  units: readonly UnitResult[],
  replications: number,
): UnitResult[][] {
  const byCell: (UnitResult | undefined)[][] = cells.map(() => new Array(replications).fill(undefined));
  for (const u of units) byCell[u.cell][u.replication - 1] = u;
  return byCell.map((reps, c) =>
    reps.map((u, r) => {
      if (u === undefined) throw new Error(`sweep results miss cell ${c} replication ${r + 1}`);
      return u;
    }),
  );
}

function tidyEstimate(e: Estimate): Estimate {
  return {
    mean: e.mean === null ? null : jsonNumber(e.mean),
    ci95: e.ci95 === null ? null : [jsonNumber(e.ci95[0]) ?? 0, jsonNumber(e.ci95[1]) ?? 0],
  };
}

export function summarizeCells(cells: readonly PlannedCell[], byCell: UnitResult[][]): CellSummary[] {
  return cells.map((cell, c) => {
    const reps = byCell[c].map((u) => u.stats);
    const out = {
      cell: cell.index,
      grid: cell.grid,
      policy: cell.policy,
      label: cell.label,
      values: { ...cell.values },
      replications: reps.length,
    } as CellSummary;
    for (const [key, pick] of SUMMARY_FIGURES) out[key] = tidyEstimate(estimate(reps.map(pick)));
    return out;
  });
}

/** Per grid with two or more arms, per setting of its parameters and per BEST_ARM_FIGURES: the best arm. */
export function bestArms(cells: readonly PlannedCell[], byCell: UnitResult[][]): BestCell[] {
  const settings = new Map<
    string,
    { grid: number; values: Record<string, string>; arms: { name: string; reps: ReplicationStats[] }[] }
  >();
  cells.forEach((cell, c) => {
    const key = JSON.stringify([cell.grid, cell.values]);
    let s = settings.get(key);
    if (s === undefined) {
      s = { grid: cell.grid, values: { ...cell.values }, arms: [] };
      settings.set(key, s);
    }
    s.arms.push({ name: cell.policy, reps: byCell[c].map((u) => u.stats) });
  });
  const out: BestCell[] = [];
  for (const figure of BEST_ARM_FIGURES)
    for (const s of settings.values()) {
      if (s.arms.length < 2) continue;
      const best = bestArm(figure, s.arms);
      out.push({
        grid: s.grid,
        values: s.values,
        figure,
        best: best.best,
        tied: best.tied,
        arms: best.arms.map((a) => ({
          name: a.name,
          mean: a.mean === null ? null : jsonNumber(a.mean),
          half_width: a.half_width === null ? null : jsonNumber(a.half_width),
        })),
      });
    }
  return out;
}

function csvLine(fields: unknown[]): string {
  return `${fields.map(formatField).join(",")}\n`;
}

export function sweepCsv(meta: SweepMeta, cells: readonly PlannedCell[], byCell: UnitResult[][]): string {
  const params = paramColumns(meta.grids);
  const lines = [csvLine(["cell", "policy", ...params, "replication", ...UNIT_COLUMNS.map(([name]) => name)])];
  cells.forEach((cell, c) => {
    for (const u of byCell[c]) {
      lines.push(
        csvLine([
          cell.index,
          cell.policy,
          ...params.map((p) => cell.values[p] ?? ""),
          u.replication,
          ...UNIT_COLUMNS.map(([, pick]) => pick(u.stats)),
        ]),
      );
    }
  });
  return lines.join("");
}

export function sweepSummaryCsv(meta: SweepMeta, summaries: readonly CellSummary[]): string {
  const params = paramColumns(meta.grids);
  const figures = SUMMARY_FIGURES.map(([k]) => k);
  const header = ["cell", "policy", ...params, "replications"];
  for (const f of figures) header.push(f, `${f}_lo`, `${f}_hi`);
  const lines = [csvLine(header)];
  for (const s of summaries) {
    const row: unknown[] = [s.cell, s.policy, ...params.map((p) => s.values[p] ?? ""), s.replications];
    for (const f of figures) {
      const e = s[f];
      row.push(e.mean, e.ci95?.[0] ?? null, e.ci95?.[1] ?? null);
    }
    lines.push(csvLine(row));
  }
  return lines.join("");
}

/** Writes sweep.csv, sweep-summary.csv, sweep.json and scenario.yaml into `dir`; returns the summary. */
export function writeSweepTables(
  dir: string,
  meta: SweepMeta,
  scenarioText: string,
  cells: readonly PlannedCell[],
  units: readonly UnitResult[],
): SweepSummary {
  const byCell = unitsByCell(cells, units, meta.replications);
  const summary: SweepSummary = { ...meta, cells: summarizeCells(cells, byCell), best: bestArms(cells, byCell) };
  writeFileSync(join(dir, "sweep.csv"), sweepCsv(meta, cells, byCell));
  writeFileSync(join(dir, "sweep-summary.csv"), sweepSummaryCsv(meta, summary.cells));
  writeFileSync(join(dir, "sweep.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, "scenario.yaml"), scenarioText);
  return summary;
}

function cellText(e: Estimate, scale: number, digits: number): string {
  if (e.mean === null) return "—";
  const m = (e.mean * scale).toFixed(digits);
  if (e.ci95 === null) return m;
  return `${m} ±${(((e.ci95[1] - e.ci95[0]) / 2) * scale).toFixed(digits)}`;
}

/**
 * A short name for each path, for legends and subtitles: its last two dotted segments (`ttl.floor`,
 * `reassignment[1].base`), or more when another path ends the same way, or the whole path.
 */
export function shortNames(paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const split = paths.map((p) => p.split("."));
  paths.forEach((p, i) => {
    const seg = split[i];
    let name = p;
    for (let k = Math.min(2, seg.length); k < seg.length; k++) {
      const suffix = seg.slice(-k).join(".");
      const clash = paths.some((q, j) => q !== p && split[j].slice(-k).join(".") === suffix);
      if (!clash) {
        name = suffix;
        break;
      }
    }
    out.set(p, name);
  });
  return out;
}

/** The table printed at the end of a sweep, one block per grid; `front` marks the Pareto-optimal cells. */
export function formatSweepTable(summary: SweepSummary, front: ReadonlySet<number>): string {
  const lines = [
    `${summary.scenario.name}: sweep of ${summary.cells.length} cell(s) × ${summary.replications} replication(s), seed ${summary.seed}`,
  ];
  summary.grids.forEach((grid, gi) => {
    const paths = grid.params.map((p) => p.path);
    const short = shortNames(paths);
    const names = paths.map((p) => short.get(p) ?? p);
    const head = ["arm", ...names, "p99 latency s", "failed %", "wasted GPU-s", "hit-by-failure latency s", ""];
    const rows = summary.cells
      .filter((c) => c.grid === gi)
      .map((c) => [
        c.policy,
        ...paths.map((p) => c.values[p] ?? ""),
        cellText(c.latency_p99_s, 1, 1),
        cellText(c.failure_rate, 100, 3),
        cellText(c.wasted_gpu_s, 1, 0),
        cellText(c.affected_latency_s, 1, 1),
        front.has(c.cell) ? "◆" : "",
      ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) =>
      r
        .map((x, i) => (i <= paths.length ? x.padEnd(widths[i]) : x.padStart(widths[i])))
        .join("  ")
        .trimEnd();
    lines.push("", `grid ${gi + 1}: ${paths.map((p, i) => (names[i] === p ? p : `${names[i]} = ${p}`)).join(", ")}`);
    lines.push(fmt(head), ...rows.map(fmt));
  });
  lines.push(
    "",
    "cells: mean ±half-width of the 95 % Student t interval over replications (common random numbers across cells);",
    "◆: on the Pareto front: no other cell has both a lower mean p99 latency and fewer mean wasted GPU-seconds",
  );
  return lines.join("\n");
}
