// The Horde model under load: one arm, one replication, records counted and dropped (nothing kept), the
// event-list size summed at each event through the simulator's observer (a few ns per event).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HordeModel } from "../src/horde/model.js";
import { createPolicy } from "../src/policies/registry.js";
import type { Scenario } from "../src/scenario/types.js";
import { parseScenario } from "../src/scenario-file/load.js";

/** A file of the repository (the first folder above this module with bench/horde-day.yaml), or of the cwd. */
export function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "bench", "horde-day.yaml"))) return join(dir, rel);
    const up = dirname(dir);
    if (up === dir) return resolve(rel);
    dir = up;
  }
}

export interface HordeCase {
  /** Repository-relative scenario file. */
  file: string;
  arm: string;
  seed: number;
  /** Overrides the horizon (seconds). */
  horizon?: number;
  /** Multiplies every arrival rate. */
  rateScale?: number;
  /** Multiplies every worker group's count (rounded, at least 1). */
  workerScale?: number;
}

export interface HordeResult {
  case: HordeCase;
  workers: number;
  events: number;
  requests: number;
  jobs: number;
  records: number;
  /** Requests that completed (the "customers" served). */
  completed: number;
  mean_event_list: number;
  wall_s: number;
  events_per_s: number;
  requests_per_s: number;
  completed_per_s: number;
}

export function loadCase(c: HordeCase): Scenario {
  const file = repoFile(c.file);
  const sc = parseScenario(readFileSync(file, "utf8"), c.file);
  if (c.horizon !== undefined) sc.horizon = c.horizon;
  const rs = c.rateScale ?? 1;
  if (rs !== 1) for (const a of sc.arrivals) a.rate = a.rate.map((s) => ({ from: s.from, rate: s.rate * rs }));
  const ws = c.workerScale ?? 1;
  if (ws !== 1) sc.workers = sc.workers.map((g) => ({ ...g, count: Math.max(1, Math.round(g.count * ws)) }));
  return sc;
}

export function runHorde(c: HordeCase): HordeResult {
  const sc = loadCase(c);
  const arm = sc.policies.find((p) => p.name === c.arm);
  if (arm === undefined) throw new Error(`${c.file}: no arm ${c.arm}`);
  let records = 0;
  let completed = 0;
  const count = () => {
    records++;
  };
  const t0 = performance.now();
  const model = new HordeModel({
    scenario: sc,
    policy: (ctx) => createPolicy(arm, ctx),
    replication: 1,
    seed: c.seed,
    sink: {
      request: (r) => {
        records++;
        if (r.outcome === "completed") completed++;
      },
      user: count,
      attempt: count,
      worker: count,
      sample: count,
    },
  });
  const sim = model.sim;
  const queue = sim.queue;
  // A typed slot, not a number variable: past 2^31 a captured number would be boxed at every event.
  const listSum = new Float64Array(1);
  sim.observer = () => {
    listSum[0] += queue.size + 1;
  };
  model.run();
  const wall = (performance.now() - t0) / 1000;
  return {
    case: c,
    workers: model.workers.length,
    events: sim.events,
    requests: model.requests.length,
    jobs: model.jobs.length,
    records,
    completed,
    mean_event_list: listSum[0] / sim.events,
    wall_s: wall,
    events_per_s: sim.events / wall,
    requests_per_s: model.requests.length / wall,
    completed_per_s: completed / wall,
  };
}
