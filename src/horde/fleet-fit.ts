// Does the fleet fit the traffic? Before a run: which kinds of request no worker can take (model, size, the
// extra-slow opt-in) or finish within the Horde's TTL, and the offered load ρ of each model bundle, at the mean
// and in the busiest hour. A bundle is a set of worker groups and the requests they can take, closed under
// "shares a request or a worker" (a connected component), since requests compete only for workers that can
// take them. ρ is offered MPS/s over the bundle's capacity (load-factor.ts: every thread busy, no failures).
import { mean } from "../engine/distributions.js";
import type { ArrivalStream, RequestTemplate, Scenario, WorkerGroup } from "../scenario/types.js";
import { fleetCapacity, meanRate } from "./load-factor.js";
import { megapixelSteps } from "./request.js";
import { groupMayTake } from "./server-queue.js";
import { hordeTtl } from "./ttl.js";

/** One kind of request a stream submits: a template of its mix, with the model drawn from its `models:`. */
export interface RequestKind {
  stream: number;
  template: number;
  /** Index into the stream's `models:`, or null when the template's own model is used. */
  model: number | null;
  /** The kind's template as submitted (its model replaced by the drawn one). */
  request: RequestTemplate;
  /** Share of the stream's requests. */
  share: number;
}

export type Unserved =
  | { reason: "model"; model: string; served: string[] }
  | { reason: "size"; pixels: number; maxPixels: number }
  | { reason: "extra-slow" }
  | { reason: "ttl"; seconds: number; ttl: number };

export interface UnservedKind {
  kind: RequestKind;
  problem: Unserved;
  /** Images a second of this kind, at the stream's mean rate. */
  imagesPerSecond: number;
}

export interface BundleLoad {
  /** The worker groups' names, in file order. */
  groups: string[];
  /** The models its requests name (null: a request that names none), in order of first appearance. */
  models: (string | null)[];
  workers: number;
  threads: number;
  /** MPS/s the bundle delivers with every thread busy, at its mean job size. */
  capacity: number;
  meanOffered: number;
  meanLoad: number;
  /** The busiest hour from simulated time 0 (0-based), its offered MPS/s and load. */
  peakHour: number;
  peakOffered: number;
  peakLoad: number;
}

export interface FleetFit {
  unserved: UnservedKind[];
  bundles: BundleLoad[];
}

function kindsOf(a: ArrivalStream, stream: number): RequestKind[] {
  const weights = a.mix.reduce((sum, t) => sum + t.weight, 0);
  const modelWeights = a.models.reduce((sum, m) => sum + m.weight, 0);
  const kinds: RequestKind[] = [];
  a.mix.forEach((t, template) => {
    const share = t.weight / weights;
    if (a.models.length === 0) {
      kinds.push({ stream, template, model: null, request: t, share });
      return;
    }
    a.models.forEach((m, model) => {
      kinds.push({
        stream,
        template,
        model,
        request: { ...t, model: m.name },
        share: (share * m.weight) / modelWeights,
      });
    });
  });
  return kinds;
}

/** Requests per second the stream submits in each hour [h, h+1) of the horizon (its period, for a daily profile). */
function hourlyRates(a: ArrivalStream, horizon: number): number[] {
  const span = Math.min(a.period ?? horizon, horizon);
  const hours = Math.max(1, Math.ceil(span / 3600));
  const perHour = new Array<number>(hours).fill(0);
  if (a.times !== null) {
    for (const t of a.times) if (t < span) perHour[Math.floor(t / 3600)] += 1;
  } else
    a.rate.forEach((seg, i) => {
      const end = Math.min(span, a.rate[i + 1]?.from ?? span);
      for (let h = Math.floor(seg.from / 3600); h < hours && h * 3600 < end; h++) {
        const from = Math.max(seg.from, h * 3600);
        const to = Math.min(end, (h + 1) * 3600);
        if (to > from) perHour[h] += seg.rate * (to - from);
      }
    });
  return perHour.map((requests, h) => requests / (Math.min(span, (h + 1) * 3600) - h * 3600));
}

/** Seconds a job of `mps` takes on a typical worker of the group (its mean speed's reciprocal, plus overhead). */
function typicalSeconds(g: WorkerGroup, mps: number): number {
  return mps / mean(g.speed) + mean(g.overhead);
}

