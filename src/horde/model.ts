import { compile, type Distribution, standardNormal } from "../engine/distributions.js";
import { EventQueue } from "../engine/event-queue.js";
import { RandomStreams, type Rng } from "../engine/random.js";
import { Simulator } from "../engine/simulator.js";
import type { AttemptRecord, QueueSample, RequestRecord, UserRecord, WorkerRecord } from "../metrics/records.js";
import type { Policy, PolicyContext } from "../policies/types.js";
import type { FailureMode, RequestTemplate, Scenario, WorkerGroup } from "../scenario/types.js";
import { Request } from "./request.js";
import { Sleepers } from "./sleepers.js";
import type { TraceKind, TraceObserver } from "./trace.js";
import { WaitingQueue } from "./waiting-queue.js";
import { Job, Worker } from "./worker.js";

/** Where the model's records go as they complete. */
export interface RecordSink {
  request(r: RequestRecord): void;
  user(u: UserRecord): void;
  attempt(a: AttemptRecord): void;
  worker(w: WorkerRecord): void;
  sample(s: QueueSample): void;
}

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

/** Worker names: the group's name for a group of one, else name-001, name-002, ... */
export function workerName(group: string, index: number, count: number): string {
  if (count === 1) return group;
  return `${group}-${String(index + 1).padStart(String(count).length, "0")}`;
}

/**
 * The pop filters that depend only on the worker's group and the request's template (size, model,
 * extra-slow): false means no worker of the group may take such a request, whatever its state.
 */
function groupMayTake(g: WorkerGroup, t: RequestTemplate): boolean {
  if (t.width * t.height > g.max_pixels) return false;
  if (t.model !== null && !g.models.includes(t.model)) return false;
  if (g.extra_slow_worker && !t.extra_slow_workers) return false;
  return true;
}

/** Removes the first occurrence of the value from the array in place (no array allocated, unlike splice). */
function removeValue(a: number[], v: number): void {
  const i = a.indexOf(v);
  if (i < 0) return;
  for (let j = i + 1; j < a.length; j++) a[j - 1] = a[j];
  a.pop();
}

/**
 * The AI Horde: requests, the pop queue, workers and the server's sweep, under one policy.
 *
 * The per-event paths loop over arrays by index: a for-of there allocated an iterator result per element
 * where V8 did not optimize it away (a day of a million requests allocated tens of MB doing so).
 */
export class HordeModel {
  readonly sim = new Simulator();
  /**
   * Requests by id; `length` is the number submitted. Unless `retainEnded`, a request's slot is emptied
   * (reads undefined) once it has ended, its record has been emitted, all its jobs have been let go and no
   * resubmission still has to read it; the slot is emptied at the start of the next event, so an observer
   * told of an event always finds the request and the job it names.
   */
  readonly requests: Request[] = [];
  /**
   * Jobs by id; `length` is the number popped. Unless `retainEnded`, a job's slot is emptied once it has
   * ended on the server, its worker has let go of it and its attempt record has been emitted (at the start
   * of the next event, as for requests).
   */
  readonly jobs: Job[] = [];
  readonly workers: Worker[] = [];
  readonly queue: WaitingQueue;
  readonly streams: RandomStreams;
  private readonly scenario: Scenario;
  readonly policy: Policy;
  private readonly sink: RecordSink;
  /** Told of every state change that matters to an observer; set before run(). */
  trace: TraceObserver | undefined;
  private readonly naive: boolean;
  private readonly retain: boolean;
  /** Ids let go during the current event, emptied from `requests` / `jobs` at the start of the next one. */
  private readonly freedRequests: number[] = [];
  private freedRequestCount = 0;
  private readonly freedJobs: number[] = [];
  private freedJobCount = 0;
  private liveRequestCount = 0;
  private liveJobCount = 0;
  private readonly replication: number;
  private readonly policyName: string;

  private readonly sleepers: Sleepers<Request, RequestTemplate>;
  private readonly deadlines = new EventQueue(256);
  /**
   * Ids of the requests not yet deleted at expiry, in submission order from `liveHead` on. Ids, not the
   * requests: a request let go of (done, nothing left open) would do nothing when deleted, so the sweep
   * drops its id, and the list does not keep it alive until its expiry.
   */
  private readonly live: number[] = [];
  private liveHead = 0;
  private readonly strikeCandidates: Request[] = [];
  private readonly waitingByUser = new Map<string, number>();
  private readonly samplers = new Map<Distribution, (rng: Rng) => number>();
  private readonly arrivalRng: Rng[] = [];
  private readonly mixRng: Rng[] = [];
  private readonly mixTotals: number[] = [];
  private readonly workerJobRng: Rng[] = [];
  private readonly workerOutageRng: Rng[] = [];
  private readonly sweepRng: Rng;
  private readonly clientRng: Rng;
  private openJobs = 0;
  private jobsIssued = 0;
  /** Hedge copies issued or wanted (a wanted copy counts against the cap at once). */
  private hedgesIssued = 0;
  private fleetMedianCache = Number.NaN;
  private fleetMedianAt = Number.NEGATIVE_INFINITY;
  readonly policyContext: PolicyContext;

  private readonly evArrive: number;
  private readonly evResubmit: number;
  private readonly evPoll: number;
  private readonly evRunEnd: number;
  private readonly evRelease: number;
  private readonly evCrash: number;
  private readonly evOnline: number;
  private readonly evFlap: number;
  private readonly evSweep: number;
  private readonly evDeadline: number;
  private readonly evHedge: number;
  private readonly evSample: number;
  private readonly evPopAllowed: number;

