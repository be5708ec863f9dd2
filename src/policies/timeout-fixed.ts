import { z } from "zod";
import { duration } from "../scenario/units.js";
import { defineRule } from "./rule-module.js";

/** Every job gets the same TTL. */
export const fixedTimeout = defineRule({
  kind: "timeout",
  name: "fixed",
  params: z.strictObject({ ttl: duration.default(150) }),
  create: (params) => ({ ttl: () => params.ttl }),
});
