// The AI Horde model: one arm of one replication. HordeModel builds the shared state (state.ts), registers
// one event per kind of thing that happens and runs them to the horizon; the rules live in the Horde's parts:
//
//   client.ts          requests arriving, the client's checks, resubmission
//   server-queue.ts    the waiting queue (priority, aging), the pop filters, pop
//   server-submit.ts   results and reported faults reaching the server, completion
//   server-sweep.ts    the stale sweep (or the arm's detector), aborts, the 3 strikes
//   server-expiry.ts   the request's expiry, the worker's maintenance
//   worker-polling.ts  the worker's polls (lazy: idle workers sleep, sleepers.ts)
//   worker-jobs.ts     the worker running its jobs, failure modes
//   worker-outages.ts  crashes and flapping
//   hedge.ts           hedged copies (an arm's rule)
//   records.ts         the records emitted; retention.ts, letting go of ended entities
//
// The per-event paths loop over arrays by index: a for-of there allocated an iterator result per element
// where V8 did not optimize it away (a day of a million requests allocated tens of MB doing so).

import type { RandomStreams } from "../engine/random.js";
import type { Simulator } from "../engine/simulator.js";
import type { Scenario } from "../scenario/types.js";
import { onArrive, onGiveUp, onResubmit, startArrivals } from "./client.js";
import { onHedge } from "./hedge.js";
import type { Policy, PolicyContext } from "./policy.js";
import type { RecordSink } from "./record-types.js";
import { emitAtHorizon, onSample } from "./records.js";
import type { Request } from "./request.js";
import { collect } from "./retention.js";
import { eligible } from "./server-queue.js";
import { onDeadline, onSweep, onSweepCommit } from "./server-sweep.js";
import { HordeState } from "./state.js";
import type { TraceObserver } from "./trace.js";
import type { WaitingQueue } from "./waiting-queue.js";
import type { Job, Worker } from "./worker.js";
import { onHangRelease, onRunEnd } from "./worker-jobs.js";
import { onCrash, onFlap, onOnline } from "./worker-outages.js";
import { onPoll, onPopAllowed, startLoop } from "./worker-polling.js";

export interface ModelOptions {
  scenario: Scenario;
  /** Builds the arm's rules once the model can hand them their context. */
  policy: (ctx: PolicyContext) => Policy;
  replication: number;
  sink: RecordSink;
  trace?: TraceObserver;
  /** Every worker with a free slot polls at every tick (for proving the lazy polling exact). */
  naivePolling?: boolean;
  /** Overrides the scenario's seed. */
  seed?: number;
  /**
   * Keep every request and job in `requests` / `jobs` until the end of the run (for tests and observers that
   * look entities up after the fact). By default an ended entity is let go once nothing can refer to it.
   */
  retainEnded?: boolean;
}

/** The AI Horde: requests, the pop queue, workers and the server's sweep, under one policy. */
export class HordeModel {
  private readonly state: HordeState;
  readonly sim: Simulator;
  /** Requests by id (a slot is emptied once the request is let go of, unless `retainEnded`: retention.ts). */
  readonly requests: Request[];
  /** Jobs by id (a slot is emptied once the job is let go of, unless `retainEnded`). */
  readonly jobs: Job[];
  readonly workers: Worker[];
  readonly queue: WaitingQueue;
  readonly streams: RandomStreams;
  readonly policy: Policy;
  readonly policyContext: PolicyContext;

  constructor(opts: ModelOptions) {
    const s = new HordeState({
      scenario: opts.scenario,
      policy: opts.policy,
      replication: opts.replication,
      seed: opts.seed ?? opts.scenario.seed,
      sink: opts.sink,
      trace: opts.trace,
      naivePolling: opts.naivePolling ?? false,
      retainEnded: opts.retainEnded ?? false,
    });
    this.state = s;
    this.sim = s.sim;
    this.requests = s.requests;
    this.jobs = s.jobs;
    this.workers = s.workers;
    this.queue = s.queue;
    this.streams = s.streams;
    this.policy = s.policy;
    this.policyContext = s.policyContext;

    const sim = s.sim;
    // Every handler first empties the slots of the entities let go during the previous event. The order of
    // registration is part of the trajectory (event kinds are numbers): do not reorder.
    const on = (name: string, handler: (a: number, b: number) => void) =>
      sim.register(name, (a, b) => {
        if (s.freedRequestCount + s.freedJobCount > 0) collect(s);
        handler(a, b);
      });
    s.evArrive = on("arrive", (a, b) => onArrive(s, a, b));
    s.evResubmit = on("resubmit", (a) => onResubmit(s, a));
    s.evPoll = on("poll", (a, b) => onPoll(s, a, b));
    s.evRunEnd = on("run-end", (a, b) => onRunEnd(s, a, b));
    s.evRelease = on("hang-release", (a, b) => onHangRelease(s, a, b));
    s.evCrash = on("crash", (a, b) => onCrash(s, a, b));
    s.evOnline = on("online", (a, b) => onOnline(s, a, b));
    s.evFlap = on("flap", (a) => onFlap(s, a));
    s.evSweep = on("sweep", () => onSweep(s));
    s.evDeadline = on("deadline", (a, b) => onDeadline(s, a, b));
    s.evHedge = on("hedge", (a, b) => onHedge(s, a, b));
    s.evSample = on("sample", () => onSample(s));
    s.evPopAllowed = on("pop-allowed", (a) => onPopAllowed(s, a));
    s.evSweepCommit = on("sweep-commit", () => onSweepCommit(s));
    s.evGiveUp = on("give-up", (a) => onGiveUp(s, a));
  }

  /** Told of every state change that matters to an observer; set before run(). */
  get trace(): TraceObserver | undefined {
    return this.state.trace;
  }

  set trace(observer: TraceObserver | undefined) {
    this.state.trace = observer;
  }

  /** Runs the model to the horizon and emits every record. */
  run(): void {
    const s = this.state;
    const sc = s.scenario;
    startArrivals(s);
    const firstSweep = s.sweepRng.next() * sc.server.sweep.period;
    s.sim.schedule(sc.server.sweep.phase ?? firstSweep, s.evSweep, 0, 0);
    if (sc.sample_interval > 0) s.sim.schedule(0, s.evSample, 0, 0);
    for (const w of s.workers) {
      const f = w.group.flapping;
      if (f !== null) s.sim.schedule(f.phase, s.evFlap, w.id, 0);
      startLoop(s, w);
    }
    s.sim.run(sc.horizon);
    emitAtHorizon(s);
  }

  /** The Horde's pop filters and the arm's reassignment rules: may this worker take this request now? */
  eligible(w: Worker, r: Request, now: number): boolean {
    return eligible(this.state, w, r, now);
  }

  /** Requests the model still holds (all of them with `retainEnded`). */
  get liveRequests(): number {
    return this.state.liveRequestCount;
  }

  /** Jobs the model still holds (all of them with `retainEnded`). */
  get liveJobs(): number {
    return this.state.liveJobCount;
  }
}
