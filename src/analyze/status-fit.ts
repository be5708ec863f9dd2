// The first guess of a scenario whose steady state matches a /status snapshot (calibrate-status.ts tunes it
// by simulation). Why two classes: one FIFO class cannot hold a steady queue of Q requests at the delivered
// throughput (near ρ = 1 the queue is unstable); an overloaded Horde with priority classes can. Registered
// users (kudos above what any request can age to before it expires) are served first; anonymous users (kudos
// 0) come faster than the capacity left to them, so their queue grows until requests expire unserved
// (20 min, server.expiry.normal): it settles at about the anonymous rate × the expiry.
import { UserError } from "../errors.js";
import { fieldPlace, type ModelStatus, type PerformanceSnapshot } from "./status-snapshot.js";

/** Request sizes and their weights: mostly SD 1.5's 512², some portrait and 768². */
export const SIZES = [
  { width: 512, height: 512, weight: 6 },
  { width: 512, height: 768, weight: 3 },
  { width: 768, height: 768, weight: 1 },
] as const;

export const MEAN_PIXELS =
  SIZES.reduce((s, x) => s + x.width * x.height * x.weight, 0) / SIZES.reduce((s, x) => s + x.weight, 0);

/** Seconds per job besides sampling (the scenario default: upload, safety check, HTTP). */
export const OVERHEAD_S = 2;
/** Lognormal sigma of the workers' speeds (spread of the fleet) and of one worker's jobs. */
export const SPEED_SIGMA = 0.15;
export const JITTER = 0.1;
/** Of the anonymous requests, the share the capacity left by registered users serves (the rest expire). */
export const ANONYMOUS_SERVED = 0.8;
/** Registered users' kudos: more than an anonymous request ages to before it expires (+50 per 10 s × 20 min = 6,000). */
export const REGISTERED_KUDOS = 10_000;
const EXPIRY_S = 1200;
const SWEEP_S = 60;

export interface FittedModel {
  name: string | null;
  /** Share of the requests. */
  share: number;
  steps: number;
  /** From the models snapshot: images waiting and their mean MPS per image. */
  jobs: number | null;
  mps: number | null;
}

export interface FittedWorkerGroup {
  name: string;
  count: number;
  threads: number;
  models: string[];
}

export interface StatusFit {
  performance: PerformanceSnapshot;
  /** Mean MPS of a queued request: queued_megapixelsteps / queued_requests. */
  meanMps: number;
  /** past_minute_megapixelsteps / 60. */
  deliveredPerS: number;
  /** Images delivered per second at the snapshot: deliveredPerS / meanMps. */
  imagesPerS: number;
  models: FittedModel[];
  workers: FittedWorkerGroup[];
  /** Median of the workers' lognormal speed, MPS/s. */
  speed: number;
  registeredRate: number;
  anonymousRate: number;
}

function stepsFor(mps: number): number {
  return Math.max(1, Math.round((mps * 1e6) / MEAN_PIXELS));
}

/** Threads of worker i when `threads` are spread over `workers` as evenly as whole numbers allow. */
function threadsOf(i: number, workers: number, threads: number): number {
  return Math.floor(threads / workers) + (i < threads % workers ? 1 : 0);
}

/**
 * Workers' model lists from the models' thread counts: each model goes to as many workers as its threads make
 * (at least one), the workers with the fewest models first; a worker left without a model serves the model
 * with the most waiting images per thread. Identical workers are one group.
 */
