// The conformance run's plan: the users' submissions and the workers of a scenario, as hordesim draws them
// (replication 1 of the scenario's seed), for the driver to play against the real server in real time.
import { compile, standardNormal } from "../engine/distributions.js";
import type { Rng } from "../engine/random.js";
import { HordeModel } from "../horde/model.js";
import type { RecordSink } from "../horde/record-types.js";
import { createPolicy } from "../policies/registry.js";
import type { FailureMode, RequestTemplate, Scenario } from "../scenario/types.js";

export interface PlannedSubmission {
  /** Seconds from the start of the run. */
  at: number;
  arrival: number;
  stream: string;
  /** The user (a kudos class's user, or the template's). */
  user: string;
  kudos: number;
  template: RequestTemplate;
}

export interface PlannedWorker {
  index: number;
  name: string;
  group: string;
  owner: string;
  models: string[];
  maxPixels: number;
  slots: number;
  pollInterval: number;
  errorPollInterval: number;
  /** MPS/s, as hordesim drew it for this worker. */
  speed: number;
  failures: FailureMode[];
}

export interface Plan {
  submissions: PlannedSubmission[];
  workers: PlannedWorker[];
  /** Kudos of each requesting user (the largest a class gives it). */
  users: Map<string, number>;
}

const NO_RECORDS: RecordSink = { request() {}, user() {}, attempt() {}, worker() {}, sample() {} };

/** The scenario's arrivals and fleet as hordesim's first replication draws them. */
export function planRun(scenario: Scenario): Plan {
  const model = new HordeModel({
    scenario,
    policy: (ctx) => createPolicy(scenario.policies[0], ctx),
    replication: 1,
    sink: NO_RECORDS,
    retainEnded: true,
  });
  const submissions: PlannedSubmission[] = [];
  model.trace = (t, kind, a) => {
    if (kind !== "submit") return;
    const r = model.requests[a];
    if (r.resubmission !== 0) return;
    submissions.push({
      at: t,
      arrival: r.arrival,
      stream: r.stream,
      user: r.template.user,
      kudos: r.kudos,
      template: r.template,
    });
  };
  model.run();
  const users = new Map<string, number>();
  for (const s of submissions) users.set(s.user, Math.max(users.get(s.user) ?? Number.NEGATIVE_INFINITY, s.kudos));
  const workers = model.workers.map((w) => ({
    index: w.id,
    name: `conformance-${w.name}`,
    group: w.group.name,
    owner: w.group.owner,
    models: w.group.models,
    maxPixels: w.group.max_pixels,
    slots: w.group.slots,
    pollInterval: w.group.poll_interval,
    errorPollInterval: w.group.error_poll_interval,
    speed: w.speed,
    failures: w.failures,
  }));
  return { submissions, workers, users };
}

export type JobFate =
  | { kind: "ok"; seconds: number }
  | { kind: "hang"; hold: number }
  | { kind: "fault"; after: number };

/**
 * What the fake worker does with one job: its failure modes by probability, else it computes for MPS/speed
 * (with the group's per-job jitter). The group's `overhead` (upload, HTTP) is not slept: in the real run it is
 * the time the pop's answer and the submission take, which the scenario's overhead stands for in simulation.
 */
export function drawFate(w: PlannedWorker, scenario: Scenario, mps: number, rng: Rng): JobFate {
  let u = rng.next();
  for (const f of w.failures) {
    if (u < f.probability) {
      if (f.mode === "hang") return { kind: "hang", hold: compile(f.hold)(rng) };
      if (f.mode === "fault") return { kind: "fault", after: compile(f.delay)(rng) };
      break;
    }
    u -= f.probability;
  }
  const group = scenario.workers.find((g) => g.name === w.group);
  const jitter = group === undefined || group.jitter === 0 ? 1 : Math.exp(group.jitter * standardNormal(rng));
  return { kind: "ok", seconds: (mps / w.speed) * jitter };
}
