// One registry of every timeout rule, detector and reassignment rule, by name.
// Adding a rule means adding its module and one line here.
import { z } from "zod";
import { duration, positiveInt, probability } from "../scenario/units.js";

export type RuleKind = "timeout" | "detector" | "reassignment";

const paramSchemas: Record<RuleKind, Record<string, z.ZodType>> = {
  timeout: {
    horde: z.strictObject({}),
    fixed: z.strictObject({ ttl: duration.default(150) }),
    progressive: z.strictObject({
      k: z.number().positive().default(3),
      slack: duration.default(15),
      floor: duration.default(30),
      ceiling: duration.default(450),
    }),
    adaptive: z.strictObject({
      floor: duration.default(30),
      ceiling: duration.default(900),
      alpha: z.number().positive().max(1).default(1 / 8),
      beta: z.number().positive().max(1).default(1 / 4),
      k: z.number().positive().default(4),
    }),
  },
  detector: {
    sweep: z.strictObject({}),
    timer: z.strictObject({}),
    heartbeat: z.strictObject({ interval: duration.default(10), missed: positiveInt.default(3) }),
  },
  reassignment: {
    pull: z.strictObject({}),
    "exclude-failed": z.strictObject({}),
    backoff: z.strictObject({ base: duration.default(30), cap: duration.default(900) }),
    reputation: z.strictObject({
      consecutive: positiveInt.default(3),
      window: positiveInt.default(20),
      max_failure_rate: probability.default(0.5),
      min_samples: positiveInt.default(5),
      open_for: duration.default(600),
      reissue_min_success: probability.default(0.8),
    }),
    hedge: z.strictObject({
      percentile: z.number().gt(0).lt(1).default(0.95),
      cap: probability.default(0.05),
      min_delay: duration.default(10),
    }),
  },
};

/** The names a kind of rule may take, for messages and the JSON Schema. */
export function ruleNames(kind: RuleKind): string[] {
  return Object.keys(paramSchemas[kind]);
}

/** The schema of a rule's constants (everything but `rule`), or undefined for an unknown name. */
export function ruleParamsSchema(kind: RuleKind, name: string): z.ZodType | undefined {
  return Object.hasOwn(paramSchemas[kind], name) ? paramSchemas[kind][name] : undefined;
}
