// The state every part of the Horde model shares: the entities, the server's lists, the random streams, the
// arm's rules and the event kinds. The parts (server-*, worker-*, client, records, retention, fleet) are plain
// functions over this one object; HordeModel (model.ts) builds it, registers the events and runs them.
import { compile, type Distribution } from "../engine/distributions.js";
import { EventQueue } from "../engine/event-queue.js";
import { RandomStreams, type Rng } from "../engine/random.js";
import { Simulator } from "../engine/simulator.js";
import type { RequestTemplate, Scenario } from "../scenario/types.js";
import { DeliveredWindow } from "./delivered-window.js";
import { buildFleet, fleetMedianSpeed } from "./fleet.js";
import type { Policy, PolicyContext } from "./policy.js";
import type { RecordSink } from "./record-types.js";
import type { Request } from "./request.js";
import { RuleHooks } from "./rule-hooks.js";
import { eligibleIn, groupMayTake } from "./server-queue.js";
import { Sleepers } from "./sleepers.js";
import type { TraceKind, TraceObserver } from "./trace.js";
import { WaitingQueue } from "./waiting-queue.js";
import type { Job, Worker } from "./worker.js";

export interface StateOptions {
  scenario: Scenario;
  /** Builds the arm's rules once the model can hand them their context. */
  policy: (ctx: PolicyContext) => Policy;
  replication: number;
  seed: number;
  sink: RecordSink;
  trace: TraceObserver | undefined;
  naivePolling: boolean;
  retainEnded: boolean;
}

export class HordeState {
  readonly sim = new Simulator();
  /**
   * Requests by id; `length` is the number submitted. Unless `retain`, a request's slot is emptied (reads
   * undefined) once it has ended, its record has been emitted, all its jobs have been let go and no
   * resubmission still has to read it; the slot is emptied at the start of the next event, so an observer
   * told of an event always finds the request and the job it names (retention.ts).
   */
  readonly requests: Request[] = [];
  /**
   * Jobs by id; `length` is the number popped. Unless `retain`, a job's slot is emptied once it has ended on
   * the server, its worker has let go of it and its attempt record has been emitted (as for requests).
   */
  readonly jobs: Job[] = [];
  readonly workers: Worker[] = [];
  readonly queue: WaitingQueue;
  readonly streams: RandomStreams;
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly policyName: string;
  /** The arm's rules, by hook (rule-hooks.ts): the model calls them only through it. */
  readonly hooks: RuleHooks;
  readonly policyContext: PolicyContext;
  readonly sink: RecordSink;
  /** Told of every state change that matters to an observer. */
  trace: TraceObserver | undefined;
  /** Every worker with a free slot polls at every tick (for proving the lazy polling exact). */
  readonly naive: boolean;
  readonly retain: boolean;
  readonly replication: number;

  /** Ids let go during the current event, emptied from `requests` / `jobs` at the start of the next one. */
  readonly freedRequests: number[] = [];
  freedRequestCount = 0;
  readonly freedJobs: number[] = [];
  freedJobCount = 0;
  liveRequestCount = 0;
  /** Arrivals so far over all streams (not resubmissions): the next arrival's number. */
  arrivalCount = 0;
  liveJobCount = 0;