  constructor(opts: ModelOptions) {
    this.scenario = opts.scenario;
    this.sink = opts.sink;
    this.trace = opts.trace;
    this.naive = opts.naivePolling ?? false;
    this.retain = opts.retainEnded ?? false;
    this.replication = opts.replication;
    const seed = opts.seed ?? opts.scenario.seed;
    this.streams = new RandomStreams(seed, opts.replication);
    const server = this.scenario.server;
    this.sweepRng = this.streams.stream("server/sweep");
    this.clientRng = this.streams.stream("client/resubmit");
    const agingPhase = this.streams.stream("server/aging").next() * server.aging.interval;
    this.queue = new WaitingQueue(server.aging.interval, server.aging.increment, agingPhase);
    this.policyContext = {
      server,
      fleetMedianSpeed: (now) => this.fleetMedianSpeed(now),
      stream: (name) => this.streams.stream(`policy/${name}`),
    };
    this.policy = opts.policy(this.policyContext);
    this.policyName = this.policy.name;

    const s = this.sim;
    // Every handler first empties the slots of the entities let go during the previous event.
    const on = (name: string, handler: (a: number, b: number) => void) =>
      s.register(name, (a, b) => {
        if (this.freedRequestCount + this.freedJobCount > 0) this.collect();
        handler(a, b);
      });
    this.evArrive = on("arrive", (a, b) => this.onArrive(a, b));
    this.evResubmit = on("resubmit", (a) => this.onResubmit(a));
    this.evPoll = on("poll", (a, b) => this.onPoll(a, b));
    this.evRunEnd = on("run-end", (a, b) => this.onRunEnd(a, b));
    this.evRelease = on("hang-release", (a, b) => this.onHangRelease(a, b));
    this.evCrash = on("crash", (a, b) => this.onCrash(a, b));
    this.evOnline = on("online", (a, b) => this.onOnline(a, b));
    this.evFlap = on("flap", (a) => this.onFlap(a));
    this.evSweep = on("sweep", () => this.onSweep());
    this.evDeadline = on("deadline", (a, b) => this.onDeadline(a, b));
    this.evHedge = on("hedge", (a, b) => this.onHedge(a, b));
    this.evSample = on("sample", () => this.onSample());
    this.evPopAllowed = on("pop-allowed", (a) => this.onPopAllowed(a));

    this.buildFleet();
    this.sleepers = new Sleepers<Request, RequestTemplate>(
      this.workers,
      (w, r, now) => this.eligible(w, r, now),
      (r) => r.template,
      (g, t) => groupMayTake(g, t),
    );
  }

  // ---------------------------------------------------------------- set-up