export function assignModels(models: readonly ModelStatus[], workers: number, threads: number): FittedWorkerGroup[] {
  const perWorker = threads / workers;
  const lists: string[][] = Array.from({ length: workers }, () => []);
  const served = [...models]
    .filter((m) => m.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  for (const m of served) {
    const k = Math.min(workers, Math.max(1, Math.round(m.count / perWorker)));
    const order = lists.map((l, i) => ({ i, n: l.length })).sort((a, b) => a.n - b.n || a.i - b.i);
    for (const { i } of order.slice(0, k)) lists[i].push(m.name);
  }
  const busiest = [...served].sort((a, b) => b.jobs / b.count - a.jobs / a.count)[0];
  for (const l of lists) if (l.length === 0) l.push(busiest.name);
  const groups = new Map<string, FittedWorkerGroup>();
  lists.forEach((l, i) => {
    const t = threadsOf(i, workers, threads);
    const key = JSON.stringify([t, l]);
    const g = groups.get(key);
    if (g !== undefined) g.count++;
    else groups.set(key, { name: `w${groups.size + 1}`, count: 1, threads: t, models: l });
  });
  return [...groups.values()];
}

function plainWorkers(workers: number, threads: number): FittedWorkerGroup[] {
  const groups: FittedWorkerGroup[] = [];
  const low = Math.floor(threads / workers);
  const high = threads % workers;
  if (high > 0) groups.push({ name: `threads-${low + 1}`, count: high, threads: low + 1, models: [] });
  groups.push({ name: high > 0 ? `threads-${low}` : "workers", count: workers - high, threads: low, models: [] });
  return groups;
}

/** The first guess: sizes, steps and shares from the snapshots, the speed and rates from Little and the expiry. */
export function fitStatus(
  p: PerformanceSnapshot,
  models: readonly ModelStatus[] | null,
  performanceFile: string,
): StatusFit {
  const need = (ok: boolean, field: string, why: string) => {
    if (!ok) throw new UserError(`${fieldPlace(performanceFile, field)}: ${field}: ${why}`);
  };
  need(p.worker_count > 0, "worker_count", "is 0: no worker to calibrate");
  need(p.queued_requests > 0, "queued_requests", "is 0: calibrate --status fits a loaded Horde, with a queue");
  need(p.queued_megapixelsteps > 0, "queued_megapixelsteps", "is 0 with requests queued: no size to give them");
  need(p.past_minute_megapixelsteps > 0, "past_minute_megapixelsteps", "is 0: nothing delivered, no speed to fit");
  const meanMps = p.queued_megapixelsteps / p.queued_requests;
  const deliveredPerS = p.past_minute_megapixelsteps / 60;
  const imagesPerS = deliveredPerS / meanMps;
  // every thread busy: threads / imagesPerS seconds per job = mean MPS / speed + overhead
  const sampling = p.thread_count / imagesPerS - OVERHEAD_S;
  need(
    sampling > 0,
    "past_minute_megapixelsteps",
    `${p.past_minute_megapixelsteps} MPS a minute is more than ${p.thread_count} thread(s) deliver with ${OVERHEAD_S} s of overhead per job`,
  );
  const speed = (meanMps * Math.exp((SPEED_SIGMA ** 2 + JITTER ** 2) / 2)) / sampling;
  const anonymousRate = p.queued_requests / (EXPIRY_S + SWEEP_S / 2);
  const registeredRate = Math.max(0, imagesPerS - ANONYMOUS_SERVED * anonymousRate);
  let fitted: FittedModel[];
  let workers: FittedWorkerGroup[];
  if (models === null) {
    fitted = [{ name: null, share: 1, steps: stepsFor(meanMps), jobs: null, mps: null }];
    workers = plainWorkers(p.worker_count, p.thread_count);
  } else {
    const total = models.reduce((s, m) => s + m.jobs, 0);
    fitted = models
      .filter((m) => m.jobs > 0)
      .map((m) => {
        const mps = m.queued / m.jobs / 1e6;
        return { name: m.name, share: m.jobs / total, steps: stepsFor(mps > 0 ? mps : meanMps), jobs: m.jobs, mps };
      });
    workers = assignModels(models, p.worker_count, p.thread_count);
  }
  return {
    performance: p,
    meanMps,
    deliveredPerS,
    imagesPerS,
    models: fitted,
    workers,
    speed,
    registeredRate,
    anonymousRate,
  };
}
