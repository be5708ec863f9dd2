// A GPU that throttles once it has worked for a while (thermal or power limits): every job popped after the
// worker has spent `after` seconds running jobs takes `multiplier` times longer.
import { defineFailureMode, positiveDuration, z } from "hordesim";

export default defineFailureMode({
  name: "throttle",
  params: z.strictObject({
    after: positiveDuration.describe("GPU-seconds of work before the card throttles"),
    multiplier: z.number().gt(1).describe("How many times longer a job takes once throttled"),
  }),
  create: (p) => ({
    strike(job, worker) {
      if (worker.busySeconds >= p.after) job.slowdown *= p.multiplier;
      // the job runs as any other, only slower: its fate stays ok
      return false;
    },
  }),
});
