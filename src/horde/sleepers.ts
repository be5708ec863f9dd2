import type { WorkerGroup } from "../scenario/types.js";
import type { Worker } from "./worker.js";

/**
 * The sleeping workers (lazy polling): idle workers whose last poll found nothing. `first` answers the one
 * question lazy polling asks when a request appears: which eligible sleeper polls first?
 *
 * The answer must be exactly the one of a plain scan over the sleepers in their list order keeping the
 * first worker with a strictly earlier tick: the eligible sleeper with the smallest (next tick, position in
 * the list), where the list is kept as an array with push on sleep and swap-with-last on wake. That list is
 * kept here too (positions only), so ties resolve as they always did.
 *
 * Finding it fast: a sleeper's next tick is fixed by its phase on the grid of its poll interval, so within
 * one (group, interval) class the sleepers poll in the cyclic order of phase mod interval, starting from
 * the position of `now` on that circle. Each class holds its possible members sorted once by that key and
 * a bitset of who is asleep; a query binary-searches `now` and walks the set bits cyclically until the
 * next one cannot poll before the best found so far. A group is skipped whole when none of its workers
 * could take the request whatever their state (size, model, extra-slow: a function of the request's
 * template, worked out once per template). Polls at interval 0 happen at `now` itself, so such a class is
 * walked in list order through a bitset indexed by list position.
 *
 * Floating point: the walk order uses phase mod interval computed once, while ticks are compared exactly as
 * `Worker.nextTick` computes them; the walk stops only when a sleeper's key puts it more than a tolerance
 * (1e-9 of the magnitudes, far above rounding error) past the best tick, so rounding can never hide the
 * right worker: it can only make the walk look at a few more.
 */
export class Sleepers<R, K extends object> {
  /** Worker ids in list order (the order the plain scan would visit). */
  private readonly list: Int32Array;
  private readonly pos: Int32Array;
  private count = 0;
  private readonly classes: SleeperClass[] = [];
  private readonly groups: GroupClasses[] = [];
  /** Per worker: its group's entry, its rank in each of the group's classes, and the class it sleeps in. */
  private readonly groupOf: Int32Array;
  private readonly rankOf: Int32Array[];
  private readonly sleepingIn: Int32Array;
  /** Per static key (the request's template): 1 where the group may take such requests, 0 where none can. */
  private readonly masks = new Map<K, Uint8Array>();

  constructor(
    private readonly workers: readonly Worker[],
    /** The full test: may this worker take this request now? */
    private readonly eligible: (w: Worker, r: R, now: number) => boolean,
    /** What the group filter depends on (the request's template). */
    private readonly keyOf: (r: R) => K,
    /** False only when no worker of the group could take a request with this key, whatever its state. */
    private readonly groupMayTake: (g: WorkerGroup, key: K) => boolean,
  ) {
    const n = workers.length;
    this.list = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.groupOf = new Int32Array(n);
    this.sleepingIn = new Int32Array(n).fill(-1);
    this.rankOf = [new Int32Array(n).fill(-1), new Int32Array(n).fill(-1)];
    const byGroup = new Map<WorkerGroup, Worker[]>();
    for (const w of workers) {
      let members = byGroup.get(w.group);
      if (members === undefined) {
        members = [];
        byGroup.set(w.group, members);
      }
      members.push(w);
    }
    for (const [group, members] of byGroup) {
      const intervals = [group.poll_interval];
      if (group.error_poll_interval !== group.poll_interval) intervals.push(group.error_poll_interval);
      const entry: GroupClasses = { group, classes: [], asleep: 0 };
      intervals.forEach((interval, slot) => {
        const c = new SleeperClass(interval, members, n);
        for (let r = 0; r < c.size; r++) this.rankOf[slot][c.members[r]] = r;
        entry.classes.push(this.classes.length);
        this.classes.push(c);
      });
      for (const w of members) this.groupOf[w.id] = this.groups.length;
      this.groups.push(entry);
    }
  }

  get size(): number {
    return this.count;
  }

  has(w: Worker): boolean {
    return this.pos[w.id] >= 0;
  }

