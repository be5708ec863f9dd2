// The engine alone: M/M/1 and M/M/c written directly on Simulator (no Horde), the way a model uses it:
// one handler per event kind, payloads in the event, named alea streams, a FIFO of waiting customers in a
// typed ring buffer. Two events per customer (arrival, departure).
import { compile } from "../src/engine/distributions.js";
import { RandomStreams, type Rng } from "../src/engine/random.js";
import { Simulator } from "../src/engine/simulator.js";

export interface QueueParams {
  /** Arrival rate λ (per second). */
  lambda: number;
  /** Service rate μ of one server (per second). */
  mu: number;
  /** Servers c. */
  servers: number;
  customers: number;
  seed: number;
  /**
   * Draw nothing during the run: take the exponential variates from tables filled beforehand, as the hold
   * benchmark does, so that what is timed is the engine alone (event list, clock, dispatch).
   */
  pregenerated?: boolean;
}

export interface QueueResult {
  params: QueueParams;
  events: number;
  customers: number;
  /** Mean wait in queue over all customers (compare with Erlang C). */
  mean_wait: number;
  /** Mean number of pending events, seen at each pop. */
  mean_event_list: number;
  wall_s: number;
  events_per_s: number;
  customers_per_s: number;
}

/**
 * A sampler with the compiled one's signature that ignores its stream and reads a table of 2^16 variates
 * drawn beforehand from it (the hold benchmark's way): no RNG in the loop.
 */
function table(sample: (rng: Rng) => number, rng: Rng): (rng: Rng) => number {
  const mask = (1 << 16) - 1;
  const values = Float64Array.from({ length: mask + 1 }, () => sample(rng));
  let i = 0;
  return () => values[i++ & mask];
}

/** Runs the queue; with `countList` the run also sums the event-list size at each event (not for timing). */
function simulate(p: QueueParams, countList: boolean) {
  const sim = new Simulator();
  const { lambda, mu, servers, customers } = p;
  const streams = new RandomStreams(p.seed, 1);
  const arrivals = streams.stream("arrivals");
  const service = streams.stream("service");
  // Samplers compiled from the distributions, as a scenario's are (a product by the mean, not a quotient
  // by the rate: the same variates at these rates), called by the handlers with their stream as the model
  // calls its own. Bound once, never reassigned, so each call site has one target.
  const compiledArrival = compile({ kind: "exponential", mean: 1 / lambda });
  const compiledService = compile({ kind: "exponential", mean: 1 / mu });
  const arrivalTime = p.pregenerated === true ? table(compiledArrival, arrivals) : compiledArrival;
  const serviceTime = p.pregenerated === true ? table(compiledService, service) : compiledService;
  let ring = new Float64Array(1024);
  let head = 0;
  let waiting = 0;
  let arrived = 0;
  let busy = 0;
  let waitSum = 0;
  let listSum = 0;

  const evDepart = sim.register("depart", () => {
    if (waiting > 0) {
      const t = ring[head];
      head = (head + 1) & (ring.length - 1);
      waiting--;
      waitSum += sim.now - t;
      sim.schedule(sim.now + serviceTime(service), evDepart);
    } else {
      busy--;
    }
  });
  const evArrive = sim.register("arrive", () => {
    const now = sim.now;
    if (++arrived < customers) sim.schedule(now + arrivalTime(arrivals), evArrive);
    if (busy < servers) {
      busy++;
      sim.schedule(now + serviceTime(service), evDepart);
      return;
    }
    if (waiting === ring.length) {
      const bigger = new Float64Array(ring.length * 2);
      for (let i = 0; i < waiting; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
      ring = bigger;
      head = 0;
    }
    ring[(head + waiting) & (ring.length - 1)] = now;
    waiting++;
  });
  if (countList) sim.observer = () => (listSum += sim.queue.size + 1);
  sim.schedule(arrivalTime(arrivals), evArrive);
  const t0 = performance.now();
  sim.run(Number.POSITIVE_INFINITY);
  const wall = (performance.now() - t0) / 1000;
  return { events: sim.events, waitSum, listSum, wall };
}

export function runQueue(p: QueueParams): QueueResult {
  // The mean event-list size from an untimed pass (the observer costs a call per event), run after the timed
  // one: run first, it left the timed pass to start on code optimised with an observer, thrown away at its
  // first event, and re-optimised within the timed region.
  const timed = simulate(p, false);
  const counted = simulate(p, true);
  if (timed.events !== counted.events) throw new Error("engine bench: the two passes differ");
  return {
    params: p,
    events: timed.events,
    customers: p.customers,
    mean_wait: timed.waitSum / p.customers,
    mean_event_list: counted.listSum / counted.events,
    wall_s: timed.wall,
    events_per_s: timed.events / timed.wall,
    customers_per_s: p.customers / timed.wall,
  };
}
