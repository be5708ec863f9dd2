// A request excludes the workers whose speed, as the server measures it, is below `min_speed` MPS/s (a
// proposal on the Horde's tracker: slow workers make users wait minutes for a job a fast one does in
// seconds). A worker without speed samples yet has the server's baseline, as in the Horde's own slow gate.
import { defineRule, z } from "hordesim";

export default defineRule({
  kind: "reassignment",
  name: "exclude-slow",
  params: z.strictObject({
    min_speed: z.number().positive().default(0.3).describe("MPS/s a worker must reach to take a request"),
  }),
  create: (p, ctx) => ({
    mayTake: (worker) => worker.measuredSpeed(ctx.server.speed.baseline) >= p.min_speed,
  }),
});