  private buildFleet(): void {
    const groups = [...this.scenario.workers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const sampleLimit = this.scenario.server.speed.samples;
    for (const g of groups) {
      const speedOf = this.sampler(g.speed);
      for (let i = 0; i < g.count; i++) {
        const name = workerName(g.name, i, g.count);
        const speed = Math.max(1e-9, speedOf(this.streams.stream(`worker/${name}/speed`)));
        const phase = this.streams.stream(`worker/${name}/phase`).next() * g.poll_interval;
        const w = new Worker(this.workers.length, name, g, speed, phase, sampleLimit);
        this.workers.push(w);
        this.workerJobRng.push(this.streams.stream(`worker/${name}/jobs`));
        this.workerOutageRng.push(this.streams.stream(`worker/${name}/outages`));
      }
    }
  }

  private sampler(d: Distribution): (rng: Rng) => number {
    let f = this.samplers.get(d);
    if (f === undefined) {
      f = compile(d);
      this.samplers.set(d, f);
    }
    return f;
  }

  /** Runs the model to the horizon and emits every record. */
  run(): void {
    const sc = this.scenario;
    const s = this.sim;
    sc.arrivals.forEach((stream, i) => {
      this.arrivalRng.push(this.streams.stream(`arrivals/${stream.name}`));
      this.mixRng.push(this.streams.stream(`mix/${stream.name}`));
      this.mixTotals.push(stream.mix.reduce((sum, t) => sum + t.weight, 0));
      const first = stream.times !== null ? (stream.times[0] ?? Number.POSITIVE_INFINITY) : this.nextArrival(i, 0);
      if (first <= sc.horizon) s.schedule(first, this.evArrive, i, 0);
    });
    const firstSweep = this.sweepRng.next() * sc.server.sweep.period;
    s.schedule(sc.server.sweep.phase ?? firstSweep, this.evSweep, 0, 0);
    if (sc.sample_interval > 0) s.schedule(0, this.evSample, 0, 0);
    for (const w of this.workers) {
      const f = w.group.flapping;
      if (f !== null) s.schedule(f.phase, this.evFlap, w.id, 0);
      if (this.naive) this.schedulePoll(w);
      else this.sleep(w);
    }
    s.run(sc.horizon);
    this.finish();
  }

  // ---------------------------------------------------------------- arrivals

  /** The next arrival after t of a piecewise-constant Poisson stream (exact: memoryless across segments). */
  private nextArrival(stream: number, t: number): number {
    const segs = this.scenario.arrivals[stream].rate;
    let remaining = -Math.log(1 - this.arrivalRng[stream].next());
    let cur = t;
    let i = 0;
    while (i + 1 < segs.length && segs[i + 1].from <= cur) i++;
    for (;;) {
      const end = i + 1 < segs.length ? segs[i + 1].from : Number.POSITIVE_INFINITY;
      const rate = segs[i].rate;
      if (rate > 0) {
        const dt = remaining / rate;
        if (cur + dt < end) return cur + dt;
        remaining -= (end - cur) * rate;
      }
      if (end === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
      cur = end;
      i++;
    }
  }

  private onArrive(stream: number, index: number): void {
    const now = this.sim.now;
    const arrivals = this.scenario.arrivals[stream];
    let u = this.mixRng[stream].next() * this.mixTotals[stream];
    let template = arrivals.mix[arrivals.mix.length - 1];
    for (const t of arrivals.mix) {
      if (u < t.weight) {
        template = t;
        break;
      }
      u -= t.weight;
    }
    this.submit(template, arrivals.name, -1, now, 0);
    const times = arrivals.times;
    const next = times !== null ? (times[index + 1] ?? Number.POSITIVE_INFINITY) : this.nextArrival(stream, now);
    if (next <= this.scenario.horizon) this.sim.schedule(Math.max(now, next), this.evArrive, stream, index + 1);
  }

  private onResubmit(previous: number): void {
    const p = this.requests[previous];
    p.resubmitPending = false;
    this.submit(p.template, p.stream, p.originId, p.originSubmitted, p.resubmission + 1);
    this.maybeFree(p);
  }

  private submit(
    template: RequestTemplate,
    stream: string,
    origin: number,
    originSubmitted: number,
    resubmission: number,
  ): Request {
    const now = this.sim.now;
    const id = this.requests.length;
    const r = new Request(
      id,
      template,
      stream,
      now,
      origin < 0 ? id : origin,
      resubmission,
      now + this.scenario.server.expiry.normal,
      origin < 0 ? now : originSubmitted,
    );
    this.requests.push(r);
    this.liveRequestCount++;
    this.live.push(id);
    this.emit("submit", id, -1, -1);
    this.syncQueue(r);
    return r;
  }

  // ---------------------------------------------------------------- the waiting queue

  /** Puts the request in the queue iff it is poppable, with aging iff n > 0, then makes sure a worker will look. */
  private syncQueue(r: Request): void {
    const now = this.sim.now;
    const want = r.poppable;
    const inQueue = r.queueIndex >= 0;
    if (inQueue && (!want || r.aging !== r.n > 0)) {
      this.queue.remove(r, now);
      this.countWaiting(r, -1);
    }
    if (want && r.queueIndex < 0) {
      this.queue.add(r, now);
      this.countWaiting(r, 1);
    }
    if (want) this.ensureCovered(r);
  }

  private countWaiting(r: Request, delta: number): void {
    const user = r.template.user;
    this.waitingByUser.set(user, (this.waitingByUser.get(user) ?? 0) + delta);
  }

  // ---------------------------------------------------------------- lazy polling

  /**
   * An idle worker whose poll found nothing sleeps instead of polling every tick. When a request appears,
   * the sleeper that would have polled first among those that may take it is woken for its next tick;
   * when that poll does not take the request, the next one is woken. Waking more workers than needed is
   * always safe; never waking the first eligible poller is what must not happen.
   */
  private ensureCovered(r: Request): void {
    if (this.naive || !r.poppable) return;
    const now = this.sim.now;
    const coverer = r.coveredBy >= 0 ? this.workers[r.coveredBy] : null;
    const bound = coverer?.pollPending ? coverer.pollAt : Number.POSITIVE_INFINITY;
    // The eligible sleeper with the earliest tick before the bound, ties to the earliest to fall asleep
    // (exactly what a scan of the sleepers in list order keeping strictly earlier ticks would find).
    const best = this.sleepers.first(now, bound, r);
    if (best === null) return;
    if (coverer !== null && coverer.covering === r.id) coverer.covering = -1;
    best.covering = r.id;
    r.coveredBy = best.id;
    this.schedulePoll(best);
  }

  private sleep(w: Worker): void {
    if (this.naive) {
      this.schedulePoll(w, true);
      return;
    }
    if (w.asleep) return;
    w.asleep = true;
    this.sleepers.add(w);
  }

  private unsleep(w: Worker): void {
    if (!w.asleep) return;
    w.asleep = false;
    this.sleepers.remove(w);
  }

  /**
   * Polls run after every other event of their instant ("late"), so a poll sees what happened at its tick;
   * `strict` when the worker has just polled and its next poll is on the next tick.
   */
  private schedulePoll(w: Worker, strict = false): void {
    if (w.pollPending || !w.online || w.held >= w.slots) return;
    this.unsleep(w);
    w.pollPending = true;
    w.pollGen++;
    w.pollAt = w.nextTick(this.sim.now, strict);
    this.sim.scheduleLate(w.pollAt, this.evPoll, w.id, w.pollGen);
  }

  /** The worker's poll ended without covering a request it was woken for: find another poller for it. */
  private releaseCover(w: Worker): void {
    const c = w.covering;
    if (c < 0) return;
    w.covering = -1;
    const r = this.requests[c];
    // A request let go of is done: nobody need cover it.
    if (r === undefined) return;
    if (r.coveredBy === w.id) r.coveredBy = -1;
    this.ensureCovered(r);
  }

  private onPoll(wid: number, gen: number): void {
    const w = this.workers[wid];
    if (gen !== w.pollGen || !w.pollPending) return;
    w.pollPending = false;
    const now = this.sim.now;
    if (!w.online || w.held >= w.slots) {
      this.releaseCover(w);
      return;
    }
    let allowedAt = now;
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.popAllowedAt) allowedAt = Math.max(allowedAt, rule.popAllowedAt(w, now));
    }
    if (allowedAt > now) {
      if (Number.isFinite(allowedAt)) this.sim.schedule(allowedAt, this.evPopAllowed, w.id, 0);
      this.releaseCover(w);
      return;
    }
    const r = this.selectCandidate(w, now);
    if (r === null) {
      w.errorPolling = w.maintenance;
      this.sleep(w);
      this.releaseCover(w);
      return;
    }
    w.errorPolling = false;
    this.pop(w, r, now);
    if (w.held < w.slots) this.schedulePoll(w, true);
    this.releaseCover(w);
    this.syncQueue(r);
  }

