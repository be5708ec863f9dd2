// Joins pop, delivery, abort and fault lines by job and by request, in one pass over the events in time order.
// State is kept per open job and per recently active request only: a job is dropped when it ends (or after
// JOB_MAX_OPEN), a request once it has no open job and has been idle for longer than it can live (WP_IDLE).
import type {
  AbortEvent,
  DeliverEvent,
  FaultedEvent,
  JobConfig,
  LogEvent,
  PopEvent,
  SuspicionEvent,
} from "./events.js";
import { configKey } from "./events.js";
import { DurationStats } from "./histogram.js";
import {
  type ConfigStats,
  type FaultedRequest,
  type HourStats,
  newWorker,
  type Suspicion,
  type Timeline,
  type TimelineEntry,
  type WorkerStats,
} from "./stats-types.js";
import { abortCause, ttlOf } from "./ttl.js";

/** Longer than any TTL (570 s × 3 for an extra-slow worker) plus the checker's period. */
export const JOB_MAX_OPEN = 2 * 3600_000;
/** Longer than a request outlives its last pop (60 min for an extra-slow worker) plus the checker's period. */
export const WP_IDLE = 65 * 60_000;
const HOUR = 3600_000;

export interface OpenJob {
  job: string;
  wp: string;
  worker: string;
  t: number;
  fake: boolean;
}

export interface WpState {
  wp: string;
  firstPop: number;
  lastEvent: number;
  config: JobConfig | null;
  /** Images requested, as far as the log shows: the largest "gens left" after a pop, plus one. */
  n: number;
  open: number;
  pops: number;
  aborts: number;
  deliveries: number;
  faulted: boolean;
  /** Kudos of its first delivery. */
  kudos: number | null;
  entries: TimelineEntry[];
  /** Workers that popped it, first pop first. */
  workers: string[];
}

export interface AnalyzerHooks {
  popped?(job: OpenJob): void;
  ended?(job: OpenJob, t: number): void;
  delivered?(job: OpenJob, e: DeliverEvent, wp: WpState | undefined): void;
  closed?(wp: WpState): void;
}

export class Analyzer {
  readonly workers = new Map<string, WorkerStats>();
  readonly configs = new Map<string, ConfigStats>();
  readonly hours = new Map<number, HourStats>();
  readonly timelines: Timeline[] = [];
  readonly faulted: FaultedRequest[] = [];
  readonly suspicions: Suspicion[] = [];
  requests = 0;
  deliveriesWithoutPop = 0;
  abortsWithoutPop = 0;
  unfinished = 0;
  first = Number.NaN;
  last = Number.NaN;

