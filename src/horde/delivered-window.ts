// The Horde's past_minute_megapixelsteps (horde/classes/base/stats.py: get_things_per_min): the MPS of the
// jobs delivered in the last `window` seconds (FulfillmentPerformance rows with created >= now − 60 s).
// A ring of (time, MPS) in delivery order: old deliveries fall off the front as new ones come in, so it holds
// one window's deliveries whatever the sampling interval, at two array writes per delivery.

export class DeliveredWindow {
  private times = new Float64Array(64);
  private values = new Float64Array(64);
  private head = 0;
  private count = 0;

  constructor(readonly window: number) {}

  /** A job delivered `mps` at time t (times never decrease). */
  add(t: number, mps: number): void {
    this.dropBefore(t - this.window);
    if (this.count === this.times.length) this.grow();
    const i = (this.head + this.count) % this.times.length;
    this.times[i] = t;
    this.values[i] = mps;
    this.count++;
  }

  /** MPS delivered in [now − window, now]. */
  sum(now: number): number {
    this.dropBefore(now - this.window);
    let total = 0;
    const cap = this.times.length;
    for (let k = 0; k < this.count; k++) total += this.values[(this.head + k) % cap];
    return total;
  }

  private dropBefore(t: number): void {
    const cap = this.times.length;
    while (this.count > 0 && this.times[this.head] < t) {
      this.head = (this.head + 1) % cap;
      this.count--;
    }
  }

  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const values = new Float64Array(cap * 2);
    for (let k = 0; k < this.count; k++) {
      times[k] = this.times[(this.head + k) % cap];
      values[k] = this.values[(this.head + k) % cap];
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }
}
