import type { Request } from "./request.js";

/**
 * Requests with something to hand out, in pop order: priority descending, then age (id) ascending.
 * All waiting requests age together (+increment every interval), so while a request waits its order
 * depends only on the static key accumulated − increment × ticks(start of its waiting spell).
 */
export class WaitingQueue {
  readonly items: Request[] = [];
  private readonly phase: number;

  constructor(
    private readonly interval: number,
    private readonly increment: number,
    phase: number,
  ) {
    this.phase = phase;
  }

  /** Aging ticks that have happened in [0, t]. */
  ticks(t: number): number {
    if (t < this.phase) return 0;
    return Math.floor((t - this.phase) / this.interval) + 1;
  }

  /** The Horde's extra_priority of a request at time t. */
  priority(r: Request, t: number): number {
    if (r.queueIndex < 0) return r.accumulated;
    return r.aging ? r.key + this.increment * this.ticks(t) : r.key;
  }

  get length(): number {
    return this.items.length;
  }

  /** Starts a waiting spell at time t (the request was not waiting). */
  add(r: Request, t: number): void {
    r.aging = r.n > 0;
    r.key = r.accumulated - (r.aging ? this.increment * this.ticks(t) : 0);
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = items[mid];
      if (o.key > r.key || (o.key === r.key && o.id < r.id)) lo = mid + 1;
      else hi = mid;
    }
    // Shift the tail up by one and drop r in (splice would allocate the array of removed items).
    let i = items.length;
    items.push(r);
    for (; i > lo; i--) {
      const o = items[i - 1];
      items[i] = o;
      o.queueIndex = i;
    }
    items[lo] = r;
    r.queueIndex = lo;
  }

  /** Ends the waiting spell at time t, freezing the aging it earned. */
  remove(r: Request, t: number): void {
    const i = r.queueIndex;
    if (i < 0) return;
    r.accumulated = this.priority(r, t);
    const items = this.items;
    const last = items.length - 1;
    for (let j = i; j < last; j++) {
      const o = items[j + 1];
      items[j] = o;
      o.queueIndex = j;
    }
    items.pop();
    r.queueIndex = -1;
  }
}