  /** The idle workers (lazy polling, worker-polling.ts). */
  readonly sleepers: Sleepers<Request, RequestTemplate>;
  /** Pop + TTL of every job, for a periodic detector's sweep (server-sweep.ts). */
  readonly deadlines = new EventQueue(256);
  /**
   * Ids of the requests not yet deleted at expiry, in submission order from `liveHead` on. Ids, not the
   * requests: a request let go of (done, nothing left open) would do nothing when deleted, so the sweep
   * drops its id, and the list does not keep it alive until its expiry.
   */
  readonly live: number[] = [];
  liveHead = 0;
  /** Requests with a new failure since the last sweep (a periodic detector checks strikes in the sweep). */
  readonly strikeCandidates: Request[] = [];
  /** The jobs the running sweep found stale, aborted when it commits (server-sweep.ts). */
  readonly sweepStale: number[] = [];
  /** Waiting requests per user, for the owner's priority pass at pop. */
  readonly waitingByUser = new Map<string, number>();
  readonly samplers = new Map<Distribution, (rng: Rng) => number>();
  readonly arrivalRng: Rng[] = [];
  readonly mixRng: Rng[] = [];
  readonly mixTotals: number[] = [];
  /** Per stream: the user-class draws' and the model draws' generators (null when the stream names none). */
  readonly classRng: (Rng | null)[] = [];
  readonly modelRng: (Rng | null)[] = [];
  /** Per stream: the users' patience draws (null when no class of the stream has a patience). */
  readonly patienceRng: (Rng | null)[] = [];
  readonly classTotals: number[] = [];
  readonly modelTotals: number[] = [];
  /** Per stream: the templates with a drawn model and a class's user, by (template, model, class) (client.ts). */
  readonly templateVariants: (RequestTemplate | undefined)[][] = [];
  readonly workerJobRng: Rng[] = [];
  readonly workerOutageRng: Rng[] = [];
  /** Per worker: the round trips of the pops it sends while not idle. */
  readonly workerPopRng: Rng[] = [];
  readonly sweepRng: Rng;
  readonly clientRng: Rng;
  /** Jobs popped and not yet ended on the server. */
  openJobs = 0;
  jobsIssued = 0;
  /** Hedge copies issued or wanted (a wanted copy counts against the cap at once). */
  hedgesIssued = 0;
  /** The queue is sampled (sample_interval > 0): deliveries are then kept for the samples' delivered_mps. */
  readonly sampling: boolean;
  /** Deliveries of the last minute, as the Horde's past_minute_megapixelsteps counts them. */
  readonly delivered = new DeliveredWindow(60);
  fleetMedianCache = Number.NaN;
  fleetMedianAt = Number.NEGATIVE_INFINITY;

  // Event kinds, registered by HordeModel in this order (the order is part of the trajectory).
  evArrive = -1;
  evResubmit = -1;
  evPoll = -1;
  evRunEnd = -1;
  evRelease = -1;
  evCrash = -1;
  evOnline = -1;
  evFlap = -1;
  evSweep = -1;
  evDeadline = -1;
  evHedge = -1;
  evSample = -1;
  evPopAllowed = -1;
  evSweepCommit = -1;
  evGiveUp = -1;

  constructor(opts: StateOptions) {
    this.scenario = opts.scenario;
    this.sink = opts.sink;
    this.trace = opts.trace;
    this.naive = opts.naivePolling;
    this.retain = opts.retainEnded;
    this.replication = opts.replication;
    this.sampling = this.scenario.sample_interval > 0;
    this.streams = new RandomStreams(opts.seed, opts.replication);
    const server = this.scenario.server;
    this.sweepRng = this.streams.stream("server/sweep");
    this.clientRng = this.streams.stream("client/resubmit");
    const agingPhase = this.streams.stream("server/aging").next() * server.aging.interval;
    this.queue = new WaitingQueue(server.aging.interval, server.aging.increment, agingPhase);
    this.policyContext = {
      server,
      fleetMedianSpeed: (now) => fleetMedianSpeed(this, now),
      stream: (name) => this.streams.stream(`policy/${name}`),
    };
    this.policy = opts.policy(this.policyContext);
    this.hooks = new RuleHooks(this.policy);
    this.policyName = this.policy.name;
    buildFleet(this);
    this.sleepers = new Sleepers<Request, RequestTemplate>(
      this.workers,
      eligibleIn(this),
      (r) => r.template,
      (g, t) => groupMayTake(g, t),
      (g, t) => t.user === g.owner,
    );
  }

  /** Tells the observer, if there is one. */
  emit(kind: TraceKind, a: number, b: number, c: number): void {
    if (this.trace !== undefined) this.trace(this.sim.now, kind, a, b, c);
  }

  /** The compiled sampler of a distribution (compiled once per distribution object). */
  sampler(d: Distribution): (rng: Rng) => number {
    let f = this.samplers.get(d);
    if (f === undefined) {
      f = compile(d);
      this.samplers.set(d, f);
    }
    return f;
  }
}
