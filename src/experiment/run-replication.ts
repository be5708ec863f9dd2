import { HordeModel } from "../horde/model.js";
import type { RecordSink } from "../horde/record-types.js";
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
  /**
   * Keep every request and job in the model to the end of the run (`HordeModel.requests` / `jobs`), for an
   * observer that looks entities up after the event that named them. By default only with `observe`; an
   * observer that reads entities only while it is told of an event (the horde.log writer) may pass false.
   */
  retainEnded?: boolean;
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
    retainEnded: run.retainEnded ?? run.observe !== undefined,
  });
  if (run.observe) model.trace = run.observe(model);
  model.run();
  return { events: model.sim.events, requests: model.requests.length, jobs: model.jobs.length };
}
