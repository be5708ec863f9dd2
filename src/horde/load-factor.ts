// Offered load ρ: the MPS/s the arrivals ask for over the MPS/s the fleet can deliver. The fleet's capacity is
// every thread working without pause on jobs of the offered mix's mean size: a thread finishes a job of m MPS in
// m × E[1/speed] × E[jitter] + E[overhead] seconds. Failure modes, model filters and model loads are left out,
// so ρ is the load on a healthy fleet that can serve every request (the queueing theory's ρ = λ E[S] / c).
import { mean } from "../engine/distributions.js";
import type { ArrivalStream, Distribution, WorkerGroup } from "../scenario/types.js";
import { megapixelSteps } from "./request.js";

/** The stream's mean rate over one period (daily profiles), or over [0, horizon). */
export function meanRate(a: ArrivalStream, horizon: number): number {
  const span = a.period ?? horizon;
  let total = 0;
  a.rate.forEach((seg, i) => {
    const end = Math.min(span, a.rate[i + 1]?.from ?? span);
    if (end > seg.from) total += seg.rate * (end - seg.from);
  });
  return total / span;
}

/** Offered images per second and their mean MPS, over every stream. */
function offeredWork(arrivals: ArrivalStream[], horizon: number): { images: number; mps: number } {
  let images = 0;
  let mps = 0;
  for (const a of arrivals) {
    const rate = meanRate(a, horizon);
    const weights = a.mix.reduce((sum, t) => sum + t.weight, 0);
    for (const t of a.mix) {
      const perSecond = (rate * t.weight * t.n) / weights;
      images += perSecond;
      mps += perSecond * megapixelSteps(t.width, t.height, t.steps, t.sampler);
    }
  }
  return { images, mps };
}

/** E[1/X]: exact for constant and lognormal speeds, 1/E[X] otherwise. */
function meanReciprocal(d: Distribution): number {
  if (d.kind === "constant") return 1 / d.value;
  if (d.kind === "lognormal") return Math.exp((d.sigma * d.sigma) / 2) / d.median;
  return 1 / mean(d);
}

/** The fleet's MPS/s on jobs of `jobMps` MPS each. */
export function fleetCapacity(workers: WorkerGroup[], jobMps: number): number {
  let capacity = 0;
  for (const g of workers) {
    const jitter = Math.exp((g.jitter * g.jitter) / 2);
    const seconds = jobMps * meanReciprocal(g.speed) * jitter + mean(g.overhead);
    capacity += (g.count * g.threads * jobMps) / seconds;
  }
  return capacity;
}

/** ρ = offered MPS/s ÷ the fleet's capacity at the offered mean job size. */
export function offeredLoad(arrivals: ArrivalStream[], workers: WorkerGroup[], horizon: number): number {
  const { images, mps } = offeredWork(arrivals, horizon);
  if (images === 0) return 0;
  return mps / fleetCapacity(workers, mps / images);
}

/** Every stream's rate times `factor`. */
export function scaleRates(arrivals: ArrivalStream[], factor: number): ArrivalStream[] {
  return arrivals.map((a) => ({ ...a, rate: a.rate.map((seg) => ({ from: seg.from, rate: seg.rate * factor })) }));
}