  private onPopAllowed(wid: number): void {
    this.schedulePoll(this.workers[wid]);
  }

  /** Candidates in priority order; the worker owner's own requests first (the Horde's priority pass). */
  private selectCandidate(w: Worker, now: number): Request | null {
    const owner = w.group.owner;
    const ownerWaiting = (this.waitingByUser.get(owner) ?? 0) > 0;
    let fallback: Request | null = null;
    for (let i = 0, items = this.queue.items; i < items.length; i++) {
      const r = items[i];
      if (!this.eligible(w, r, now)) continue;
      if (!ownerWaiting || r.template.user === owner) return r;
      if (fallback === null) fallback = r;
    }
    return fallback;
  }

  /** The Horde's pop filters (horde-model.md §2.3–§2.4) and the policy's reassignment rules. */
  eligible(w: Worker, r: Request, now: number): boolean {
    if (!r.poppable || r.expiry <= now) return false;
    if (!w.online || w.held >= w.slots) return false;
    const t = r.template;
    const g = w.group;
    if (r.n <= 0) {
      // Only a hedge copy is wanted: never to the worker already running the job.
      const original = this.jobs[r.hedgeOf];
      if (original === undefined || original.workerId === w.id) return false;
    }
    if (!this.sleepers.groupAdmits(w, r)) return false;
    const server = this.scenario.server;
    if (!t.slow_workers && w.measuredSpeed(server.speed.baseline) < server.speed.slow_gate) return false;
    if (w.maintenance && t.user !== g.owner) return false;
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.mayTake && !rule.mayTake(w, r, now)) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- pop and the worker's processing

  private pop(w: Worker, r: Request, now: number): void {
    const server = this.scenario.server;
    const hedge = r.n <= 0;
    if (hedge) r.hedgesWanted--;
    else r.n--;
    r.expiry = w.group.extra_slow_worker
      ? now + server.expiry.extra_slow
      : Math.max(r.expiry, now + server.expiry.normal);
    r.attempts++;
    r.processingJobs++;
    const ttl = this.policy.timeout.ttl(r, w, now);
    const job = new Job(this.jobs.length, r.id, w.id, r.attempts, now, ttl, hedge);
    job.reissued = r.failures > 0;
    this.jobs.push(job);
    this.liveJobCount++;
    r.addJob(job.id);
    r.liveJobs++;
    if (hedge) {
      const original = this.jobs[r.hedgeOf];
      original.twin = job.id;
      job.twin = original.id;
    }
    this.jobsIssued++;
    this.openJobs++;
    w.held++;
    w.heldJobs.push(job.id);
    w.pops++;
    this.decideFate(w, r, job, now);
    this.emit("pop", r.id, job.id, w.id);
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      rule.onPop?.(job, r, w, now);
    }

