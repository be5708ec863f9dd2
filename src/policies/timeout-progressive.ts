import { z } from "zod";
import { hordeTtl } from "../horde/ttl.js";
import { duration } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/**
 * ttl = clamp(k · expected + slack, floor, ceiling), expected = job MPS / the worker's measured speed
 * (the fleet median for a worker with no samples). Extra-slow workers keep the Horde's long TTL.
 */
export const progressiveTimeout = defineRule({
  kind: "timeout",
  name: "progressive",
  params: z.strictObject({
    k: z.number().positive().default(3).describe("Multiplier of the expected time MPS / measured speed (default 3)"),
    slack: duration.prefault(15).describe("Seconds added to k × the expected time (default 15 s)"),
    floor: duration.prefault(30).describe("Seconds: the shortest TTL (default 30 s)"),
    ceiling: duration.prefault(450).describe("Seconds: the longest TTL (default 450 s)"),
  }),
  create: (p, ctx) => ({
    ttl(request, worker, now) {
      if (worker.group.extra_slow_worker) return hordeTtl(request.template, true, ctx.server.ttl);
      const speed =
        worker.sampleCount > 0 ? worker.measuredSpeed(ctx.server.speed.baseline) : ctx.fleetMedianSpeed(now);
      const expected = request.mps / speed;
      return Math.min(p.ceiling, Math.max(p.floor, p.k * expected + p.slack));
    },
  }),
});
