// One unit of a sweep: a cell (an arm under one assignment of swept values) in one replication. A unit is a
// pure function of the scenario text, the grids, the seed and (cell, replication), so any process may run it:
// this thread, a worker thread, or another machine's shard.
import { loadReferencedModules } from "../user-rules/load.js";
import type { ReplicationStats } from "../metrics/replication-stats.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { readScenarioYaml, type ScenarioYaml } from "../scenario-file/load.js";
import { runUnit } from "./run-unit.js";
import { cellScenario, describeGrids, enumerateCells, type PlannedCell, type ResolvedGrid } from "./sweep-grid.js";

/** Everything a process needs to run any unit of a sweep (structured-cloneable, for worker threads). */
export interface SweepPlanData {
  text: string;
  file: string;
  grids: ResolvedGrid[];
  seed: number;
}

export interface UnitTask {
  cell: number;
  /** 1-based. */
  replication: number;
}

export interface UnitResult extends UnitTask {
  events: number;
  stats: ReplicationStats;
}

/** Runs units of one plan; parses the scenario once and builds each cell's scenario once. */
export class SweepUnitRunner {
  private readonly yaml: ScenarioYaml;
  private readonly cells: PlannedCell[];
  private readonly cache = new Map<number, { scenario: Scenario; arm: PolicyConfig }>();

  private constructor(
    private readonly plan: SweepPlanData,
    yaml: ScenarioYaml,
  ) {
    this.yaml = yaml;
    this.cells = enumerateCells(describeGrids(plan.grids));
  }

  /** A runner for the plan, once the users' rules and failure modes the scenario names are loaded. */
  static async create(plan: SweepPlanData): Promise<SweepUnitRunner> {
    const yaml = readScenarioYaml(plan.text, plan.file);
    await loadReferencedModules(yaml);
    return new SweepUnitRunner(plan, yaml);
  }

  private cellSetup(index: number): { scenario: Scenario; arm: PolicyConfig } {
    let setup = this.cache.get(index);
    if (setup === undefined) {
      const cell = this.cells[index];
      if (cell === undefined) throw new Error(`no cell ${index} in this sweep`);
      setup = cellScenario(this.yaml, this.plan.grids[cell.grid], cell);
      this.cache.set(index, setup);
    }
    return setup;
  }

  run(task: UnitTask): UnitResult {
    const { scenario, arm } = this.cellSetup(task.cell);
    const result = runUnit({ scenario, arm, seed: this.plan.seed, replication: task.replication });
    return { cell: task.cell, replication: task.replication, events: result.events, stats: result.stats };
  }
}

/** A unit result as one line of units.jsonl. JSON keeps every double exactly; NaN is written as null. */
export function encodeUnit(u: UnitResult): string {
  return `${JSON.stringify({ cell: u.cell, replication: u.replication, events: u.events, stats: u.stats })}\n`;
}

function nullToNaN(v: unknown): unknown {
  if (v === null) return Number.NaN;
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = nullToNaN(x);
    return out;
  }
  return v;
}

/** Reads a line written by encodeUnit; undefined for a line cut short by a kill (or anything else). */
export function decodeUnit(line: string): UnitResult | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(r.cell) || !Number.isSafeInteger(r.replication) || typeof r.stats !== "object")
    return undefined;
  return {
    cell: r.cell as number,
    replication: r.replication as number,
    events: Number(r.events),
    stats: nullToNaN(r.stats) as ReplicationStats,
  };
}

/** The position of a unit in the canonical order: cell by cell, replications within a cell. */
export const unitKey = (cell: number, replication: number, replications: number) =>
  cell * replications + replication - 1;