  add(w: Worker): void {
    const id = w.id;
    if (this.pos[id] >= 0) return;
    const g = this.groups[this.groupOf[id]];
    const interval = w.pollInterval;
    let slot = 0;
    while (slot < g.classes.length && this.classes[g.classes[slot]].interval !== interval) slot++;
    if (slot === g.classes.length) throw new Error(`worker ${w.name}: poll interval ${interval} has no class`);
    const ci = g.classes[slot];
    const c = this.classes[ci];
    const p = this.count++;
    this.list[p] = id;
    this.pos[id] = p;
    this.sleepingIn[id] = ci;
    c.asleep++;
    g.asleep++;
    setBit(c.bits, c.interval > 0 ? this.rankOf[slot][id] : p);
  }

  remove(w: Worker): void {
    const id = w.id;
    const i = this.pos[id];
    if (i < 0) return;
    const ci = this.sleepingIn[id];
    const c = this.classes[ci];
    const g = this.groups[this.groupOf[id]];
    c.asleep--;
    g.asleep--;
    clearBit(c.bits, c.interval > 0 ? this.rankOf[g.classes[0] === ci ? 0 : 1][id] : i);
    const lastPos = --this.count;
    const last = this.list[lastPos];
    if (last !== id) {
      this.list[i] = last;
      this.pos[last] = i;
      const lc = this.classes[this.sleepingIn[last]];
      if (lc.interval <= 0) {
        clearBit(lc.bits, lastPos);
        setBit(lc.bits, i);
      }
    }
    this.pos[id] = -1;
    this.sleepingIn[id] = -1;
  }

  /**
   * The eligible sleeper with the smallest (next tick at or after `now`, list position) whose tick is
   * strictly before `bound`; null when there is none.
   */
  first(now: number, bound: number, r: R): Worker | null {
    const workers = this.workers;
    const mask = this.mask(r);
    let best = -1;
    let bestTick = bound;
    let bestPos = -1;
    const groups = this.groups;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi];
      if (g.asleep === 0 || mask[gi] === 0) continue;
      const classes = g.classes;
      // Index loops here: a for-of on this path allocated an iterator per call.
      for (let k = 0; k < classes.length; k++) {
        const c = this.classes[classes[k]];
        if (c.asleep === 0) continue;
        const bits = c.bits;
        if (c.interval <= 0) {
          // Every poll is at `now`: the first eligible one in list order.
          if (now > bestTick) continue;
          for (let p = nextSet(bits, 0, this.count); p >= 0; p = nextSet(bits, p + 1, this.count)) {
            if (!(now < bestTick || p < bestPos)) break;
            const w = workers[this.list[p]];
            if (this.eligible(w, r, now)) {
              best = w.id;
              bestTick = now;
              bestPos = p;
              break;
            }
          }
          continue;
        }
        const interval = c.interval;
        const keys = c.keys;
        const size = c.size;
        const tol = 1e-9 * (Math.abs(now) + c.scale);
        const nowKey = now - Math.floor(now / interval) * interval;
        const start = c.lowerBound(nowKey - tol);
        // Two passes over the circle: [start, size) then [0, start).
        for (let pass = 0; pass < 2; pass++) {
          const from = pass === 0 ? start : 0;
          const to = pass === 0 ? size : start;
          let stop = false;
          for (let j = nextSet(bits, from, to); j >= 0; j = nextSet(bits, j + 1, to)) {
            let d = keys[j] - nowKey;
            if (d < -tol) d += interval;
            if (now + d - tol > bestTick) {
              stop = true;
              break;
            }
            const id = c.members[j];
            const w = workers[id];
            const tick = w.nextTick(now, false);
            if (tick < bestTick || (tick === bestTick && this.pos[id] < bestPos)) {
              if (this.eligible(w, r, now)) {
                best = id;
                bestTick = tick;
                bestPos = this.pos[id];
              }
            }
          }
          if (stop) break;
        }
      }
    }
    return best < 0 ? null : workers[best];
  }

  /** groupMayTake(w.group, keyOf(r)), worked out once per key and group. */
  groupAdmits(w: Worker, r: R): boolean {
    return this.mask(r)[this.groupOf[w.id]] === 1;
  }

  /** The worker's group, as an index into the masks. */
  groupIndex(w: Worker): number {
    return this.groupOf[w.id];
  }

  /** Per group: 1 where the group may take requests like r (one array per key, kept). */
  mask(r: R): Uint8Array {
    const key = this.keyOf(r);
    let m = this.masks.get(key);
    if (m === undefined) {
      m = new Uint8Array(this.groups.length);
      for (let gi = 0; gi < m.length; gi++) m[gi] = this.groupMayTake(this.groups[gi].group, key) ? 1 : 0;
      this.masks.set(key, m);
    }
    return m;
  }
}

