import { HordeModel, type RecordSink } from "../horde/model.js";
import type { TraceObserver } from "../horde/trace.js";
import { createPolicy } from "../policies/registry.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";

export interface ReplicationRun {
  scenario: Scenario;
  arm: PolicyConfig;
  seed: number;
  /** 1-based. */
  replication: number;
  sink: RecordSink;
  trace?: TraceObserver;
  /** Builds an observer that may read the model's entities (the horde.log writer). */
  observe?: (model: HordeModel) => TraceObserver;
  naivePolling?: boolean;
}

export interface ReplicationResult {
  events: number;
  requests: number;
  jobs: number;
}

/** One arm, one replication: a pure function of (scenario, arm, seed, replication). */
export function runReplication(run: ReplicationRun): ReplicationResult {
  const model = new HordeModel({
    scenario: run.scenario,
    policy: (ctx) => createPolicy(run.arm, ctx),
    replication: run.replication,
    seed: run.seed,
    sink: run.sink,
    trace: run.trace,
    naivePolling: run.naivePolling,
  });
  if (run.observe) model.trace = run.observe(model);
  model.run();
  return { events: model.sim.events, requests: model.requests.length, jobs: model.jobs.length };
}
