import { probit } from "simple-statistics";
import { z } from "zod";
import { duration, probability } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/** Deliveries seen before the hedge trusts its estimate of the job-time distribution. */
export const HEDGE_MIN_SAMPLES = 20;

/**
 * "The Tail at Scale": when a job has run past the p-th percentile of its expected time, a duplicate goes to
 * another worker; the first result wins and the other copy is cancelled. Extra jobs are capped at a fraction
 * of all jobs. Expected time: a log-normal fitted to the delivered jobs' pop-to-delivery seconds per MPS.
 */
export const hedgeRule = defineRule({
  kind: "reassignment",
  name: "hedge",
  params: z.strictObject({
    percentile: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.95)
      .describe(
        "Fraction: hedge a job that has run past this percentile of delivered jobs' time per MPS (default 0.95)",
      ),
    cap: probability
      .prefault(0.05)
      .describe("Fraction: copies are at most this share of the jobs popped (default 0.05)"),
    min_delay: duration.prefault(10).describe("Seconds: never hedge a job younger than this (default 10 s)"),
  }),
  create: (p) => {
    const z = probit(p.percentile);
    let n = 0;
    let mean = 0;
    let m2 = 0;
    return {
      hedgeDelay(_job, request) {
        if (n < HEDGE_MIN_SAMPLES || request.mps <= 0) return Number.POSITIVE_INFINITY;
        const sd = Math.sqrt(m2 / (n - 1));
        return Math.max(p.min_delay, Math.exp(mean + z * sd) * request.mps);
      },
      mayHedge: (jobs, hedges) => hedges + 1 <= p.cap * jobs,
      onJobEnd(job, request, _worker, outcome, now) {
        if (outcome !== "success" || request.mps <= 0) return;
        const x = Math.log(Math.max(1e-9, (now - job.popped) / request.mps));
        n++;
        const d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
      },
    };
  },
});
