// The fleet: the workers of every group, each with its own speed, poll phase and random streams, and the
// fleet's median measured speed.
//
// Rules (docs/model.md):
// - §4.1 speed: the server's measure of a worker is the mean of its last 20 pop-to-submit samples
//   (horde/database/threads.py: refresh_worker_speeds), the baseline 1 MPS/s without samples
//   (WorkerTemplate._baseline_speed); Worker.measuredSpeed / recordSpeed hold the ring of samples.
// - a failure mode with a share below 1 belongs to the group's first round(share × count) workers only.
// - §5.2 pop cadence: every worker's pop loop (reGen _api_call_loop) starts at its own point of its first
//   idle period, drawn per replication; from then on the loop's turns follow its answers (worker-polling.ts).
import { mean } from "../engine/distributions.js";
import type { Distribution, FailureMode, WorkerGroup } from "../scenario/types.js";
import { buildFailureMode } from "./failure-modes.js";
import type { HordeState } from "./state.js";
import { Worker } from "./worker.js";

/** Worker names: the group's name for a group of one, else name-001, name-002, ... */
export function workerName(group: string, index: number, count: number): string {
  if (count === 1) return group;
  return `${group}-${String(index + 1).padStart(String(count).length, "0")}`;
}

/** The failure modes of the group's i-th worker. */
export function failuresOf(g: WorkerGroup, i: number): FailureMode[] {
  if (g.failures.every((f) => f.share >= 1)) return g.failures;
  return g.failures.filter((f) => i < Math.round(f.share * g.count));
}

/** Builds every worker, groups in name order (so the order of groups in the file does not matter). */
export function buildFleet(s: HordeState): void {
  const groups = [...s.scenario.workers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sampleLimit = s.scenario.server.speed.samples;
  const sampler = (d: Distribution) => s.sampler(d);
  for (const g of groups) {
    const speedOf = s.sampler(g.speed);
    const idleRoundTrip = mean(g.pop_round_trip);
    const idlePeriod = g.poll_interval + idleRoundTrip;
    for (let i = 0; i < g.count; i++) {
      const name = workerName(g.name, i, g.count);
      const speed = Math.max(1e-9, speedOf(s.streams.stream(`worker/${name}/speed`)));
      const first = s.streams.stream(`worker/${name}/phase`).next() * idlePeriod;
      const w = new Worker(
        s.workers.length,
        name,
        g,
        speed,
        first - idlePeriod,
        idleRoundTrip,
        sampleLimit,
        failuresOf(g, i),
      );
      s.workerPopRng.push(s.streams.stream(`worker/${name}/pops`));
      s.workers.push(w);
      s.workerJobRng.push(s.streams.stream(`worker/${name}/jobs`));
      s.workerOutageRng.push(s.streams.stream(`worker/${name}/outages`));
      const ctx = { jobRng: s.workerJobRng[w.id], outageRng: s.workerOutageRng[w.id], sampler, worker: name };
      for (const m of w.failures)
        w.modes.push(buildFailureMode(m, ctx, (mode) => s.streams.stream(`worker/${name}/failure/${mode}`)));
    }
  }
}

/**
 * The median server-measured speed of the workers that have samples (the baseline when none has), worked out
 * at most once a minute: the progressive timeout's prior for a worker without samples.
 */
export function fleetMedianSpeed(s: HordeState, now: number): number {
  if (now - s.fleetMedianAt < 60) return s.fleetMedianCache;
  const speeds: number[] = [];
  const baseline = s.scenario.server.speed.baseline;
  for (const w of s.workers) if (w.sampleCount > 0) speeds.push(w.measuredSpeed(baseline));
  speeds.sort((a, b) => a - b);
  const n = speeds.length;
  s.fleetMedianCache = n === 0 ? baseline : n % 2 === 1 ? speeds[n >> 1] : (speeds[n / 2 - 1] + speeds[n / 2]) / 2;
  s.fleetMedianAt = now;
  return s.fleetMedianCache;
}
