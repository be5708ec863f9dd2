// A run against a /status/performance snapshot: per replication, the time-average after the warm-up of the
// queue samples' Horde figures; per arm, their mean and 95 % interval over replications beside the snapshot's
// figure and the relative difference (simulated − snapshot) / snapshot.
import type { QueueSample } from "../horde/record-types.js";
import type { StatusTargets } from "../scenario/types.js";
import { type Estimate, estimate } from "./intervals.js";

export const STATUS_FIGURES = ["queued_requests", "queued_mps", "delivered_mps_per_s"] as const;
export type StatusFigure = (typeof STATUS_FIGURES)[number];

/** One replication's time-averages; NaN with no sample after the warm-up. */
export type StatusAverages = Record<StatusFigure, number>;

const LABEL: Record<StatusFigure, string> = {
  queued_requests: "queued requests",
  queued_mps: "queued MPS",
  delivered_mps_per_s: "delivered MPS/s",
};

/**
 * Averages the samples taken at or after the warm-up. Samples are equally spaced, so their mean is the
 * time-average over the post-warm-up horizon.
 */
export class StatusAverager {
  private n = 0;
  private queued = 0;
  private mps = 0;
  private delivered = 0;

  constructor(private readonly warmup: number) {}

  add(s: QueueSample): void {
    if (s.t_s < this.warmup) return;
    this.n++;
    this.queued += s.queued_requests;
    this.mps += s.queued_mps;
    // the Horde's past_minute_megapixelsteps is a minute's worth
    this.delivered += s.delivered_mps / 60;
  }

  finish(): StatusAverages {
    const n = this.n;
    return {
      queued_requests: n === 0 ? Number.NaN : this.queued / n,
      queued_mps: n === 0 ? Number.NaN : this.mps / n,
      delivered_mps_per_s: n === 0 ? Number.NaN : this.delivered / n,
    };
  }
}

export interface TargetFigure {
  figure: StatusFigure;
  simulated: Estimate;
  target: number;
  /** (simulated mean − target) / target; null when either is missing or the target is 0. */
  relative_diff: number | null;
}

export interface ArmTargets {
  name: string;
  figures: TargetFigure[];
}

export interface TargetComparison {
  source: string;
  /** Baseline first, as the arms are listed. */
  policies: ArmTargets[];
}

export function relativeDifference(simulated: number | null, target: number): number | null {
  if (simulated === null || !Number.isFinite(simulated) || target === 0) return null;
  return (simulated - target) / target;
}

/** Every arm's figures beside the targets the scenario names (figures it leaves out are left out). */
export function compareTargets(
  targets: StatusTargets,
  arms: readonly { policy: string; reps: readonly StatusAverages[] }[],
): TargetComparison {
  const named = STATUS_FIGURES.filter((f) => targets[f] !== undefined);
  return {
    source: targets.source,
    policies: arms.map(({ policy, reps }) => ({
      name: policy,
      figures: named.map((figure) => {
        const target = targets[figure] as number;
        const simulated = estimate(reps.map((r) => r[figure]));
        return { figure, simulated, target, relative_diff: relativeDifference(simulated.mean, target) };
      }),
    })),
  };
}

/** A number to 4 significant digits at most, without an exponent. */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return "—";
  if (Math.abs(x) >= 1000) return Math.round(x).toString();
  return String(Number(x.toPrecision(4)));
}

export function percent(x: number | null): string {
  if (x === null) return "—";
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x * 100).toFixed(1)} %`;
}

function simulatedCell(f: TargetFigure): string {
  const e = f.simulated;
  if (e.mean === null) return "—";
  const ci = e.ci95 === null ? "" : ` [${shortNumber(e.ci95[0])}, ${shortNumber(e.ci95[1])}]`;
  return `${shortNumber(e.mean)}${ci} ${percent(f.relative_diff)}`;
}

/** One row per arm (the snapshot's row first), one column per figure: mean [95 % interval] and the difference. */
export function formatTargetTable(c: TargetComparison, replications: number): string {
  const figures = c.policies[0]?.figures ?? [];
  const header = ["", ...figures.map((f) => LABEL[f.figure])];
  const rows = [
    ["snapshot", ...figures.map((f) => shortNumber(f.target))],
    ...c.policies.map((arm) => [arm.name, ...arm.figures.map(simulatedCell)]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("   ");
  return [
    `simulated vs snapshot (${c.source}): time-average after the warm-up, mean [95 % interval over ${replications} replication(s)] and the difference from the snapshot`,
    "",
    line(header),
    ...rows.map(line),
  ].join("\n");
}
