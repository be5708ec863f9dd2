// The ceiling: the classic "hold" benchmark of the event list alone. The queue holds n pending events;
// each operation pops the earliest and pushes a new one at its time plus an exponential increment.
// Increments are drawn beforehand (a table of 2^16), so nothing but the heap is timed.
import { EventQueue } from "../src/engine/event-queue.js";

export interface HoldResult {
  size: number;
  ops: number;
  wall_s: number;
  ops_per_s: number;
  /** Sum of the popped times: the same for every run with the same (size, ops). */
  checksum: number;
}

const TABLE = 1 << 16;

/** Exponential(1) increments from a fixed xorshift sequence: the same in every run. */
function increments(): Float64Array {
  const out = new Float64Array(TABLE);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < TABLE; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u = ((x >>> 0) + 0.5) / 4294967296;
    out[i] = -Math.log(u);
  }
  return out;
}

function holdLoop(q: EventQueue, inc: Float64Array, ops: number, offset: number): number {
  let sum = 0;
  const mask = TABLE - 1;
  for (let k = 0; k < ops; k++) {
    q.pop();
    const t = q.time;
    sum += t;
    q.push(t + inc[(k + offset) & mask], 0, q.a, 0);
  }
  return sum;
}

/** Pending events `size`, `ops` timed hold operations after a warm-up of ops/5. */
export function hold(size: number, ops: number): HoldResult {
  const inc = increments();
  const q = new EventQueue(Math.max(16, size * 2));
  for (let i = 0; i < size; i++) q.push(inc[(i * 7919) & (TABLE - 1)] * size, 0, i, 0);
  holdLoop(q, inc, Math.ceil(ops / 5), 12345);
  const t0 = performance.now();
  const checksum = holdLoop(q, inc, ops, 0);
  const wall = (performance.now() - t0) / 1000;
  return { size, ops, wall_s: wall, ops_per_s: ops / wall, checksum };
}
