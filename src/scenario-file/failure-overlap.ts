// Which failure modes of a worker can strike the same job: the modes are exclusive (one draw per job picks at
// most one, worker-jobs.ts), so the probabilities of the modes that apply to one job must sum to at most 1.
// Modes whose `when` or `active` filters never overlap may each have a probability up to 1.
import type { JobFilter, TimeWindow } from "../scenario/types.js";

interface Filtered {
  probability: number;
  when?: JobFilter;
  active?: TimeWindow[];
}

function differ<T>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** No job matches both filters. */
function filtersExclude(a: JobFilter | undefined, b: JobFilter | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (differ(a.width, b.width) || differ(a.height, b.height) || differ(a.steps, b.steps)) return true;
  if (differ(a.sampler, b.sampler)) return true;
  if (a.models !== undefined && b.models !== undefined && !a.models.some((m) => b.models?.includes(m))) return true;
  const lo = Math.max(a.min_mps ?? 0, b.min_mps ?? 0);
  const hi = Math.min(a.max_mps ?? Number.POSITIVE_INFINITY, b.max_mps ?? Number.POSITIVE_INFINITY);
  return lo > hi;
}

/** No instant lies in a window of both. */
function windowsExclude(a: TimeWindow[] | undefined, b: TimeWindow[] | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return !a.some((x) => b.some((y) => x.from < y.to && y.from < x.to));
}

export function mayOverlap(a: Filtered, b: Filtered): boolean {
  return !filtersExclude(a.when, b.when) && !windowsExclude(a.active, b.active);
}

/** Beyond this many modes every subset is not tried: the check sums them all (never too lenient). */
const MAX_EXACT = 16;

/**
 * The heaviest set of modes that pairwise may strike the same job, and its total probability. Pairwise overlap
 * does not always mean one job matches all of them (model lists, windows), so the total may be pessimistic;
 * it is never below the true worst case.
 */
export function heaviestOverlap(modes: readonly Filtered[]): { total: number; modes: number[] } {
  const n = modes.length;
  if (n > MAX_EXACT) return { total: modes.reduce((s, m) => s + m.probability, 0), modes: modes.map((_, i) => i) };
  const compatible = modes.map((a, i) => modes.map((b, j) => i === j || mayOverlap(a, b)));
  let best = { total: 0, modes: [] as number[] };
  for (let set = 1; set < 1 << n; set++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (set & (1 << i)) members.push(i);
    if (!members.every((i) => members.every((j) => compatible[i][j]))) continue;
    const total = members.reduce((s, i) => s + modes[i].probability, 0);
    if (total > best.total) best = { total, modes: members };
  }
  return best;
}