interface GroupClasses {
  group: WorkerGroup;
  /** Indices of the group's classes: its poll interval, then its error poll interval when different. */
  classes: number[];
  asleep: number;
}

/** The workers of one group polling on one interval, sorted by phase mod interval. */
class SleeperClass {
  readonly size: number;
  /** Worker ids by rank. */
  readonly members: Int32Array;
  /** phase mod interval by rank, ascending. */
  readonly keys: Float64Array;
  /** Magnitude of the phases and interval, for the rounding tolerance. */
  readonly scale: number;
  /**
   * Where each of `buckets` equal slices of [0, interval) starts in `keys`: a lower bound is found from its
   * slice's start by a short walk (the phases are spread evenly) instead of a binary search.
   */
  private readonly buckets: number;
  private readonly bucketStart: Int32Array;
  /** Asleep, by rank (interval > 0) or by list position (interval 0). */
  readonly bits: Uint32Array;
  asleep = 0;

  constructor(
    readonly interval: number,
    workers: readonly Worker[],
    workerCount: number,
  ) {
    this.size = workers.length;
    this.members = new Int32Array(this.size);
    this.keys = new Float64Array(this.size);
    let scale = interval;
    let buckets = 1;
    if (interval > 0) {
      const keyed = workers.map((w) => ({ id: w.id, key: w.phase - Math.floor(w.phase / interval) * interval }));
      keyed.sort((a, b) => a.key - b.key || a.id - b.id);
      keyed.forEach((k, r) => {
        this.members[r] = k.id;
        this.keys[r] = k.key;
      });
      for (const w of workers) scale = Math.max(scale, interval + Math.abs(w.phase));
      this.bits = new Uint32Array(Math.ceil(this.size / 32) + 1);
      while (buckets < this.size) buckets *= 2;
    } else {
      workers.forEach((w, r) => {
        this.members[r] = w.id;
      });
      this.bits = new Uint32Array(Math.ceil(workerCount / 32) + 1);
    }
    this.scale = scale;
    this.buckets = buckets;
    this.bucketStart = new Int32Array(this.buckets);
    // Slice 0 starts at 0 whatever the keys (a key may round to just below 0).
    for (let k = 1; k < this.buckets; k++) this.bucketStart[k] = lowerBound(this.keys, this.edge(k));
  }

  /** The start of slice k of [0, interval). */
  private edge(k: number): number {
    return (k * this.interval) / this.buckets;
  }

  /** The first rank whose key is ≥ x. */
  lowerBound(x: number): number {
    let k = Math.floor((x * this.buckets) / this.interval);
    if (!(k >= 0)) k = 0;
    if (k >= this.buckets) k = this.buckets - 1;
    // Every key before the slice's start is below its edge: move down until the edge is ≤ x.
    while (k > 0 && this.edge(k) > x) k--;
    const keys = this.keys;
    const size = this.size;
    let j = this.bucketStart[k];
    while (j < size && keys[j] < x) j++;
    return j;
  }
}

function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] |= 1 << (i & 31);
}

function clearBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] &= ~(1 << (i & 31));
}

/** The smallest set index in [from, end), or −1. */
function nextSet(bits: Uint32Array, from: number, end: number): number {
  if (from >= end) return -1;
  let wi = from >>> 5;
  const lastWord = (end - 1) >>> 5;
  let word = bits[wi] & (-1 << (from & 31));
  for (;;) {
    if (word !== 0) {
      const i = (wi << 5) + 31 - Math.clz32(word & -word);
      return i < end ? i : -1;
    }
    if (++wi > lastWord) return -1;
    word = bits[wi];
  }
}

/** The first index whose key is ≥ x. */
function lowerBound(keys: Float64Array, x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
