import { z } from "zod";
import { defineRule } from "./rule-module.js";

/**
 * The Horde's stale checker: every sweep period plus its run time, jobs older than their TTL are aborted.
 * Sees every failure mode, but only through the TTL, late by up to one period.
 */
export const sweepDetector = defineRule({
  kind: "detector",
  name: "sweep",
  params: z.strictObject({}),
  create: () => ({
    periodic: true,
    deadline: () => Number.POSITIVE_INFINITY,
    silentDeadline: () => Number.POSITIVE_INFINITY,
  }),
});
