// A worker whose jobs stay slow is put in maintenance: after `jobs` deliveries in a row each slower than
// `max_speed` MPS/s (pop to submit, as the server measures it), it may not pop for `for` (a proposal on the
// Horde's tracker; the Horde's own maintenance counts aborts, not slowness).
import { defineRule, positiveDuration, z } from "hordesim";

export default defineRule({
  kind: "reassignment",
  name: "slow-maintenance",
  params: z.strictObject({
    max_speed: z.number().positive().default(0.1).describe("MPS/s below which a delivery counts as slow"),
    jobs: z.number().int().positive().default(5).describe("Slow deliveries in a row that put a worker in maintenance"),
    for: positiveDuration.default(3600).describe("How long the maintenance lasts"),
  }),
  create: (p) => {
    const slowInARow = new Map<number, number>();
    const until = new Map<number, number>();
    return {
      popAllowedAt: (worker, now) => Math.max(now, until.get(worker.id) ?? now),
      onJobEnd(job, request, worker, outcome, now) {
        if (outcome !== "success") return;
        const speed = request.mps / Math.max(1e-9, now - job.popped);
        const n = speed < p.max_speed ? (slowInARow.get(worker.id) ?? 0) + 1 : 0;
        if (n >= p.jobs) {
          until.set(worker.id, now + p.for);
          slowInARow.set(worker.id, 0);
        } else {
          slowInARow.set(worker.id, n);
        }
      },
    };
  },
});