  private readonly jobs = new Map<string, OpenJob>();
  private readonly wps = new Map<string, WpState>();
  private readonly idToName = new Map<string, string>();
  private nextSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly hooks: AnalyzerHooks = {}) {}

  /** Requests and jobs currently held in memory (for tests of the bound). */
  get openState(): { jobs: number; requests: number } {
    return { jobs: this.jobs.size, requests: this.wps.size };
  }

  handle(e: LogEvent): void {
    if (Number.isNaN(this.first)) this.first = e.t;
    if (!(e.t <= this.last)) this.last = e.t;
    if (e.t >= this.nextSweep) {
      this.sweep(e.t);
      this.nextSweep = e.t + 60_000;
    }
    switch (e.kind) {
      case "pop":
        this.pop(e);
        break;
      case "deliver":
        this.deliver(e);
        break;
      case "abort":
        this.abort(e);
        break;
      case "faulted":
        this.fault(e);
        break;
      case "suspicion":
        this.suspicion(e);
        break;
    }
  }

  /** Closes every job and request still open; call once after the last event. */
  finish(): void {
    for (const job of this.jobs.values()) this.unfinish(job, this.last);
    this.jobs.clear();
    for (const wp of this.wps.values()) this.close(wp);
    this.wps.clear();
    this.timelines.sort((a, b) => a.entries[0].t - b.entries[0].t || (a.wp < b.wp ? -1 : 1));
  }

  private worker(name: string, id = "", ip = ""): WorkerStats {
    let w = this.workers.get(name);
    if (w === undefined) {
      w = newWorker(name);
      this.workers.set(name, w);
    }
    if (id !== "" && w.id === "") {
      w.id = id;
      this.idToName.set(id, name);
    }
    if (ip !== "") w.ip = ip;
    return w;
  }

  private hour(t: number): HourStats {
    const hour = Math.floor(t / HOUR) * HOUR;
    let h = this.hours.get(hour);
    if (h === undefined) {
      h = { hour, pops: 0, deliveries: 0, aborts: 0, timeouts: 0, reportedFaults: 0, faultedRequests: 0 };
      this.hours.set(hour, h);
    }
    return h;
  }

  private config(c: JobConfig): ConfigStats {
    const key = configKey(c);
    let s = this.configs.get(key);
    if (s === undefined) {
      s = {
        key,
        config: c,
        ttl: ttlOf(c),
        aborts: 0,
        timeouts: 0,
        reportedFaults: 0,
        unknownCause: 0,
        requests: 0,
        faultedRequests: 0,
        timeoutTimes: new DurationStats(),
      };
      this.configs.set(key, s);
    }
    return s;
  }

  private request(wp: string, t: number): WpState {
    let s = this.wps.get(wp);
    if (s === undefined) {
      s = {
        wp,
        firstPop: Number.NaN,
        lastEvent: t,
        config: null,
        n: 1,
        open: 0,
        pops: 0,
        aborts: 0,
        deliveries: 0,
        faulted: false,
        kudos: null,
        entries: [],
        workers: [],
      };
      this.wps.set(wp, s);
      this.requests++;
    }
    return s;
  }

  private entry(wp: WpState, e: Omit<TimelineEntry, "sincePrevious">): void {
    const prev = wp.entries.at(-1);
    wp.entries.push({ ...e, sincePrevious: prev === undefined ? null : (e.t - prev.t) / 1000 });
    wp.lastEvent = e.t;
  }

  private pop(e: PopEvent): void {
    if (this.jobs.has(e.job)) return;
    const w = this.worker(e.worker, e.workerId, e.ip);
    if (e.fake) w.fakePops++;
    else w.pops++;
    this.hour(e.t).pops++;
    const wp = this.request(e.wp, e.t);
    if (Number.isNaN(wp.firstPop)) wp.firstPop = e.t;
    if (!e.fake) wp.n = Math.max(wp.n, e.left + 1);
    wp.open++;
    wp.pops++;
    if (!wp.workers.includes(e.worker)) wp.workers.push(e.worker);
    this.entry(wp, { t: e.t, event: "pop", job: e.job, worker: e.worker, sincePop: null, ttl: null, cause: null });
    const job: OpenJob = { job: e.job, wp: e.wp, worker: e.worker, t: e.t, fake: e.fake };
    this.jobs.set(e.job, job);
    this.hooks.popped?.(job);
  }

  /** Removes an open job; returns it, or undefined when its pop is not in the log. */
  private end(jobId: string, t: number): OpenJob | undefined {
    const job = this.jobs.get(jobId);
    if (job === undefined) return undefined;
    this.jobs.delete(jobId);
    const wp = this.wps.get(job.wp);
    if (wp !== undefined) wp.open--;
    this.hooks.ended?.(job, t);
    return job;
  }

  private deliver(e: DeliverEvent): void {
    const job = this.end(e.job, e.t);
    const w = this.worker(job?.worker ?? e.worker);
    w.deliveries++;
    if (e.cancelled) w.cancelled++;
    this.hour(e.t).deliveries++;
    const wp = this.wps.get(e.wp) ?? (job === undefined ? undefined : this.wps.get(job.wp));
    const sincePop = job === undefined ? null : (e.t - job.t) / 1000;
    if (job === undefined) this.deliveriesWithoutPop++;
    else w.deliveryTimes.add(sincePop as number);
    if (wp !== undefined) {
      wp.deliveries++;
      wp.kudos ??= e.kudos;
      this.entry(wp, { t: e.t, event: "deliver", job: e.job, worker: w.name, sincePop, ttl: null, cause: null });
    }
    if (job !== undefined) this.hooks.delivered?.(job, e, wp);
  }

  private abort(e: AbortEvent): void {
    const job = this.end(e.job, e.t);
    const wpId = e.wp ?? job?.wp ?? null;
    const wp =
      wpId === null ? undefined : (this.wps.get(wpId) ?? (job === undefined ? this.request(wpId, e.t) : undefined));
    if (wp !== undefined && wp.config === null && e.config !== null) wp.config = e.config;
    const config = e.config ?? wp?.config ?? null;
    const ttl = config === null ? null : ttlOf(config);
    const sincePop = job === undefined ? null : (e.t - job.t) / 1000;
    const cause = abortCause(sincePop, ttl);
    const w = this.worker(e.worker, e.workerId);
    w.aborts++;
    if (job?.fake) w.fakeAborts++;
    if (job === undefined) this.abortsWithoutPop++;
    const h = this.hour(e.t);
    h.aborts++;
    const c = config === null ? null : this.config(config);
    if (c !== null) c.aborts++;
    if (cause === "timeout") {
      w.timeouts++;
      h.timeouts++;
      w.timeoutTimes.add(sincePop as number);
      if (c !== null) {
        c.timeouts++;
        c.timeoutTimes.add(sincePop as number);
      }
    } else if (cause === "reported_fault") {
      w.reportedFaults++;
      h.reportedFaults++;
      w.faultTimes.add(sincePop as number);
      if (c !== null) c.reportedFaults++;
    } else {
      w.unknownCause++;
      if (c !== null) c.unknownCause++;
    }
    if (wp !== undefined) {
      wp.aborts++;
      this.entry(wp, { t: e.t, event: "abort", job: e.job, worker: e.worker, sincePop, ttl, cause });
    }
  }

  private fault(e: FaultedEvent): void {
    const wp = this.request(e.wp, e.t);
    if (wp.config === null && e.config !== null) wp.config = e.config;
    if (e.n !== null) wp.n = Math.max(wp.n, e.n);
    wp.faulted = true;
    this.hour(e.t).faultedRequests++;
    if (wp.config !== null) this.config(wp.config).faultedRequests++;
    const aborting = wp.entries.filter((x) => x.event === "abort").map((x) => x.worker ?? "?");
    this.faulted.push({
      wp: e.wp,
      t: e.t,
      config: wp.config,
      n: e.n,
      pops: wp.pops,
      aborts: wp.aborts,
      firstPop: wp.firstPop,
      workers: aborting,
    });
    this.entry(wp, { t: e.t, event: "faulted", job: null, worker: null, sincePop: null, ttl: null, cause: null });
  }

  private suspicion(e: SuspicionEvent): void {
    const name = this.idToName.get(e.workerId) ?? e.workerId;
    this.worker(name).suspicions++;
    this.suspicions.push({ t: e.t, workerId: e.workerId, worker: name, reason: e.reason });
  }

  private unfinish(job: OpenJob, t: number): void {
    this.unfinished++;
    this.worker(job.worker).unfinished++;
    const wp = this.wps.get(job.wp);
    if (wp !== undefined) wp.open--;
    this.hooks.ended?.(job, t);
  }

  private close(wp: WpState): void {
    if (wp.aborts >= 2) {
      this.timelines.push({
        wp: wp.wp,
        config: wp.config,
        pops: wp.pops,
        aborts: wp.aborts,
        deliveries: wp.deliveries,
        faulted: wp.faulted,
        entries: wp.entries,
      });
    }
    if (wp.aborts > 0 && wp.config !== null) this.config(wp.config).requests++;
    this.hooks.closed?.(wp);
  }

  private sweep(now: number): void {
    for (const job of this.jobs.values()) {
      if (now - job.t > JOB_MAX_OPEN) {
        this.jobs.delete(job.job);
        this.unfinish(job, now);
      }
    }
    for (const wp of this.wps.values()) {
      if (wp.open <= 0 && (wp.faulted || now - wp.lastEvent > WP_IDLE)) {
        this.wps.delete(wp.wp);
        this.close(wp);
      }
    }
  }
}