function firstProblem(sc: Scenario, t: RequestTemplate): Unserved | null {
  const takers = sc.workers.filter((g) => groupMayTake(g, t));
  if (takers.length === 0) {
    const byModel = sc.workers.filter((g) => t.model === null || g.models.includes(t.model));
    if (byModel.length === 0 && t.model !== null)
      return { reason: "model", model: t.model, served: [...new Set(sc.workers.flatMap((g) => g.models))] };
    const bySize = byModel.filter((g) => t.width * t.height <= g.max_pixels);
    if (bySize.length === 0)
      return {
        reason: "size",
        pixels: t.width * t.height,
        maxPixels: Math.max(...byModel.map((g) => g.max_pixels)),
      };
    return { reason: "extra-slow" };
  }
  if (t.job_time !== null) return null;
  const mps = megapixelSteps(t.width, t.height, t.steps, t.sampler);
  const fits = takers.map((g) => ({ g, seconds: typicalSeconds(g, mps) }));
  if (fits.some(({ g, seconds }) => seconds <= hordeTtl(t, g.extra_slow_worker, sc.server.ttl))) return null;
  const best = fits.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { reason: "ttl", seconds: best.seconds, ttl: hordeTtl(t, best.g.extra_slow_worker, sc.server.ttl) };
}

/** Union-find over worker groups. */
function components(n: number, links: number[][]): number[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const l of links) for (let k = 1; k < l.length; k++) parent[find(l[k])] = find(l[0]);
  return parent.map((_, i) => find(i));
}

/** The fleet against the traffic: the kinds of request no worker serves, and each bundle's offered load. */
export function fleetFit(sc: Scenario): FleetFit {
  const unserved: UnservedKind[] = [];
  const served: { kind: RequestKind; groups: number[]; mps: number; hourly: number[]; mean: number }[] = [];
  sc.arrivals.forEach((a, stream) => {
    const hourly = hourlyRates(a, sc.horizon);
    const requests = a.times !== null ? a.times.length / sc.horizon : meanRate(a, sc.horizon);
    for (const kind of kindsOf(a, stream)) {
      const t = kind.request;
      const images = requests * kind.share * t.n;
      const problem = firstProblem(sc, t);
      if (problem !== null) unserved.push({ kind, problem, imagesPerSecond: images });
      const groups = sc.workers.flatMap((g, i) => (groupMayTake(g, t) ? [i] : []));
      if (groups.length === 0) continue;
      served.push({
        kind,
        groups,
        mps: megapixelSteps(t.width, t.height, t.steps, t.sampler),
        hourly: hourly.map((r) => r * kind.share * t.n),
        mean: images,
      });
    }
  });
  const root = components(
    sc.workers.length,
    served.map((s) => s.groups),
  );
  const bundles: BundleLoad[] = [];
  for (const r of [...new Set(root)]) {
    const groups = sc.workers.filter((_, i) => root[i] === r);
    const mine = served.filter((s) => root[s.groups[0]] === r);
    if (mine.length === 0) continue;
    const images = mine.reduce((sum, s) => sum + s.mean, 0);
    const meanOffered = mine.reduce((sum, s) => sum + s.mean * s.mps, 0);
    // at the offered mean job size (the kinds' plain mean when nothing is offered at the mean rate)
    const jobMps = images > 0 ? meanOffered / images : mine.reduce((sum, s) => sum + s.mps, 0) / mine.length;
    const capacity = fleetCapacity(groups, jobMps);
    const hours = Math.max(...mine.map((s) => s.hourly.length));
    let peakHour = 0;
    let peakOffered = -1;
    for (let h = 0; h < hours; h++) {
      const offered = mine.reduce((sum, s) => sum + (s.hourly[h] ?? 0) * s.mps, 0);
      if (offered > peakOffered) {
        peakOffered = offered;
        peakHour = h;
      }
    }
    bundles.push({
      groups: groups.map((g) => g.name),
      models: [...new Set(mine.map((s) => s.kind.request.model))],
      workers: groups.reduce((n, g) => n + g.count, 0),
      threads: groups.reduce((n, g) => n + g.count * g.threads, 0),
      capacity,
      meanOffered,
      meanLoad: meanOffered / capacity,
      peakHour,
      peakOffered,
      peakLoad: peakOffered / capacity,
    });
  }
  return { unserved, bundles };
}
