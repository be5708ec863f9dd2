// A small simulated day written as horde.log by the simulator's own writer, with every record kept.
import { runReplication } from "../../src/experiment/run-replication.js";
import type { AttemptRecord, RequestRecord, WorkerRecord } from "../../src/horde/record-types.js";
import { HordeLogWriter } from "../../src/results/horde-log-writer.js";
import type { Scenario } from "../../src/scenario/types.js";

/**
 * A loaded day, so that who pops what depends on speeds more than on the poll-phase race: three workers that
 * fail now and then (hang, report a fault, return late) and one that hangs on most 4-step jobs for two hours
 * (it goes into maintenance, like the incident's ameli0x would).
 */
export const DAY_YAML = `name: roundtrip
horizon: 24h
start_time: "2025-09-29T00:00:00Z"
arrivals:
  - name: small
    rate: [{ from: 0h, rate: 150/h }, { from: 12h, rate: 300/h }, { from: 18h, rate: 100/h }]
    mix: [{ width: 512, height: 512, steps: 30, sampler: k_euler_a, model: sd }]
  - name: big
    rate: 400/h
    mix:
      - { weight: 2, width: 1024, height: 1024, steps: 4, sampler: k_euler, model: xl }
      - { weight: 1, width: 1024, height: 1024, steps: 30, sampler: k_dpmpp_sde, model: xl, n: 2 }
workers:
  - { name: sd, count: 4, models: [sd], max_pixels: 262144, speed: 1 }
  - { name: xl, count: 2, models: [xl, sd], speed: 2.5 }
  - { name: hangs, models: [xl], speed: 2.5, failures: [{ mode: hang, probability: 0.06, hold: 5s }] }
  - { name: faults, models: [xl], speed: 2.5, failures: [{ mode: fault, probability: 0.06, delay: 20s }] }
  - { name: late, models: [xl, sd], speed: 2, failures: [{ mode: late, probability: 0.03, delay: 30s }] }
  - name: blackhole
    models: [xl]
    speed: 2.5
    failures: [{ mode: hang, probability: 0.9, hold: 5s, when: { steps: 4 }, active: [{ from: 17h, to: 19h }] }]
`;

export interface Day {
  attempts: AttemptRecord[];
  workers: WorkerRecord[];
  requests: RequestRecord[];
  /** "request_faulted" trace events: the requests faulted by 3 strikes. */
  strikes: number;
}

/** Runs the scenario's first arm once; with `log`, writes horde.log there. */
export function simulateDay(scenario: Scenario, replication: number, log?: string): Day {
  const day: Day = { attempts: [], workers: [], requests: [], strikes: 0 };
  let writer: HordeLogWriter | null = null;
  runReplication({
    scenario,
    arm: scenario.policies[0],
    seed: scenario.seed,
    replication,
    sink: {
      request: (r) => day.requests.push(r),
      user: () => {},
      attempt: (a) => day.attempts.push(a),
      worker: (w) => day.workers.push(w),
      sample: () => {},
    },
    observe: (model) => {
      writer = log === undefined ? null : new HordeLogWriter(log, scenario.start_time);
      const write = writer?.observer(model);
      return (t, kind, a, b, c) => {
        if (kind === "request_faulted") day.strikes++;
        write?.(t, kind, a, b, c);
      };
    },
  });
  (writer as HordeLogWriter | null)?.close();
  return day;
}

/** Per worker name: how many attempts match. */
export function countBy(attempts: readonly AttemptRecord[], keep: (a: AttemptRecord) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of attempts) if (keep(a)) out.set(a.worker_name, (out.get(a.worker_name) ?? 0) + 1);
  return out;
}

/** Each worker's share of all aborts (stale, late or reported), as the log shows them. */
export function abortShares(attempts: readonly AttemptRecord[]): Map<string, number> {
  const counts = countBy(
    attempts,
    (a) => a.end === "stale_abort" || a.end === "late_discarded" || a.end === "reported_fault",
  );
  const total = [...counts.values()].reduce((s, x) => s + x, 0);
  return new Map([...counts].map(([k, v]) => [k, v / total]));
}
