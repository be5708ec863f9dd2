// The paired per-request estimator over a whole run, fed one (arm, replication) at a time in any order,
// without keeping a day's arrays per unit: pairedHitDifference only reads the arrivals hit in the baseline
// or in the arm, so each unit is cut down to its hit set (ids and latencies) and, for an arm other than the
// baseline, its latencies on the baseline's hit set of the same replication. A unit whose baseline has not
// come yet is held whole until it does (with worker threads, at most about one per thread).
import { type PairedEstimate, pairedHitDifference, type RequestLatencies } from "./paired-requests.js";

/** The arrivals a failed job hit, ascending, and their latencies (NaN: did not complete). */
interface HitSet {
  ids: Int32Array;
  latency: Float64Array;
}

interface ReducedArm {
  own: HitSet;
  /** The arm's latency on each arrival of the baseline's hit set of its replication. */
  onBaseline: Float64Array;
}

function hitSet(r: RequestLatencies): HitSet {
  let n = 0;
  for (let i = 0; i < r.hit.length; i++) n += r.hit[i];
  const ids = new Int32Array(n);
  const latency = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < r.hit.length; i++) {
    if (r.hit[i] !== 1) continue;
    ids[k] = i;
    latency[k++] = r.latency[i];
  }
  return { ids, latency };
}

function reduce(arm: RequestLatencies, baseline: HitSet): ReducedArm {
  const onBaseline = new Float64Array(baseline.ids.length);
  baseline.ids.forEach((id, k) => {
    onBaseline[k] = id < arm.latency.length ? arm.latency[id] : Number.NaN;
  });
  return { own: hitSet(arm), onBaseline };
}

/** Both sides over the union of the two hit sets: pairedHitDifference gives what it gives on the full arrays. */
function expand(baseline: HitSet, arm: ReducedArm): { baseline: RequestLatencies; arm: RequestLatencies } {
  const union = [...new Set([...baseline.ids, ...arm.own.ids])].sort((a, b) => a - b);
  const n = union.length;
  const b = { latency: new Float64Array(n).fill(Number.NaN), hit: new Uint8Array(n) };
  const a = { latency: new Float64Array(n).fill(Number.NaN), hit: new Uint8Array(n) };
  const at = new Map(union.map((id, i) => [id, i]));
  baseline.ids.forEach((id, k) => {
    const i = at.get(id) as number;
    b.hit[i] = 1;
    b.latency[i] = baseline.latency[k];
    a.latency[i] = arm.onBaseline[k];
  });
  arm.own.ids.forEach((id, k) => {
    const i = at.get(id) as number;
    a.hit[i] = 1;
    a.latency[i] = arm.own.latency[k];
  });
  return { baseline: b, arm: a };
}

export interface ArmPairedEstimate extends PairedEstimate {
  /** The 1-based replication of each entry of `replications`. */
  replication_numbers: number[];
}

/** Arm 0 is the baseline; replications are 1-based. */
export class PairedHitCollector {
  private readonly baseline = new Map<number, HitSet>();
  private readonly arms: Map<number, ReducedArm>[];
  private readonly waiting: Map<number, RequestLatencies>[];
  /** Baseline replications that ran or are running. */
  private readonly coming = new Set<number>();

  constructor(arms: number) {
    this.arms = Array.from({ length: arms }, () => new Map());
    this.waiting = Array.from({ length: arms }, () => new Map());
  }

  add(arm: number, replication: number, outcomes: RequestLatencies): void {
    if (arm === 0) {
      const base = hitSet(outcomes);
      this.baseline.set(replication, base);
      for (let a = 1; a < this.arms.length; a++) {
        const held = this.waiting[a].get(replication);
        if (held === undefined) continue;
        this.arms[a].set(replication, reduce(held, base));
        this.waiting[a].delete(replication);
      }
      return;
    }
    const base = this.baseline.get(replication);
    if (base === undefined) {
      if (this.coming.has(replication)) this.waiting[arm].set(replication, outcomes);
    } else this.arms[arm].set(replication, reduce(outcomes, base));
  }

  /**
   * Told each batch of units before it runs: an arm's replication whose baseline replication neither ran
   * before nor runs in the same batch (KN eliminated the baseline) is left out instead of held.
   */
  expect(batch: readonly { arm: number; replication: number }[]): void {
    for (const u of batch) if (u.arm === 0) this.coming.add(u.replication);
  }

  /**
   * Per arm (null for the baseline and for an arm with no replication in common with it): each arm against
   * the baseline over the replications both ran, in replication order.
   */
  estimates(): (ArmPairedEstimate | null)[] {
    return this.arms.map((reduced, a) => {
      if (a === 0) return null;
      const numbers = [...reduced.keys()].filter((r) => this.baseline.has(r)).sort((x, y) => x - y);
      if (numbers.length === 0) return null;
      const estimate = pairedHitDifference(
        numbers.map((r) => expand(this.baseline.get(r) as HitSet, reduced.get(r) as ReducedArm)),
      );
      return { ...estimate, replication_numbers: numbers };
    });
  }
}
