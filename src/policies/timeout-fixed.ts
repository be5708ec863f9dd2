import { z } from "zod";
import { duration } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/** Every job gets the same TTL. */
export const fixedTimeout = defineRule({
  kind: "timeout",
  name: "fixed",
  params: z.strictObject({
    ttl: duration.prefault(150).describe("Seconds every job may run (default 150 s, the Horde's TTL floor)"),
  }),
  create: (params) => ({ ttl: () => params.ttl }),
});
