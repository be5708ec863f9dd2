// Turns the request classes seen in the log into request shapes the simulator can run. A request's size is
// in the log only when one of its jobs was aborted (abort line) or it was faulted (payload); the others are
// known only by the kudos of their delivery, turned into megapixel-steps with a ratio learned from the
// requests that show both, and then matched to a known shape of the same size, or given a square one.
import { megapixelSteps } from "../horde/request.js";
import type { RequestClass } from "./calibration-collector.js";
import { configKey, type JobConfig } from "./events.js";

/** The simulator's horde.log writer pays 10 kudos per megapixel-step; used when the log teaches no ratio. */
export const DEFAULT_MPS_PER_KUDOS = 0.1;
/** Pairs (size known, kudos known) needed to learn the ratio from the log. */
export const MIN_PAIRS = 3;
/** A kudos-estimated size this close to a known shape's is taken to be that shape. */
export const MATCH_TOLERANCE = 0.03;

export interface Ratio {
  value: number;
  pairs: number;
  learned: boolean;
}

export function mpsPerKudos(pairs: readonly number[]): Ratio {
  if (pairs.length < MIN_PAIRS) return { value: DEFAULT_MPS_PER_KUDOS, pairs: pairs.length, learned: false };
  const sorted = [...pairs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { value: median, pairs: pairs.length, learned: true };
}

/** A square request of about `mps` megapixel-steps: 512² up to 50 steps, else 1024², with a 1× sampler. */
export function squareShape(mps: number): JobConfig {
  const side = mps / 0.262144 <= 50 ? 512 : 1024;
  return { width: side, height: side, steps: Math.max(1, Math.round(mps / ((side * side) / 1e6))), sampler: "k_euler" };
}

function mpsOf(c: JobConfig): number {
  return megapixelSteps(c.width, c.height, c.steps, c.sampler);
}

/** The nearest shape a scenario accepts: sides positive multiples of 64, at least one step, 1..20 images. */
export function schedulable(c: JobConfig, n: number): { config: JobConfig; n: number } {
  const side = (x: number) => Math.max(64, Math.round(x / 64) * 64);
  return {
    config: {
      width: side(c.width),
      height: side(c.height),
      steps: Math.max(1, c.steps),
      sampler: c.sampler || "k_euler",
    },
    n: Math.min(20, Math.max(1, n)),
  };
}

export type ShapeSource = "exact" | "kudos" | "unknown";

export interface Shape {
  config: JobConfig;
  n: number;
  count: number;
  hours: Map<number, number>;
  times: number[];
  from: Record<ShapeSource, number>;
}

export function shapeKey(config: JobConfig, n: number): string {
  return `${configKey(config)}${n > 1 ? `/n${n}` : ""}`;
}

/**
 * One shape per (size, n), most requests first, and the shape each class went to. Requests with no size and no
 * delivery go to the most common shape (their hours and times kept).
 */
export function resolveShapes(
  classes: Iterable<RequestClass>,
  ratio: number,
): { shapes: Shape[]; shapeOf: Map<string, JobConfig> } {
  const all = [...classes];
  const known = all.filter((c) => c.config !== null).map((c) => c.config as JobConfig);
  const byKey = new Map<string, Shape>();
  const shapeOf = new Map<string, JobConfig>();
  const add = (raw: JobConfig, c: RequestClass, source: ShapeSource) => {
    const { config, n } = schedulable(raw, c.n);
    if (source !== "unknown") shapeOf.set(c.key, config);
    const key = shapeKey(config, n);
    let s = byKey.get(key);
    if (s === undefined) {
      s = { config, n, count: 0, hours: new Map(), times: [], from: { exact: 0, kudos: 0, unknown: 0 } };
      byKey.set(key, s);
    }
    s.count += c.count;
    s.from[source] += c.count;
    for (const [h, k] of c.hours) s.hours.set(h, (s.hours.get(h) ?? 0) + k);
    for (const t of c.times) s.times.push(t);
  };
  for (const c of all) {
    if (c.config !== null) add(c.config, c, "exact");
    else if (c.kudos !== null) {
      const mps = c.kudos * ratio;
      let best: JobConfig | null = null;
      for (const k of known) {
        const err = Math.abs(mpsOf(k) - mps) / mps;
        if (err <= MATCH_TOLERANCE && (best === null || err < Math.abs(mpsOf(best) - mps) / mps)) best = k;
      }
      add(best ?? squareShape(mps), c, "kudos");
    }
  }
  const shapes = [...byKey.values()].sort(
    (a, b) => b.count - a.count || (shapeKey(a.config, a.n) < shapeKey(b.config, b.n) ? -1 : 1),
  );
  const unknown = all.filter((c) => c.config === null && c.kudos === null);
  if (shapes.length > 0) for (const c of unknown) add(shapes[0].config, { ...c, n: shapes[0].n }, "unknown");
  for (const s of shapes) s.times.sort((a, b) => a - b);
  return { shapes, shapeOf };
}
