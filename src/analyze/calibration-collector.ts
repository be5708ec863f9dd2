// What calibration needs besides the analysis, gathered through the analyzer's hooks in the same pass:
// each request's class and first pop (its arrival), each worker's service times, and how long a hanging
// worker keeps a lost job's slot.

import { megapixelSteps } from "../horde/request.js";
import type { AnalyzerHooks, OpenJob, WpState } from "./analyzer.js";
import { configKey, type DeliverEvent, type JobConfig } from "./events.js";
import { ServiceSamples } from "./service-fit.js";

/** Slots a worker holds at once: reGen's default queue_size 1 + max_threads 1 (docs/model.md §5.1). */
export const ASSUMED_SLOTS = 2;
const HOUR = 3600_000;
const MAX_PAIRS = 10_000;

/** Requests of one shape: known from an abort or faulted line, or only known by the kudos of a delivery. */
export interface RequestClass {
  key: string;
  config: JobConfig | null;
  kudos: number | null;
  n: number;
  count: number;
  /** Requests per hour (start of the hour in ms). */
  hours: Map<number, number>;
  /** First pops, ms (only when arrival times are kept). */
  times: number[];
}

export interface WorkerCalibration {
  /** Service times of its deliveries with their sizes (or kudos, when the size is unknown). */
  service: ServiceSamples;
  lastDelivery: number;
  /** Pop times of the jobs the server still counts as open on this worker. */
  open: Map<string, number>;
  /** Upper bound of the hang hold, s (Infinity: no evidence). */
  holdBound: number;
  classes: Set<string>;
}

function round3(x: number): number {
  return Number(x.toPrecision(3));
}

export class CalibrationCollector implements AnalyzerHooks {
  readonly workers = new Map<string, WorkerCalibration>();
  readonly classes = new Map<string, RequestClass>();
  /** MPS per kudos of delivered requests whose size is known. */
  readonly mpsPerKudos: number[] = [];

  constructor(private readonly keepTimes: boolean) {}

  private worker(name: string): WorkerCalibration {
    let w = this.workers.get(name);
    if (w === undefined) {
      w = {
        service: new ServiceSamples(),
        lastDelivery: Number.NEGATIVE_INFINITY,
        open: new Map(),
        holdBound: Number.POSITIVE_INFINITY,
        classes: new Set(),
      };
      this.workers.set(name, w);
    }
    return w;
  }

  /**
   * A worker pops only with a free slot, so when the server counts ASSUMED_SLOTS or more of its jobs open, it
   * has already let go of one of the two youngest: a hang's hold is at most the age of the second youngest.
   */
  popped(job: OpenJob): void {
    const w = this.worker(job.worker);
    if (w.open.size >= ASSUMED_SLOTS) {
      const ages = [...w.open.values()].map((t) => (job.t - t) / 1000).sort((a, b) => a - b);
      w.holdBound = Math.min(w.holdBound, ages[ASSUMED_SLOTS - 1]);
    }
    w.open.set(job.job, job.t);
  }

  ended(job: OpenJob): void {
    this.workers.get(job.worker)?.open.delete(job.job);
  }

  /** Service time: from the pop, or from the worker's previous delivery when it was still busy (one thread). */
  delivered(job: OpenJob, e: DeliverEvent, wp: WpState | undefined): void {
    const w = this.worker(job.worker);
    let seconds = (e.t - Math.max(job.t, w.lastDelivery)) / 1000;
    if (!(seconds > 0)) seconds = (e.t - job.t) / 1000;
    w.lastDelivery = e.t;
    if (!(seconds > 0)) return;
    const c = wp?.config ?? null;
    if (c !== null) w.service.add(megapixelSteps(c.width, c.height, c.steps, c.sampler), false, seconds);
    else w.service.add(e.kudos, true, seconds);
  }

  closed(wp: WpState): void {
    if (Number.isNaN(wp.firstPop)) return;
    const key =
      wp.config !== null
        ? `${configKey(wp.config)}/${wp.n}`
        : wp.kudos !== null && wp.kudos > 0
          ? `kudos:${round3(wp.kudos)}/${wp.n}`
          : `unknown/${wp.n}`;
    let c = this.classes.get(key);
    if (c === undefined) {
      c = {
        key,
        config: wp.config,
        kudos: wp.config === null && wp.kudos !== null && wp.kudos > 0 ? round3(wp.kudos) : null,
        n: wp.n,
        count: 0,
        hours: new Map(),
        times: [],
      };
      this.classes.set(key, c);
    }
    c.count++;
    const hour = Math.floor(wp.firstPop / HOUR) * HOUR;
    c.hours.set(hour, (c.hours.get(hour) ?? 0) + 1);
    if (this.keepTimes) c.times.push(wp.firstPop);
    for (const name of wp.workers) this.worker(name).classes.add(key);
    if (wp.config !== null && wp.kudos !== null && wp.kudos > 0 && this.mpsPerKudos.length < MAX_PAIRS) {
      const c0 = wp.config;
      this.mpsPerKudos.push(megapixelSteps(c0.width, c0.height, c0.steps, c0.sampler) / wp.kudos);
    }
  }
}
