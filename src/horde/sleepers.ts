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
 * Finding it fast: a sleeper's pops are answered on its own idle grid, anchor + k·period, where the period
 * is its group's (one for normal pops, one after an error) and the anchor is the answer at which it fell
 * idle. Within one (group, period) class the sleepers therefore poll in the cyclic order of anchor mod
 * period, starting from the position of `now` on that circle. Each class keeps its sleepers sorted by that
 * key (an insertion when one falls asleep, a removal when it wakes); a query finds `now` on the circle and
 * walks the sleepers cyclically until the next one cannot poll before the best found so far. A group is
 * skipped whole when none of its workers could take the request whatever their state (size, model,
 * extra-slow: a function of the request's template, worked out once per template). Workers in maintenance
 * sleep in classes of their own, walked only for requests a worker in maintenance may take (its owner's):
 * any other request would find every one of them ineligible, and a Horde whose hanging workers are all in
 * maintenance would otherwise walk them all for every request (a worker going into maintenance while asleep
 * is woken for its next pop, worker-polling.ts: onMaintenance, and falls asleep again in them). Pops at period 0 are answered at `now` itself,
 * so such a class is walked in list order through a bitset indexed by list position.
 *
 * Floating point: the walk order uses anchor mod period computed once, when the worker falls asleep, while
 * ticks are compared exactly as `Worker.nextIdleTick` computes them; the walk stops only when a sleeper's key
 * puts it more than a tolerance (1e-9 of the magnitudes, far above rounding error) past the best tick, so
 * rounding can never hide the right worker: it can only make the walk look at a few more.
 */
export class Sleepers<R, K extends object> {
  /** Worker ids in list order (the order the plain scan would visit). */
  private readonly list: Int32Array;
  private readonly pos: Int32Array;
  private count = 0;
  private readonly classes: SleeperClass[] = [];
  private readonly groups: GroupClasses[] = [];
  /** Per worker: its group's entry and the class it sleeps in. */
  private readonly groupOf: Int32Array;
  private readonly sleepingIn: Int32Array;
  /**
   * Per static key (the request's template), per group: `admits` 1 where the group may take such requests, 0
   * where none of its workers can; `inMaintenance` 1 where its workers in maintenance may take them too.
   */
  private readonly masks = new Map<K, { admits: Uint8Array; inMaintenance: Uint8Array }>();

  constructor(
    private readonly workers: readonly Worker[],
    /** The full test: may this worker take this request now? */
    private readonly eligible: (w: Worker, r: R, now: number) => boolean,
    /** What the group filter depends on (the request's template). */
    private readonly keyOf: (r: R) => K,
    /** False only when no worker of the group could take a request with this key, whatever its state. */
    private readonly groupMayTake: (g: WorkerGroup, key: K) => boolean,
    /** Whether a worker of the group in maintenance may take a request with this key (its owner's). */
    private readonly maintenanceMayTake: (g: WorkerGroup, key: K) => boolean,
  ) {
    const n = workers.length;
    this.list = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.groupOf = new Int32Array(n);
    this.sleepingIn = new Int32Array(n).fill(-1);
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
      // Every worker of a group has the same idle round trip, hence the same two periods.
      const w0 = members[0];
      const periods = [w0.group.poll_interval + w0.idleRoundTrip];
      if (w0.errorIdlePeriod !== periods[0]) periods.push(w0.errorIdlePeriod);
      const entry: GroupClasses = { group, classes: [], asleep: 0 };
      for (const restricted of [false, true]) {
        for (const period of periods) {
          entry.classes.push(this.classes.length);
          this.classes.push(new SleeperClass(period, restricted, members.length, n));
        }
      }
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
    const p = this.count++;
    this.list[p] = id;
    this.pos[id] = p;
    g.asleep++;
    this.enter(w, this.classFor(w, g));
  }

  /** The class a worker sleeps in: its idle period's, among its group's maintenance classes if it is in it. */
  private classFor(w: Worker, g: GroupClasses): number {
    const period = w.idlePeriod;
    for (let k = 0; k < g.classes.length; k++) {
      const c = this.classes[g.classes[k]];
      if (c.period === period && c.restricted === w.maintenance) return g.classes[k];
    }
    throw new Error(`worker ${w.name}: idle period ${period} has no class`);
  }

  private enter(w: Worker, ci: number): void {
    const c = this.classes[ci];
    this.sleepingIn[w.id] = ci;
    if (c.period > 0) c.insert(w.id, w.anchor);
    else {
      c.asleep++;
      setBit(c.bits, this.pos[w.id]);
    }
  }

  private leave(id: number, ci: number): void {
    const c = this.classes[ci];
    if (c.period > 0) c.delete(id);
    else {
      c.asleep--;
      clearBit(c.bits, this.pos[id]);
    }
  }

  remove(w: Worker): void {
    const id = w.id;
    const i = this.pos[id];
    if (i < 0) return;
    const g = this.groups[this.groupOf[id]];
    g.asleep--;
    this.leave(id, this.sleepingIn[id]);
    const lastPos = --this.count;
    const last = this.list[lastPos];
    if (last !== id) {
      this.list[i] = last;
      this.pos[last] = i;
      const lc = this.classes[this.sleepingIn[last]];
      if (lc.period <= 0) {
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
    const { admits, inMaintenance } = this.masksOf(r);
    let best = -1;
    let bestTick = bound;
    let bestPos = -1;
    const groups = this.groups;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi];
      if (g.asleep === 0 || admits[gi] === 0) continue;
      const classes = g.classes;
      // Index loops here: a for-of on this path allocated an iterator per call.
      for (let k = 0; k < classes.length; k++) {
        const c = this.classes[classes[k]];
        if (c.asleep === 0 || (c.restricted && inMaintenance[gi] === 0)) continue;
        if (c.period <= 0) {
          // Every poll is at `now`: the first eligible one in list order.
          if (now > bestTick) continue;
          const bits = c.bits;
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
        const period = c.period;
        const B = c.buckets;
        const keys = c.keyOfWorker;
        const next = c.next;
        const head = c.head;
        const nonEmpty = c.nonEmpty;
        const tol = 1e-9 * (Math.abs(now) + 2 * period + 1);
        const nowKey = now - Math.floor(now / period) * period;
        const b0 = c.bucketOf(Math.max(0, nowKey - tol));
        // Buckets b0, b0+1, ..., B−1, 0, ..., b0 (b0 again for its keys behind `now`, a period later), as
        // unwrapped indices u; a bucket's keys are at least u·period/B − nowKey ahead of `now`.
        let u = b0;
        while (u <= b0 + B) {
          const b = u < B ? u : u - B;
          if (u > b0 && now + (u * period) / B - nowKey - tol > bestTick) break;
          for (let id = head[b]; id >= 0; id = next[id]) {
            let d = keys[id] - nowKey;
            if (d < -tol) d += period;
            if (now + d - tol > bestTick) continue;
            const w = workers[id];
            const tick = w.nextIdleTick(now, false);
            if (tick < bestTick || (tick === bestTick && this.pos[id] < bestPos)) {
              if (this.eligible(w, r, now)) {
                best = id;
                bestTick = tick;
                bestPos = this.pos[id];
              }
            }
          }
          // The next non-empty bucket, unwrapped (the wrapped part ends at b0).
          let n = u + 1 < B ? nextSet(nonEmpty, u + 1, B) : -1;
          if (n < 0) {
            const m = nextSet(nonEmpty, u + 1 < B ? 0 : u + 1 - B, b0 + 1);
            if (m < 0) break;
            n = B + m;
          }
          u = n;
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
    return this.masksOf(r).admits;
  }

  private masksOf(r: R): { admits: Uint8Array; inMaintenance: Uint8Array } {
    const key = this.keyOf(r);
    let m = this.masks.get(key);
    if (m === undefined) {
      const n = this.groups.length;
      m = { admits: new Uint8Array(n), inMaintenance: new Uint8Array(n) };
      for (let gi = 0; gi < n; gi++) {
        const g = this.groups[gi].group;
        m.admits[gi] = this.groupMayTake(g, key) ? 1 : 0;
        m.inMaintenance[gi] = m.admits[gi] === 1 && this.maintenanceMayTake(g, key) ? 1 : 0;
      }
      this.masks.set(key, m);
    }
    return m;
  }
}

interface GroupClasses {
  group: WorkerGroup;
  /**
   * Indices of the group's classes: its idle period, then its error idle period when different; then the
   * same for its workers in maintenance.
   */
  classes: number[];
  asleep: number;
}

/**
 * The sleepers of one group on one idle period. Period > 0: bucketed by anchor mod period into `buckets`
 * equal slices of [0, period) (doubly linked lists, a bitset of the non-empty ones), so that falling asleep
 * and waking cost O(1) and a walk from `now` visits the sleepers in about the order they poll. Period 0: a
 * bitset by list position.
 */
class SleeperClass {
  readonly buckets: number;
  readonly head: Int32Array;
  readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly bucketOfWorker: Int32Array;
  /** Each sleeper's key, anchor mod period, by worker id. */
  readonly keyOfWorker: Float64Array;
  readonly nonEmpty: Uint32Array;
  readonly bits: Uint32Array;
  asleep = 0;

  constructor(
    readonly period: number,
    /** Its sleepers are in maintenance. */
    readonly restricted: boolean,
    size: number,
    workerCount: number,
  ) {
    let buckets = 1;
    if (period > 0) while (buckets < size) buckets *= 2;
    this.buckets = buckets;
    const perWorker = period > 0 ? workerCount : 0;
    this.head = new Int32Array(period > 0 ? buckets : 0).fill(-1);
    this.next = new Int32Array(perWorker).fill(-1);
    this.prev = new Int32Array(perWorker).fill(-1);
    this.bucketOfWorker = new Int32Array(perWorker).fill(-1);
    this.keyOfWorker = new Float64Array(perWorker);
    this.nonEmpty = new Uint32Array(period > 0 ? Math.ceil(buckets / 32) + 1 : 0);
    this.bits = new Uint32Array(period > 0 ? 0 : Math.ceil(workerCount / 32) + 1);
  }

  bucketOf(key: number): number {
    const b = Math.floor((key * this.buckets) / this.period);
    return b < 0 ? 0 : b >= this.buckets ? this.buckets - 1 : b;
  }

  insert(id: number, anchor: number): void {
    const period = this.period;
    let key = anchor - Math.floor(anchor / period) * period;
    if (!(key < period)) key = 0;
    this.keyOfWorker[id] = key;
    const b = this.bucketOf(key);
    this.bucketOfWorker[id] = b;
    const h = this.head[b];
    this.next[id] = h;
    this.prev[id] = -1;
    if (h >= 0) this.prev[h] = id;
    else setBit(this.nonEmpty, b);
    this.head[b] = id;
    this.asleep++;
  }

  delete(id: number): void {
    const b = this.bucketOfWorker[id];
    const p = this.prev[id];
    const n = this.next[id];
    if (p >= 0) this.next[p] = n;
    else this.head[b] = n;
    if (n >= 0) this.prev[n] = p;
    if (this.head[b] < 0) clearBit(this.nonEmpty, b);
    this.bucketOfWorker[id] = -1;
    this.asleep--;
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
