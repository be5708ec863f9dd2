import { z } from "zod";
import { defineRule } from "./rule-module.js";

/** Today's Horde: any eligible worker may take any request; the first to poll wins. */
export const pullRule = defineRule({
  kind: "reassignment",
  name: "pull",
  params: z.strictObject({}),
  create: () => ({}),
});
