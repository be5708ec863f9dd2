import type { z } from "zod";
import type { Detector, PolicyContext, ReassignmentRule, TimeoutRule } from "../horde/policy.js";

export interface RuleProducts {
  timeout: TimeoutRule;
  detector: Detector;
  reassignment: ReassignmentRule;
}

export type RuleKind = keyof RuleProducts;

/** One rule: its registry name, the schema of its constants, and how to build it for one run. */
export interface RuleModule<K extends RuleKind, S extends z.ZodType = z.ZodType> {
  readonly kind: K;
  readonly name: string;
  readonly params: S;
  create(params: z.output<S>, ctx: PolicyContext): RuleProducts[K];
}

export function defineRule<K extends RuleKind, S extends z.ZodType>(rule: RuleModule<K, S>): RuleModule<K, S> {
  return rule;
}
