/** Sequence offset that puts a "late" event after every ordinary event of the same instant. */
const LATE = 2 ** 51;

/**
 * The event list: a binary min-heap over typed arrays, ordered by (time, insertion sequence), so ties pop
 * in FIFO order and runs are deterministic. An event pushed as `late` pops after every ordinary event of
 * the same instant (FIFO among late ones). No allocation per push or pop; the arrays double when full.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Float64Array;
  private bs: Float64Array;
  private n = 0;
  private seq = 0;
  /** The event last popped. */
  time = 0;
  kind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(2, Math.ceil(initialCapacity));
    this.times = new Float64Array(c);
    this.seqs = new Float64Array(c);
    this.kinds = new Int32Array(c);
    this.as = new Float64Array(c);
    this.bs = new Float64Array(c);
  }

  get size(): number {
    return this.n;
  }

  get capacity(): number {
    return this.times.length;
  }

  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  clear(): void {
    this.n = 0;
  }

  push(time: number, kind: number, a: number, b: number, late = false): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const as = this.as;
    const bs = this.bs;
    const seq = late ? LATE + this.seq++ : this.seq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      kinds[i] = kinds[p];
      as[i] = as[p];
      bs[i] = bs[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    kinds[i] = kind;
    as[i] = a;
    bs[i] = b;
  }

  /** Removes the earliest event into `time`, `kind`, `a`, `b`; false when the queue is empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const as = this.as;
    const bs = this.bs;
    this.time = times[0];
    this.kind = kinds[0];
    this.a = as[0];
    this.b = bs[0];
    const n = --this.n;
    if (n === 0) return true;
    const t = times[n];
    const s = seqs[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = times[c];
      const r = c + 1;
      if (r < n) {
        const rt = times[r];
        if (rt < ct || (rt === ct && seqs[r] < seqs[c])) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < seqs[c])) break;
      times[i] = ct;
      seqs[i] = seqs[c];
      kinds[i] = kinds[c];
      as[i] = as[c];
      bs[i] = bs[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    kinds[i] = kinds[n];
    as[i] = as[n];
    bs[i] = bs[n];
    return true;
  }

  private grow(): void {
    const c = this.times.length * 2;
    const times = new Float64Array(c);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(c);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const kinds = new Int32Array(c);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const as = new Float64Array(c);
    as.set(this.as);
    this.as = as;
    const bs = new Float64Array(c);
    bs.set(this.bs);
    this.bs = bs;
  }
}
