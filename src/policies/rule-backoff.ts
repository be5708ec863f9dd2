import { z } from "zod";
import { positiveDuration } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/** Cooldown after the n-th failure in a row: uniform in [0, min(cap, base·2^(n−1))] ("full jitter"). */
export function backoffCeiling(base: number, cap: number, failures: number): number {
  return Math.min(cap, base * 2 ** (failures - 1));
}

/** After a failure a worker may not pop for a jittered, exponentially growing cooldown; a success resets it. */
export const backoffRule = defineRule({
  kind: "reassignment",
  name: "backoff",
  params: z.strictObject({
    base: positiveDuration
      .prefault(30)
      .describe(
        "Seconds: the first failure's cooldown ceiling, doubled per failure in a row (default 30 s; AWS backoff)",
      ),
    cap: positiveDuration.prefault(900).describe("Seconds: the largest cooldown ceiling (default 900 s = 15 min)"),
    /** "full": uniform in [0, ceiling] (AWS "full jitter"); "none": the ceiling itself. */
    jitter: z
      .enum(["full", "none"])
      .default("full")
      .describe('full (default): a cooldown uniform in [0, ceiling], AWS "full jitter"; none: the ceiling itself'),
  }),
  create: (p, ctx) => {
    const rng = ctx.stream("backoff");
    const failures = new Map<number, number>();
    const until = new Map<number, number>();
    return {
      popAllowedAt: (worker, now) => Math.max(now, until.get(worker.id) ?? now),
      onJobEnd(_job, _request, worker, outcome, now) {
        if (outcome === "success") {
          failures.set(worker.id, 0);
          return;
        }
        const n = (failures.get(worker.id) ?? 0) + 1;
        failures.set(worker.id, n);
        const draw = rng.next();
        const end = now + (p.jitter === "full" ? draw : 1) * backoffCeiling(p.base, p.cap, n);
        until.set(worker.id, Math.max(until.get(worker.id) ?? now, end));
      },
    };
  },
});
