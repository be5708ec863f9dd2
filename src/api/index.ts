// The package's public entry (`import { defineRule, defineFailureMode, z } from "hordesim"`): what a user's own
// rule or failure mode is written with. docs/rules.md says what each hook may see and must not do.
export { z } from "zod";
export type { Distribution } from "../engine/distributions.js";
export type { Rng } from "../engine/random.js";
export {
  defineFailureMode,
  type FailureBehaviour,
  type FailureHooks,
  type FailureModeContext,
  type FailureModeModule,
} from "../horde/failure-mode.js";
export type {
  Detector,
  JobOutcome,
  PolicyContext,
  ReassignmentRule,
  TimeoutRule,
} from "../horde/policy.js";
export type { Request } from "../horde/request.js";
export { hordeTtl } from "../horde/ttl.js";
export type { Job, Worker } from "../horde/worker.js";
export { defineRule, type RuleKind, type RuleModule } from "../policies/rule-module.js";
export type { RequestTemplate, ServerConfig, WorkerGroup } from "../scenario/types.js";
export { durationDistribution, speedDistribution } from "../scenario-file/schema.js";
export { duration, positiveDuration, probability } from "../scenario/units.js";
