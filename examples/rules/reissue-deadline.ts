// The Horde's TTL formula, times `factor` for a job of a request that has already failed: a reissued job
// goes to a reliable worker (reliable-reissue.ts), which should not need the whole deadline.
import { defineRule, hordeTtl, z } from "hordesim";

export default defineRule({
  kind: "timeout",
  name: "reissue-deadline",
  params: z.strictObject({
    factor: z.number().positive().max(1).default(0.5).describe("Share of the TTL a reissued job gets"),
  }),
  create: (p, ctx) => ({
    ttl(request, worker) {
      const ttl = hordeTtl(request.template, worker.group.extra_slow_worker, ctx.server.ttl);
      return request.failures > 0 ? ttl * p.factor : ttl;
    },
  }),
});
