import { z } from "zod";
import { hordeTtl } from "../horde/ttl.js";
import { defineRule } from "./rule-module.js";

/** The real server's formula (docs/model.md §3.2). */
export const hordeTimeout = defineRule({
  kind: "timeout",
  name: "horde",
  params: z.strictObject({}),
  create: (_params, ctx) => ({
    ttl: (request, worker) => hordeTtl(request.template, worker.group.extra_slow_worker, ctx.server.ttl),
  }),
});
