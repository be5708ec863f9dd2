import seedrandom from "seedrandom";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/**
 * Named random streams: each source of randomness has its own generator (seedrandom's alea), derived from
 * (seed, replication, name), so drawing from one stream never shifts another, and every policy arm of a
 * comparison sees the same arrivals and worker behaviour (common random numbers).
 */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(
    readonly seed: number,
    readonly replication: number,
  ) {}

  stream(name: string): Rng {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = { next: seedrandom.alea(`hordesim/${this.seed}/${this.replication}/${name}`) };
      this.streams.set(name, s);
    }
    return s;
  }
}
