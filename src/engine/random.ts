export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /**
   * If present, bit for bit `-Math.log(1 - this.next())` (Exp(1)), possibly computed ahead of need (Alea).
   * Draw exponential variates with distributions.ts's standardExponential(), which falls back on next().
   */
  exponential?(): number;
}

/** 2^-32. */
const TWO_M32 = 2.3283064365386963e-10;

/**
 * Baagøe's Mash, the hash that seeds alea (as in seedrandom 3.0.5's lib/alea.js): it keeps its state `n`
 * from one call to the next, so the order of the calls matters.
 */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * TWO_M32;
  };
}

/**
 * Baagøe's alea generator, drawing exactly the numbers of seedrandom 3.0.5's `seedrandom.alea(seed)`
 * (test/engine/random.test.ts compares them draw by draw), written as a class so that a draw is a
 * monomorphic method call that the compiler inlines, reading and writing plain fields, where seedrandom's
 * is a closure over another object's fields.
 *
 * The state is that of seedrandom's alea (s0, s1, s2 in [0, 1), all multiples of 2^-32, and the carry),
 * except that the carry is kept already scaled, `c · 2^-32`, and taken with Math.floor rather than `| 0`:
 * the same numbers (t ≥ 0 and below 2^21, so both truncate alike, and scaling an integer below 2^21 by
 * 2^-32 is exact), one integer–float conversion fewer per draw.
 *
 * The generator runs one draw ahead: `u`, the next number to hand out, is drawn when the previous one is
 * handed out, and after an exponential() so is −ln(1 − u), the costly part of an exponential variate (a C
 * call of some 25 cycles' latency). Both are then computed while the caller goes on with the previous
 * number (in a simulation, while the event list takes the event it was scheduled for) rather than when
 * the caller waits for them: 3 ns of the 19 a draw costs in the engine benchmark. Neither changes a number:
 * the stream hands out the same uniforms in the same order, whichever mix of next() and exponential()
 * draws them; a next() after an exponential() merely wastes the logarithm computed ahead.
 */
export class Alea implements Rng {
  // Declared only (no class field is emitted): the constructor creates each field with a double, so the
  // fields keep a double representation and a draw stores in place. A field emitted as `s0;` would start as
  // undefined, turn tagged, and box every double stored into it in a fresh heap number.
  declare private s0: number;
  declare private s1: number;
  declare private s2: number;
  /** The carry times 2^-32. */
  declare private c: number;
  /** The next uniform to hand out (already drawn from the state above). */
  declare private u: number;
  /** −ln(1 − u) if already computed, else NaN. */
  declare private e: number;

  constructor(seed: string) {
    const m = mash();
    let s0 = m(" ");
    let s1 = m(" ");
    let s2 = m(" ");
    s0 -= m(seed);
    if (s0 < 0) s0 += 1;
    s1 -= m(seed);
    if (s1 < 0) s1 += 1;
    s2 -= m(seed);
    if (s2 < 0) s2 += 1;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = TWO_M32;
    this.u = 0.5;
    this.e = Number.NaN;
    this.u = this.step();
  }

  /** Uniform in [0, 1), a multiple of 2^-32. */
  next(): number {
    const u = this.u;
    this.u = this.step();
    this.e = Number.NaN;
    return u;
  }

  /** −ln(1 − U) for the next uniform U, bit for bit `-Math.log(1 - this.next())`: Exp(1). */
  exponential(): number {
    let e = this.e;
    if (Number.isNaN(e)) e = -Math.log(1 - this.u);
    const u = this.step();
    this.u = u;
    this.e = -Math.log(1 - u);
    return e;
  }

  /** Advances the state by one draw (seedrandom's `next`). */
  private step(): number {
    const t = 2091639 * this.s0 + this.c;
    const carry = Math.floor(t);
    this.c = carry * TWO_M32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    const u = t - carry;
    this.s2 = u;
    return u;
  }
}

/**
 * Named random streams: each source of randomness has its own generator (alea), derived from
 * (seed, replication, name), so drawing from one stream never shifts another, and every policy arm of a
 * comparison sees the same arrivals and worker behaviour (common random numbers).
 */
export class RandomStreams {
  private readonly streams = new Map<string, Alea>();

  constructor(
    readonly seed: number,
    readonly replication: number,
  ) {}

  stream(name: string): Alea {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new Alea(`hordesim/${this.seed}/${this.replication}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}
