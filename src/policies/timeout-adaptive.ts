import { z } from "zod";
import { hordeTtl } from "../horde/ttl.js";
import { duration } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/** RFC 6298 state of one worker, on seconds per MPS. */
export class RttEstimator {
  srtt = Number.NaN;
  rttvar = Number.NaN;

  constructor(
    private readonly alpha: number,
    private readonly beta: number,
    private readonly k: number,
  ) {}

  get hasSample(): boolean {
    return !Number.isNaN(this.srtt);
  }

  /** RFC 6298 §2.2–2.3: the first sample sets SRTT = R, RTTVAR = R/2; later ones smooth (RTTVAR first). */
  sample(r: number): void {
    if (!this.hasSample) {
      this.srtt = r;
      this.rttvar = r / 2;
      return;
    }
    this.rttvar = (1 - this.beta) * this.rttvar + this.beta * Math.abs(this.srtt - r);
    this.srtt = (1 - this.alpha) * this.srtt + this.alpha * r;
  }

  /** RTO = SRTT + K·RTTVAR. */
  rto(): number {
    return this.srtt + this.k * this.rttvar;
  }
}

/**
 * Per worker, RTO = SRTT + 4·RTTVAR seconds per MPS (α = 1/8, β = 1/4), times the job's MPS, within
 * [floor, ceiling]; doubled for each earlier failure of the same request; no samples from re-issued
 * attempts (Karn's rule). Before a worker's first sample the Horde's formula is the prior.
 */
export const adaptiveTimeout = defineRule({
  kind: "timeout",
  name: "adaptive",
  params: z.strictObject({
    floor: duration.prefault(30).describe("Seconds: the shortest TTL (default 30 s)"),
    ceiling: duration.prefault(900).describe("Seconds: the longest TTL (default 900 s)"),
    alpha: z
      .number()
      .positive()
      .max(1)
      .default(1 / 8)
      .describe("Gain of the smoothed time per MPS, SRTT (default 1/8, RFC 6298)"),
    beta: z
      .number()
      .positive()
      .max(1)
      .default(1 / 4)
      .describe("Gain of its variation, RTTVAR (default 1/4, RFC 6298)"),
    k: z.number().positive().default(4).describe("RTO = SRTT + k·RTTVAR (default 4, RFC 6298)"),
  }),
  create: (p, ctx) => {
    const estimators = new Map<number, RttEstimator>();
    const estimator = (worker: number): RttEstimator => {
      let e = estimators.get(worker);
      if (e === undefined) {
        e = new RttEstimator(p.alpha, p.beta, p.k);
        estimators.set(worker, e);
      }
      return e;
    };
    return {
      ttl(request, worker) {
        const e = estimator(worker.id);
        const base = e.hasSample
          ? Math.min(p.ceiling, Math.max(p.floor, e.rto() * request.mps))
          : hordeTtl(request.template, worker.group.extra_slow_worker, ctx.server.ttl);
        return Math.min(p.ceiling, base * 2 ** request.failures);
      },
      onDelivered(job, request, elapsed) {
        if (job.reissued || request.mps <= 0) return;
        estimator(job.workerId).sample(elapsed / request.mps);
      },
    };
  },
});
