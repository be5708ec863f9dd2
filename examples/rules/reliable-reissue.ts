// BOINC's reliable hosts for reissued work: a request that has already failed (a job aborted or reported
// faulted) goes only to a worker whose last `successes` jobs all succeeded. Pair it with the timeout rule of
// reissue-deadline.ts, which gives such a job a shorter deadline (BOINC: reliable_reduced_delay_bound).
import { defineRule, z } from "hordesim";

export default defineRule({
  kind: "reassignment",
  name: "reliable-reissue",
  params: z.strictObject({
    successes: z.number().int().positive().default(3).describe("Successes in a row that make a worker reliable"),
  }),
  create: (p) => {
    const streak = new Map<number, number>();
    return {
      mayTake: (worker, request) => request.failures === 0 || (streak.get(worker.id) ?? 0) >= p.successes,
      onJobEnd(_job, _request, worker, outcome) {
        streak.set(worker.id, outcome === "success" ? (streak.get(worker.id) ?? 0) + 1 : 0);
      },
    };
  },
});
