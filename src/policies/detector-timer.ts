import { z } from "zod";
import { defineRule } from "./rule-module.js";

/** An exact timer per job: aborted the instant its TTL runs out. Sees every failure mode, through the TTL only. */
export const timerDetector = defineRule({
  kind: "detector",
  name: "timer",
  params: z.strictObject({}),
  create: () => ({
    periodic: false,
    deadline: (job) => job.popped + job.ttl,
    silentDeadline: (job) => job.popped + job.ttl,
  }),
});
