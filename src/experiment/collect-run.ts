// One arm's run with every record and trace event kept in memory: what the invariants (invariants.ts) read,
// in the property tests and in `hordesim check-rule`.
import { runReplication } from "./run-replication.js";
import type { HordeModel } from "../horde/model.js";
import type { AttemptRecord, QueueSample, RequestRecord, UserRecord, WorkerRecord } from "../horde/record-types.js";
import type { TraceEvent } from "../horde/trace.js";
import type { Scenario } from "../scenario/types.js";
import { parseScenario } from "../scenario-file/load.js";

export interface Collected {
  requests: RequestRecord[];
  users: UserRecord[];
  attempts: AttemptRecord[];
  workers: WorkerRecord[];
  samples: QueueSample[];
  trace: TraceEvent[];
  model: HordeModel;
  events: number;
}

export interface SimulateOptions {
  arm?: string;
  replication?: number;
  seed?: number;
  naive?: boolean;
}

/** Runs one arm of a scenario given as YAML text and keeps every record and trace event. */
export function simulate(scenario: Scenario | string, opts: SimulateOptions = {}): Collected {
  const sc = typeof scenario === "string" ? parseScenario(scenario, "test.yaml") : scenario;
  const arm = opts.arm === undefined ? sc.policies[0] : sc.policies.find((p) => p.name === opts.arm);
  if (arm === undefined) throw new Error(`no arm ${opts.arm}`);
  const out: Omit<Collected, "model" | "events"> = {
    requests: [],
    users: [],
    attempts: [],
    workers: [],
    samples: [],
    trace: [],
  };
  let model: HordeModel | null = null;
  const result = runReplication({
    scenario: sc,
    arm,
    seed: opts.seed ?? sc.seed,
    replication: opts.replication ?? 1,
    naivePolling: opts.naive,
    sink: {
      request: (r) => out.requests.push(r),
      user: (u) => out.users.push(u),
      attempt: (a) => out.attempts.push(a),
      worker: (w) => out.workers.push(w),
      sample: (s) => out.samples.push(s),
    },
    observe: (m) => {
      model = m;
      return (t, kind, a, b, c) => out.trace.push({ t, kind, a, b, c });
    },
  });
  return { ...out, model: model as unknown as HordeModel, events: result.events };
}
