// Estimates a scenario from one pass over a log: arrivals per hour and their shapes, and one worker group per
// worker seen, with its speed and failure probabilities. Every estimate carries what it was computed from.
import type { Analyzer } from "./analyzer.js";
import type { CalibrationCollector } from "./calibration-collector.js";
import { configKey, type JobConfig } from "./events.js";
import { mpsPerKudos, type Ratio, resolveShapes, type Shape } from "./request-classes.js";
import type { ServiceFit } from "./service-fit.js";

const HOUR = 3600_000;
/** A shape with at least this share of the requests gets its own arrival stream (at most MAX_STREAMS). */
export const STREAM_SHARE = 0.02;
export const MAX_STREAMS = 8;
/** Default hold of a hang when the log gives no bound: reGen's process_timeout 300 s + 20 s (the scenario default). */
export const DEFAULT_HOLD = 320;
const MAX_JITTER = 1.5;

export interface CalibratedStream {
  name: string;
  shapes: Shape[];
  count: number;
  /** Requests per hour from hour `from` (hours since the start) until the next entry; null with times. */
  rates: { from: number; perHour: number }[] | null;
  /** First pops in seconds since the start; null without --replay. */
  times: number[] | null;
}

export interface CalibratedWorker {
  name: string;
  id: string;
  pops: number;
  deliveries: number;
  timeouts: number;
  reportedFaults: number;
  /** Request shapes it popped: its "models" in the scenario (the log names no model). */
  models: string[];
  maxPixels: number;
  speed: {
    median: number;
    sigma: number;
    jitter: number;
    overhead: number;
    samples: number;
    fromKudos: number;
    fleetDefault: boolean;
  };
  hang: { probability: number; hold: number; holdBound: boolean } | null;
  fault: { probability: number; delay: number } | null;
}

export interface Calibration {
  files: string[];
  first: number;
  last: number;
  /** Start of the hour of the first event, ms. */
  start: number;
  horizonHours: number;
  ratio: Ratio;
  requests: { total: number; exact: number; kudos: number; unknown: number };
  streams: CalibratedStream[];
  workers: CalibratedWorker[];
  replay: boolean;
}

export function modelName(c: JobConfig): string {
  return configKey(c);
}

function hourlyRates(hours: Map<number, number>, start: number, horizon: number): { from: number; perHour: number }[] {
  const out: { from: number; perHour: number }[] = [];
  for (let h = 0; h < horizon; h++) {
    const perHour = Math.round((hours.get(start + h * HOUR) ?? 0) * 100) / 100;
    if (out.length === 0 || out[out.length - 1].perHour !== perHour) out.push({ from: h, perHour });
  }
  return out;
}

function streams(shapes: Shape[], start: number, horizon: number, replay: boolean): CalibratedStream[] {
  const total = shapes.reduce((s, x) => s + x.count, 0);
  const own = shapes.filter((s, i) => i < MAX_STREAMS && s.count >= STREAM_SHARE * total);
  const rest = shapes.filter((s) => !own.includes(s));
  const groups: { name: string; shapes: Shape[] }[] = own.map((s) => ({
    name: configKey(s.config) + (s.n > 1 ? `/n${s.n}` : ""),
    shapes: [s],
  }));
  if (rest.length > 0) groups.push({ name: "other", shapes: rest });
  return groups.map((g) => {
    const hours = new Map<number, number>();
    for (const s of g.shapes) for (const [h, k] of s.hours) hours.set(h, (hours.get(h) ?? 0) + k);
    const times = replay
      ? g.shapes
          .flatMap((s) => s.times)
          .map((t) => Math.round(t - start) / 1000)
          .sort((a, b) => a - b)
      : null;
    return {
      name: g.name,
      shapes: g.shapes,
      count: g.shapes.reduce((s, x) => s + x.count, 0),
      rates: replay ? null : hourlyRates(hours, start, horizon),
      times,
    };
  });
}

export function calibrate(a: Analyzer, col: CalibrationCollector, files: string[], replay: boolean): Calibration {
  const ratio = mpsPerKudos(col.mpsPerKudos);
  const { shapes, shapeOf } = resolveShapes(col.classes.values(), ratio.value);
  const start = Math.floor(a.first / HOUR) * HOUR;
  const horizonHours = Math.max(1, Math.ceil((a.last + 1 - start) / HOUR));
  const requests = { total: 0, exact: 0, kudos: 0, unknown: 0 };
  for (const s of shapes) {
    requests.total += s.count;
    requests.exact += s.from.exact;
    requests.kudos += s.from.kudos;
    requests.unknown += s.from.unknown;
  }
  const allModels = [...new Set(shapes.map((s) => modelName(s.config)))].sort();

  const fits = new Map<string, ServiceFit>();
  for (const [name, c] of col.workers) {
    const fit = c.service.fit(ratio.value);
    if (fit !== null) fits.set(name, fit);
  }
  const medians = [...fits.values()].map((f) => f.median).sort((x, y) => x - y);
  const fleetMedian = medians.length === 0 ? 1.5 : medians[medians.length >> 1];

  const workers: CalibratedWorker[] = [];
  for (const w of [...a.workers.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    if (w.pops === 0 && w.deliveries === 0) continue;
    const c = col.workers.get(w.name);
    const configs =
      c === undefined ? [] : [...c.classes].map((k) => shapeOf.get(k)).filter((x): x is JobConfig => x !== undefined);
    const models = configs.length === 0 ? allModels : [...new Set(configs.map(modelName))].sort();
    const maxPixels = configs.length === 0 ? 1024 * 1024 : Math.max(...configs.map((x) => x.width * x.height));
    const fit = fits.get(w.name);
    const speed =
      fit === undefined
        ? { median: fleetMedian, sigma: 0.3, jitter: 0.1, overhead: 0, samples: 0, fromKudos: 0, fleetDefault: true }
        : {
            median: fit.median,
            sigma: fit.stderr,
            jitter: Math.min(MAX_JITTER, fit.sigma),
            overhead: fit.overhead,
            samples: fit.samples,
            fromKudos: fit.fromKudos,
            fleetDefault: false,
          };
    const pops = w.pops;
    let pHang = pops > 0 ? w.timeouts / pops : 0;
    let pFault = pops > 0 ? w.reportedFaults / pops : 0;
    if (pHang + pFault > 1) {
      const k = 1 / (pHang + pFault);
      pHang *= k;
      pFault *= k;
    }
    const bound = c?.holdBound ?? Number.POSITIVE_INFINITY;
    workers.push({
      name: w.name,
      id: w.id,
      pops,
      deliveries: w.deliveries,
      timeouts: w.timeouts,
      reportedFaults: w.reportedFaults,
      models,
      maxPixels,
      speed,
      hang:
        pHang > 0
          ? {
              probability: pHang,
              hold: Number.isFinite(bound) ? Math.max(1, Math.min(DEFAULT_HOLD, Math.ceil(bound))) : DEFAULT_HOLD,
              holdBound: Number.isFinite(bound),
            }
          : null,
      fault: pFault > 0 ? { probability: pFault, delay: w.faultTimes.quantile(0.5) } : null,
    });
  }
  return {
    files,
    first: a.first,
    last: a.last,
    start,
    horizonHours,
    ratio,
    requests,
    streams: streams(shapes, start, horizonHours, replay),
    workers,
    replay,
  };
}
