import { z } from "zod";
import { positiveDuration, positiveInt } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/**
 * A worker reports progress on each job it holds every `interval` seconds from the pop; a job is lost after
 * `missed` beats in a row are missing. Sees hangs, crashes and outages within missed·interval; slow and late
 * jobs keep beating, so they are bounded only by the TTL (an exact timer backs the heartbeats up).
 */
export const heartbeatDetector = defineRule({
  kind: "detector",
  name: "heartbeat",
  params: z.strictObject({
    interval: positiveDuration.prefault(10).describe("Seconds between a worker's beats for each job (default 10 s)"),
    missed: positiveInt.default(3).describe("Beats missed in a row before the job counts as lost (default 3)"),
  }),
  create: (p) => ({
    periodic: false,
    deadline: (job) => job.popped + job.ttl,
    silentDeadline(job, since) {
      const lastBeat = job.popped + Math.floor((since - job.popped) / p.interval) * p.interval;
      return Math.min(job.popped + job.ttl, lastBeat + p.missed * p.interval);
    },
  }),
});
