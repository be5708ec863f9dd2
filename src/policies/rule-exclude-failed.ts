import { z } from "zod";
import { defineRule } from "./rule-module.js";

/** A request never goes back to a worker that failed one of its jobs. */
export const excludeFailedRule = defineRule({
  kind: "reassignment",
  name: "exclude-failed",
  params: z.strictObject({}),
  create: () => ({
    mayTake: (worker, request) => !request.failedWorkers.includes(worker.id),
  }),
});