    const detector = this.policy.detector;
    if (detector.periodic) this.deadlines.push(job.popped + job.ttl, 0, job.id, 0);
    if (job.fate === "hang") {
      job.silentSince = now;
      this.sim.schedule(now + job.fateParam, this.evRelease, job.id, job.gen);
    } else {
      w.localQueue.push(job.id);
      this.startJobs(w);
    }
    if (!detector.periodic) {
      const at = job.fate === "hang" ? detector.silentDeadline(job, now) : detector.deadline(job);
      if (Number.isFinite(at)) this.scheduleDeadline(job, at);
    }
    if (!hedge) {
      let delay = Number.POSITIVE_INFINITY;
      for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
        const rule = rules[i];
        if (rule.hedgeDelay) delay = Math.min(delay, rule.hedgeDelay(job, r, w, now));
      }
      if (Number.isFinite(delay)) this.sim.schedule(now + delay, this.evHedge, job.id, job.gen);
    }
  }

  private modeApplies(m: FailureMode, r: Request, now: number): boolean {
    if (m.active !== undefined && !m.active.some((win) => now >= win.from && now < win.to)) return false;
    const f = m.when;
    if (f === undefined) return true;
    const t = r.template;
    if (f.width !== undefined && f.width !== t.width) return false;
    if (f.height !== undefined && f.height !== t.height) return false;
    if (f.steps !== undefined && f.steps !== t.steps) return false;
    if (f.sampler !== undefined && f.sampler !== t.sampler) return false;
    if (f.models !== undefined && (t.model === null || !f.models.includes(t.model))) return false;
    if (f.min_mps !== undefined && r.mps < f.min_mps) return false;
    if (f.max_mps !== undefined && r.mps > f.max_mps) return false;
    return true;
  }

  /** Draws what will happen to the job on its worker, from the worker's own stream. */
  private decideFate(w: Worker, r: Request, job: Job, now: number): void {
    const rng = this.workerJobRng[w.id];
    const u = rng.next();
    const jitter = w.group.jitter;
    job.jitter = jitter > 0 ? Math.exp(jitter * standardNormal(rng)) : 1;
    let cumulative = 0;
    for (let i = 0, modes = w.failures; i < modes.length; i++) {
      const m = modes[i];
      if (!this.modeApplies(m, r, now)) continue;
      cumulative += m.probability;
      if (u >= cumulative) continue;
      switch (m.mode) {
        case "hang":
          job.fate = "hang";
          job.fateParam = m.hold;
          break;
        case "crash":
          job.fate = "crash";
          job.fateParam = rng.next();
          break;
        case "slow":
          job.slowdown *= m.multiplier;
          break;
        case "fault":
          job.fate = "fault";
          job.fateParam = this.sampler(m.delay)(rng);
          break;
        case "late":
          job.fate = "late";
          job.fateParam = this.sampler(m.delay)(rng);
          break;
      }
      break;
    }
  }

  /** Starts held jobs on free threads, in pop order. */
  private startJobs(w: Worker): void {
    const now = this.sim.now;
    while (w.running < w.group.threads && w.localQueue.length > 0) {
      const job = this.jobs[w.localQueue.shift() as number];
      // A job dropped while it waited (cancelled twin) may have been let go of already.
      if (job === undefined || !job.held) continue;
      const r = this.requests[job.requestId];
      const g = w.group;
      const t = r.template;
      // A job_time distribution replaces the size-based time, jitter included (validation against theory).
      let work =
        t.job_time !== null ? this.sampler(t.job_time)(this.workerJobRng[w.id]) : (r.mps / w.speed) * job.jitter;
      work *= job.slowdown;
      if (t.job_time === null) {
        work += this.sampler(g.overhead)(this.workerJobRng[w.id]);
        if (t.model !== w.lastModel) work += this.sampler(g.model_load)(this.workerJobRng[w.id]);
      }
      w.lastModel = t.model;
      let end = now + work;
      if (job.fate === "fault") end = now + job.fateParam;
      else if (job.fate === "late") end = Math.max(end, job.popped + job.ttl + job.fateParam);
      else if (job.fate === "crash") this.sim.schedule(now + job.fateParam * work, this.evCrash, w.id, w.outageGen);
      job.running = true;
      job.startedAt = now;
      w.running++;
      this.sim.schedule(end, this.evRunEnd, job.id, job.gen);
    }
  }

  // An event naming a job the model has let go of is stale: such a job has ended and is not held, so the
  // handler would return at its generation or state check anyway.

  private onRunEnd(jid: number, gen: number): void {
    const job = this.jobs[jid];
    if (job === undefined || gen !== job.gen || !job.running) return;
    const w = this.workers[job.workerId];
    this.stopRunning(job, w);
    if (job.fate === "fault") this.reportFault(job);
    else this.submitResult(job);
    this.dropJob(job, w);
  }

  private stopRunning(job: Job, w: Worker): void {
    if (!job.running) return;
    const spent = this.sim.now - job.startedAt;
    job.running = false;
    job.gpuSeconds += spent;
    w.running--;
    w.busySeconds += spent;
  }

  /** The worker lets go of the job: its slot is free again. */
  private dropJob(job: Job, w: Worker): void {
    if (!job.held) return;
    job.held = false;
    job.gen++;
    w.held--;
    removeValue(w.heldJobs, job.id);
    this.stopRunning(job, w);
    this.emit("drop", job.requestId, job.id, w.id);
    if (job.end !== "open") {
      this.emitAttempt(job);
      this.freeJob(job);
    }
    this.startJobs(w);
    this.schedulePoll(w);
  }

  private onHangRelease(jid: number, gen: number): void {
    const job = this.jobs[jid];
    if (job === undefined || gen !== job.gen) return;
    this.dropJob(job, this.workers[job.workerId]);
  }

  // ---------------------------------------------------------------- results, faults and aborts

  private submitResult(job: Job): void {
    const now = this.sim.now;
    const r = this.requests[job.requestId];
    const w = this.workers[job.workerId];
    if (job.end !== "open") {
      // Aborted, deleted or cancelled already: the server refuses the late result.
      if (job.end === "stale_abort") {
        job.end = "late_discarded";
        w.lateDiscarded++;
      }
      this.emit("discard", r.id, job.id, w.id);
      return;
    }
    this.closeJob(job, "completed");
    r.completedJobs++;
    w.completed++;
    const elapsed = now - job.popped;
    if (elapsed > 0) w.recordSpeed(r.mps / elapsed);
    this.policy.timeout.onDelivered?.(job, r, elapsed);
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      rule.onJobEnd?.(job, r, w, "success", now);
    }
    r.expiry = Math.max(r.expiry, now + this.scenario.server.expiry.normal);
    this.emit("deliver", r.id, job.id, w.id);
    if (job.twin >= 0) this.cancelTwin(job);
    if (r.hedgeOf === job.id) this.dropHedgeWant(r);
    this.checkCompleted(r);
    this.syncQueue(r);
  }

  private cancelTwin(job: Job): void {
    const twin = this.jobs[job.twin];
    job.twin = -1;
    twin.twin = -1;
    if (twin.end !== "open") return;
    this.closeJob(twin, "cancelled");
    this.emit("cancel", twin.requestId, twin.id, twin.workerId);
    if (twin.held) this.dropJob(twin, this.workers[twin.workerId]);
  }

  /** Ends the server's side of a job. */
  private closeJob(job: Job, end: Job["end"]): void {
    job.end = end;
    job.endedAt = this.sim.now;
    job.deadlineGen++;
    this.openJobs--;
    const r = this.requests[job.requestId];
    r.processingJobs--;
    if (!job.held) {
      this.emitAttempt(job);
      this.freeJob(job);
    }
  }

  /** A failed copy whose twin is still running: the twin carries the image, no requeue and no strike. */
  private failedWithLiveTwin(job: Job): boolean {
    if (job.twin < 0) return false;
    const twin = this.jobs[job.twin];
    job.twin = -1;
    twin.twin = -1;
    return twin.end === "open";
  }

  private reportFault(job: Job): void {
    const now = this.sim.now;
    const r = this.requests[job.requestId];
    const w = this.workers[job.workerId];
    if (job.end !== "open") {
      this.emit("discard", r.id, job.id, w.id);
      return;
    }
    const covered = this.failedWithLiveTwin(job);
    // ImageProcessingGeneration._set_generation_inner: re-queue only while finished < jobs (eabea97d).
    if (!covered && r.completedJobs + r.faultedJobs < r.jobs) r.n++;
    this.closeJob(job, "reported_fault");
    if (!covered) r.faultedJobs++;
    w.reportedFaults++;
    this.afterFailure(job, r, w, now);
    this.emit("fault", r.id, job.id, w.id);
    this.checkCompleted(r);
    this.syncQueue(r);
  }

  private abortStale(job: Job): void {
    const now = this.sim.now;
    const r = this.requests[job.requestId];
    const w = this.workers[job.workerId];
    const covered = this.failedWithLiveTwin(job);
    this.closeJob(job, "stale_abort");
    if (!covered) {
      r.n++;
      r.faultedJobs++;
    }
    w.staleAborts++;
    this.emit("abort", r.id, job.id, w.id);
    this.afterFailure(job, r, w, now);
    this.syncQueue(r);
  }

  private afterFailure(job: Job, r: Request, w: Worker, now: number): void {
    r.failures++;
    r.addFailedWorker(w.id);
    if (r.hedgeOf === job.id) this.dropHedgeWant(r);
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      rule.onJobEnd?.(job, r, w, "failure", now);
    }
    this.countAbortForMaintenance(w, now);
    if (this.policy.detector.periodic) this.strikeCandidates.push(r);
    else this.checkStrikes(r);
  }

  /** WorkerTemplate.log_aborted_job: a tumbling hour; the 21st abort in it puts the worker in maintenance. */
  private countAbortForMaintenance(w: Worker, now: number): void {
    const m = this.scenario.server.maintenance;
    if (!this.policy.maintenance || !m.enabled) return;
    if (now - w.abortWindowStart > m.window) {
      w.abortsInWindow = 0;
      w.abortWindowStart = now;
    }
    w.abortsInWindow++;
    if (w.abortsInWindow > m.abort_threshold) {
      if (!w.maintenance) w.maintenanceEntries++;
      w.maintenance = true;
      w.abortsInWindow = 0;
      this.emit("maintenance", -1, -1, w.id);
    }
  }

  private checkStrikes(r: Request): void {
    if (r.done || r.faulted) return;
    if (r.faultedJobs > this.scenario.server.max_faulted_jobs) {
      r.faulted = true;
      this.emit("request_faulted", r.id, -1, -1);
      this.finishRequest(r, "faulted");
    }
  }

  /** WaitingPrompt.is_completed, once nothing is left to hand out. */
  private checkCompleted(r: Request): void {
    if (r.done || r.faulted || r.n > 0 || r.hedgesWanted > 0) return;
    if (r.completedJobs + r.faultedJobs - r.processingJobs >= r.jobs) {
      // Fewer images than asked (worker-reported faults past the guard) is a failure for the user.
      const outcome = r.completedJobs >= r.jobs ? "completed" : "faulted";
      if (outcome === "completed") this.emit("request_completed", r.id, -1, -1);
      this.finishRequest(r, outcome);
    }
  }

  /** The detector's deadline for the job; one past the horizon could never run, so it is not even queued. */
  private scheduleDeadline(job: Job, at: number): void {
    const gen = ++job.deadlineGen;
    if (at <= this.scenario.horizon) this.sim.schedule(at, this.evDeadline, job.id, gen);
  }

  private onDeadline(jid: number, gen: number): void {
    const job = this.jobs[jid];
    if (job === undefined || gen !== job.deadlineGen || job.end !== "open") return;
    this.abortStale(job);
  }

  private onHedge(jid: number, gen: number): void {
    const job = this.jobs[jid];
    if (job === undefined || gen !== job.gen || job.end !== "open" || job.twin >= 0) return;
    const r = this.requests[job.requestId];
    if (r.done || r.faulted || r.deleted || r.hedgesWanted > 0) return;
    for (let i = 0, rules = this.policy.rules; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.mayHedge && !rule.mayHedge(this.jobsIssued, this.hedgesIssued)) return;
    }
    r.hedgesWanted = 1;
    this.hedgesIssued++;
    r.hedgeOf = job.id;
    this.syncQueue(r);
  }

  /** The job a wanted copy would duplicate has ended before anyone popped the copy. */
  private dropHedgeWant(r: Request): void {
    if (r.hedgesWanted > 0) this.hedgesIssued -= r.hedgesWanted;
    r.hedgesWanted = 0;
  }

  // ---------------------------------------------------------------- outages

  private onCrash(wid: number, gen: number): void {
    const w = this.workers[wid];
    if (gen !== w.outageGen || !w.online) return;
    const downtime = this.sampler(this.crashDowntime(w))(this.workerOutageRng[wid]);
    this.goOffline(w, downtime);
  }

  private crashDowntime(w: Worker): Distribution {
    for (const m of w.failures) if (m.mode === "crash") return m.downtime;
    return { kind: "constant", value: 0 };
  }

  private onFlap(wid: number): void {
    const w = this.workers[wid];
    const f = w.group.flapping;
    if (f === null) return;
    if (w.online) this.goOffline(w, f.down);
    this.sim.schedule(this.sim.now + f.period, this.evFlap, wid, 0);
  }

  /** The worker stops polling and loses every job it holds; the server notices only through its detector. */
  private goOffline(w: Worker, downtime: number): void {
    const now = this.sim.now;
    w.online = false;
    w.outageGen++;
    w.pollPending = false;
    w.pollGen++;
    this.unsleep(w);
    this.emit("offline", -1, -1, w.id);
    const detector = this.policy.detector;
    for (const jid of w.heldJobs) {
      const job = this.jobs[jid];
      if (job.end === "open" && !detector.periodic && Number.isNaN(job.silentSince)) {
        job.silentSince = now;
        const at = detector.silentDeadline(job, now);
        if (Number.isFinite(at)) this.scheduleDeadline(job, at);
      }
      job.held = false;
      job.gen++;
      this.stopRunning(job, w);
      this.emit("drop", job.requestId, job.id, w.id);
      if (job.end !== "open") {
        this.emitAttempt(job);
        this.freeJob(job);
      }
    }
    w.heldJobs.length = 0;
    w.held = 0;
    w.localQueue.length = 0;
    this.releaseCover(w);
    this.sim.schedule(now + downtime, this.evOnline, w.id, w.outageGen);
  }

  private onOnline(wid: number, gen: number): void {
    const w = this.workers[wid];
    if (gen !== w.outageGen || w.online) return;
    w.online = true;
    this.emit("online", -1, -1, w.id);
    this.schedulePoll(w);
  }

  // ---------------------------------------------------------------- the server's sweep

  /** check_waiting_prompts: delete expired requests, abort stale jobs (periodic detector), fault after 3 strikes. */
  private onSweep(): void {
    const now = this.sim.now;
    // `live` is in submission order and every write to r.expiry keeps r.expiry ≥ r.submitted + the shorter
    // expiry (submit: + normal; pop: max(…, now + normal) or now + extra_slow; delivery: max(…)), so no
    // request past the first one submitted less than that long ago can have expired: only the old head of
    // the list is looked at (in order, as before, plus the ids of requests let go of, which are dropped),
    // and the rest is kept without touching it.
    const expiry = this.scenario.server.expiry;
    const shortest = Math.min(expiry.normal, expiry.extra_slow);
    // A request let go of is skipped and dropped (its deletion would do nothing: it is done and has no open
    // job). The survivors of the head are packed at its end and the head moves past the rest: no array is
    // rebuilt and nothing past the head is touched (the list is compacted once half of it is dead).
    const live = this.live;
    const requests = this.requests;
    const head = this.liveHead;
    let i = head;
    for (; i < live.length; i++) {
      const r = requests[live[i]];
      if (r === undefined) continue;
      if (r.submitted + shortest >= now) break;
      if (r.expiry < now) this.deleteRequest(r);
    }
    let top = i;
    for (let j = i - 1; j >= head; j--) {
      const id = live[j];
      const r = requests[id];
      if (r !== undefined && !r.deleted) live[--top] = id;
    }
    this.liveHead = top;
    if (top > 1024 && top * 2 > live.length) {
      live.copyWithin(0, top);
      live.length -= top;
      this.liveHead = 0;
    }
    if (this.policy.detector.periodic) {
      const d = this.deadlines;
      while (d.size > 0 && d.peekTime() < now) {
        d.pop();
        const job = this.jobs[d.a];
        if (job !== undefined && job.end === "open") this.abortStale(job);
      }
    }
    for (const r of this.strikeCandidates) this.checkStrikes(r);
    this.strikeCandidates.length = 0;
    const sweep = this.scenario.server.sweep;
    this.sim.schedule(now + sweep.period + this.sampler(sweep.run_time)(this.sweepRng), this.evSweep, 0, 0);
  }

  private deleteRequest(r: Request): void {
    r.deleted = true;
    // processingJobs counts the request's open jobs: most requests are long done by now, and skipping
    // the loop spares touching their jobs at all.
    if (r.processingJobs > 0) {
      this.expireJob(r.firstJob);
      const later = r.laterJobs;
      if (later !== null) for (let k = 0; k < later.length; k++) this.expireJob(later[k]);
    }
    if (!r.done) {
      this.emit("request_expired", r.id, -1, -1);
      this.finishRequest(r, "expired");
    }
    this.syncQueue(r);
  }

  /** Closes the job as expired with its request, if it is still open (a job let go of has ended). */
  private expireJob(jid: number): void {
    const job = this.jobs[jid];
    if (job !== undefined && job.end === "open") this.closeJob(job, "expired");
  }

  // ---------------------------------------------------------------- letting go of ended entities

  /** The job has ended on the server, its worker has let go of it and its record is out. */
  private freeJob(job: Job): void {
    const r = this.requests[job.requestId];
    r.liveJobs--;
    if (this.retain) return;
    this.freedJobs[this.freedJobCount++] = job.id;
    this.maybeFree(r);
  }

  /** Lets go of the request if nothing can refer to it any more. */
  private maybeFree(r: Request): void {
    if (this.retain || !r.done || r.liveJobs > 0 || r.resubmitPending) return;
    this.freedRequests[this.freedRequestCount++] = r.id;
  }

  /** Empties the slots of the entities let go during the last event. */
  private collect(): void {
    const requests = this.requests as (Request | undefined)[];
    const jobs = this.jobs as (Job | undefined)[];
    for (let i = 0; i < this.freedJobCount; i++) {
      const id = this.freedJobs[i];
      if (jobs[id] === undefined) continue;
      jobs[id] = undefined;
      this.liveJobCount--;
    }
    this.freedJobCount = 0;
    for (let i = 0; i < this.freedRequestCount; i++) {
      const id = this.freedRequests[i];
      if (requests[id] === undefined) continue;
      requests[id] = undefined;
      this.liveRequestCount--;
    }
    this.freedRequestCount = 0;
  }

  /** Requests the model still holds (all of them with `retainEnded`). */
  get liveRequests(): number {
    return this.liveRequestCount;
  }

  /** Jobs the model still holds (all of them with `retainEnded`). */
  get liveJobs(): number {
    return this.liveJobCount;
  }

  // ---------------------------------------------------------------- records

  private finishRequest(r: Request, outcome: "completed" | "faulted" | "expired"): void {
    const now = this.sim.now;
    r.done = true;
    r.doneAt = now;
    r.outcome = outcome;
    this.syncQueue(r);
    const seen = this.seenAt(r.submitted, now);
    this.sink.request(this.requestRecord(r, seen));
    const client = this.scenario.client;
    if (outcome !== "completed" && r.resubmission < client.resubmit.max) {
      const at = seen + this.sampler(client.resubmit.delay)(this.clientRng);
      if (at <= this.scenario.horizon) {
        r.resubmitPending = true;
        this.sim.schedule(at, this.evResubmit, r.id, 0);
        return;
      }
    }
    this.emitUser(r, outcome, seen);
    this.maybeFree(r);
  }

  /** When the user's client, checking every poll interval since submission, sees the end. */
  private seenAt(submitted: number, done: number): number {
    const p = this.scenario.client.poll_interval;
    if (p <= 0) return done;
    return submitted + Math.ceil((done - submitted) / p) * p;
  }

  private emitUser(r: Request, outcome: UserRecord["outcome"], final: number): void {
    const submitted = r.originSubmitted;
    this.sink.user({
      policy: this.policyName,
      replication: this.replication,
      origin_id: r.originId,
      submitted_s: submitted,
      final_s: final,
      outcome,
      submissions: r.resubmission + 1,
      latency_s: final - submitted,
      warmup: submitted < this.scenario.warmup,
    });
  }

  private requestRecord(r: Request, seen: number): RequestRecord {
    const t = r.template;
    return {
      policy: this.policyName,
      replication: this.replication,
      request_id: r.id,
      origin_id: r.originId,
      resubmission: r.resubmission,
      stream: r.stream,
      width: t.width,
      height: t.height,
      steps: t.steps,
      sampler: t.sampler,
      model: t.model ?? "",
      submitted_s: r.submitted,
      done_s: r.doneAt,
      outcome: r.outcome,
      images_requested: r.jobs,
      images_delivered: r.completedJobs,
      attempts: r.attempts,
      latency_s: r.doneAt - r.submitted,
      seen_s: seen,
      warmup: r.submitted < this.scenario.warmup,
    };
  }

  private emitAttempt(job: Job): void {
    const w = this.workers[job.workerId];
    // a job still running at the horizon is not wasted: its result was simply not in yet
    const wasted = job.end === "completed" || job.end === "open" ? 0 : job.gpuSeconds;
    w.wastedSeconds += wasted;
    this.sink.attempt({
      policy: this.policyName,
      replication: this.replication,
      request_id: job.requestId,
      job_id: job.id,
      attempt: job.attempt,
      worker_id: w.id,
      worker_name: w.name,
      popped_s: job.popped,
      ended_s: job.endedAt,
      end: job.end,
      ttl_s: job.ttl,
      hedge: job.hedge,
      wasted_gpu_s: wasted,
    });
  }

  private onSample(): void {
    const now = this.sim.now;
    this.sink.sample({
      policy: this.policyName,
      replication: this.replication,
      t_s: now,
      queued: this.queue.length,
      in_flight: this.openJobs,
    });
    const next = now + this.scenario.sample_interval;
    if (next <= this.scenario.horizon) this.sim.schedule(next, this.evSample, 0, 0);
  }

  /** At the horizon: what is still open is reported as open. */
  private finish(): void {
    const now = this.sim.now;
    this.collect();
    // Index loops: most slots are empty by now, and a for-of over a million of them allocated an iterator
    // result per slot.
    const jobs = this.jobs;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i];
      if (job === undefined) continue;
      if (job.held && job.running) {
        const spent = now - job.startedAt;
        job.gpuSeconds += spent;
        this.workers[job.workerId].busySeconds += spent;
        job.running = false;
      }
      if (job.held || job.end === "open") {
        if (job.end === "open") job.endedAt = Number.NaN;
        job.held = false;
        this.emitAttempt(job);
      }
    }
    const requests = this.requests;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i];
      if (r !== undefined && !r.done) {
        this.sink.request(this.requestRecord(r, Number.NaN));
        this.emitUser(r, "open", Number.NaN);
      }
    }
    for (const w of this.workers) {
      this.sink.worker({
        policy: this.policyName,
        replication: this.replication,
        worker_id: w.id,
        worker_name: w.name,
        group: w.group.name,
        pops: w.pops,
        completed: w.completed,
        stale_aborts: w.staleAborts,
        reported_faults: w.reportedFaults,
        late_discarded: w.lateDiscarded,
        maintenance_entries: w.maintenanceEntries,
        busy_s: w.busySeconds,
        wasted_gpu_s: w.wastedSeconds,
      });
    }
  }

  // ---------------------------------------------------------------- helpers

  private emit(kind: TraceKind, a: number, b: number, c: number): void {
    if (this.trace !== undefined) this.trace(this.sim.now, kind, a, b, c);
  }

  private fleetMedianSpeed(now: number): number {
    if (now - this.fleetMedianAt < 60) return this.fleetMedianCache;
    const speeds: number[] = [];
    const baseline = this.scenario.server.speed.baseline;
    for (const w of this.workers) if (w.sampleCount > 0) speeds.push(w.measuredSpeed(baseline));
    speeds.sort((a, b) => a - b);
    const n = speeds.length;
    this.fleetMedianCache = n === 0 ? baseline : n % 2 === 1 ? speeds[n >> 1] : (speeds[n / 2 - 1] + speeds[n / 2]) / 2;
    this.fleetMedianAt = now;
    return this.fleetMedianCache;
  }
}
