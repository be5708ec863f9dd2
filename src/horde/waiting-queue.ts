import type { Request } from "./request.js";

/** The waiting requests that the same worker groups may take (one admission mask), in pop order. */
export interface QueuePart {
  /** Per worker group: 1 where the group may take these requests. */
  readonly mask: Uint8Array;
  readonly items: Request[];
}

/**
 * Requests with something to hand out, in pop order: priority descending, then age (id) ascending.
 * All waiting requests age together (+increment every interval), so while a request waits its order
 * depends only on the static key accumulated − increment × ticks(start of its waiting spell).
 *
 * The queue is kept in parts, one per admission mask (which worker groups' static filters — size, model,
 * extra-slow — let them take the request), each part in pop order: a worker looks only at the parts its group
 * may take, and the Horde's single order is the merge of those parts (`before`).
 */
export class WaitingQueue {
  readonly parts: QueuePart[] = [];
  private readonly partOfMask = new Map<Uint8Array, number>();
  private readonly partOfText = new Map<string, number>();
  /** Per worker group: the parts it may take, in creation order. */
  private readonly byGroup: number[][] = [];
  private count = 0;
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
    return this.count;
  }

  /** The parts a worker of group `group` may take. */
  partsFor(group: number): readonly number[] {
    return this.byGroup[group] ?? [];
  }

  /** Starts a waiting spell at time t (the request was not waiting); `mask` is its admission mask. */
  add(r: Request, t: number, mask: Uint8Array): void {
    r.aging = r.n > 0;
    r.key = r.accumulated - (r.aging ? this.increment * this.ticks(t) : 0);
    const part = this.partIndex(mask);
    r.part = part;
    const items = this.parts[part].items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(items[mid], r)) lo = mid + 1;
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
    this.count++;
  }

  /** Ends the waiting spell at time t, freezing the aging it earned. */
  remove(r: Request, t: number): void {
    const i = r.queueIndex;
    if (i < 0) return;
    r.accumulated = this.priority(r, t);
    const items = this.parts[r.part].items;
    const last = items.length - 1;
    for (let j = i; j < last; j++) {
      const o = items[j + 1];
      items[j] = o;
      o.queueIndex = j;
    }
    items.pop();
    r.queueIndex = -1;
    this.count--;
  }

  /** Every waiting request in pop order (the merge of the parts; for tests and checks, not the hot path). */
  ordered(): Request[] {
    return this.parts.flatMap((p) => p.items).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  private partIndex(mask: Uint8Array): number {
    const known = this.partOfMask.get(mask);
    if (known !== undefined) return known;
    const text = mask.join("");
    let part = this.partOfText.get(text);
    if (part === undefined) {
      part = this.parts.length;
      this.parts.push({ mask, items: [] });
      this.partOfText.set(text, part);
      for (let g = 0; g < mask.length; g++) {
        if (mask[g] !== 1) continue;
        while (this.byGroup.length <= g) this.byGroup.push([]);
        this.byGroup[g].push(part);
      }
    }
    this.partOfMask.set(mask, part);
    return part;
  }
}

/** a comes before b in pop order. */
export function before(a: Request, b: Request): boolean {
  return a.key > b.key || (a.key === b.key && a.id < b.id);
}
