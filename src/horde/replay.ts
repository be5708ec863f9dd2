// Replay: the server's rules driven by a log of what real users and workers did, not by simulated ones. The
// conformance comparison (src/conformance) submits requests, polls, delivers, reports faults and sweeps at the
// times the real server saw them, and asks what hordesim's rules decide at each step. No event of the
// simulator runs: the worker-side events that a pop schedules are never played, so the workers' slots are
// made unlimited (the real workers keep their own count) and their failure modes are dropped (the log says
// what each job did).
import type { RequestTemplate, Scenario } from "../scenario/types.js";
import { submit } from "./client.js";
import type { Policy, PolicyContext } from "./policy.js";
import type { RecordSink } from "./record-types.js";
import { pop, selectCandidate } from "./server-queue.js";
import { reportFault, submitResult } from "./server-submit.js";
import { onSweep, onSweepCommit } from "./server-sweep.js";
import { HordeState } from "./state.js";
import type { TraceEvent } from "./trace.js";

const NO_RECORDS: RecordSink = { request() {}, user() {}, attempt() {}, worker() {}, sample() {} };

export class ServerReplay {
  private readonly s: HordeState;
  /** What the rules did during the last call (aborts, faults, maintenance, ...). */
  readonly events: TraceEvent[] = [];

  constructor(scenario: Scenario, policy: (ctx: PolicyContext) => Policy) {
    const workers = scenario.workers.map((g) => ({
      ...g,
      slots: Number.MAX_SAFE_INTEGER,
      failures: [],
      flapping: null,
    }));
    this.s = new HordeState({
      scenario: { ...scenario, workers },
      policy,
      replication: 1,
      seed: scenario.seed,
      sink: NO_RECORDS,
      trace: (t, kind, a, b, c) => this.events.push({ t, kind, a, b, c }),
      naivePolling: false,
      retainEnded: true,
    });
    // The events a call schedules (a worker's run, the next sweep, a resubmission) are never run: the log says
    // when they happened. Their kinds are registered so that scheduling them is allowed.
    const s = this.s;
    const idle = () => {};
    s.evArrive = s.sim.register("arrive", idle);
    s.evResubmit = s.sim.register("resubmit", idle);
    s.evPoll = s.sim.register("poll", idle);
    s.evRunEnd = s.sim.register("run-end", idle);
    s.evRelease = s.sim.register("hang-release", idle);
    s.evCrash = s.sim.register("crash", idle);
    s.evOnline = s.sim.register("online", idle);
    s.evFlap = s.sim.register("flap", idle);
    s.evSweep = s.sim.register("sweep", idle);
    s.evDeadline = s.sim.register("deadline", idle);
    s.evHedge = s.sim.register("hedge", idle);
    s.evSample = s.sim.register("sample", idle);
    s.evPopAllowed = s.sim.register("pop-allowed", idle);
    s.evSweepCommit = s.sim.register("sweep-commit", idle);
    s.evGiveUp = s.sim.register("give-up", idle);
  }

  private at(t: number): void {
    if (t > this.s.sim.now) this.s.sim.now = t;
    this.events.length = 0;
  }

  /** A request arrives at t; its id. */
  submit(t: number, template: RequestTemplate, stream: string, kudos: number): number {
    this.at(t);
    return submit(this.s, template, stream, -1, t, 0, this.s.arrivalCount++, kudos).id;
  }

  /** The request the rules hand the worker if it polls at t (null: nothing), without popping it. */
  candidate(worker: number, t: number): number | null {
    this.at(t);
    return selectCandidate(this.s, this.s.workers[worker], this.s.sim.now)?.id ?? null;
  }

  /**
   * The worker pops a job of the request at t (as the real server did); the job's id and TTL, or null when
   * the rules have nothing of the request to hand out (they already disagreed with the server about it).
   */
  pop(worker: number, request: number, t: number): { job: number; ttl: number } | null {
    this.at(t);
    const s = this.s;
    const r = s.requests[request];
    if (r.n <= 0 || r.done) return null;
    pop(s, s.workers[worker], r, s.sim.now);
    const job = s.jobs[s.jobs.length - 1];
    return { job: job.id, ttl: job.ttl };
  }

  /** The worker submits the job's result at t; false when the rules refuse it (the job had ended). */
  deliver(job: number, t: number): boolean {
    this.at(t);
    const open = this.s.jobs[job].end === "open";
    submitResult(this.s, this.s.jobs[job]);
    return open;
  }

  /** The worker reports the job faulted at t. */
  fault(job: number, t: number): void {
    this.at(t);
    reportFault(this.s, this.s.jobs[job]);
  }

  /** The stale sweep runs at t (its aborts committed at once); what it did is in `events`. */
  sweep(t: number): TraceEvent[] {
    this.at(t);
    onSweep(this.s);
    onSweepCommit(this.s);
    return this.events;
  }

  /** n of the request now (images still to hand out). */
  remaining(request: number): number {
    return this.s.requests[request].n;
  }

  job(job: number): { popped: number; ttl: number; request: number; worker: number; open: boolean } {
    const j = this.s.jobs[job];
    return { popped: j.popped, ttl: j.ttl, request: j.requestId, worker: j.workerId, open: j.end === "open" };
  }

  inMaintenance(worker: number): boolean {
    return this.s.workers[worker].maintenance;
  }
}
