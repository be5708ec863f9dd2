// One registry of every timeout rule, detector and reassignment rule, by name.
// Adding a rule means adding its module and one line here.
import type { z } from "zod";
import type { Policy, PolicyContext } from "../horde/policy.js";
import type { PolicyConfig, RuleConfig } from "../scenario/types.js";
import { heartbeatDetector } from "./detector-heartbeat.js";
import { sweepDetector } from "./detector-sweep.js";
import { timerDetector } from "./detector-timer.js";
import { backoffRule } from "./rule-backoff.js";
import { excludeFailedRule } from "./rule-exclude-failed.js";
import { hedgeRule } from "./rule-hedge.js";
import type { RuleKind, RuleModule } from "./rule-module.js";
import { pullRule } from "./rule-pull.js";
import { reputationRule } from "./rule-reputation.js";
import { adaptiveTimeout } from "./timeout-adaptive.js";
import { fixedTimeout } from "./timeout-fixed.js";
import { hordeTimeout } from "./timeout-horde.js";
import { progressiveTimeout } from "./timeout-progressive.js";

export type { RuleKind } from "./rule-module.js";

const modules: { [K in RuleKind]: RuleModule<K>[] } = {
  timeout: [hordeTimeout, fixedTimeout, progressiveTimeout, adaptiveTimeout],
  detector: [sweepDetector, timerDetector, heartbeatDetector],
  reassignment: [pullRule, excludeFailedRule, backoffRule, reputationRule, hedgeRule],
};

/** Users' rules by key (the module file's absolute path), registered by the loader (user-rules/load.ts). */
const userModules = new Map<string, RuleModule<RuleKind>>();

/** Makes a user's rule known under `key` (the name a scenario's `rule:` is rewritten to). */
export function registerRuleModule(key: string, module: RuleModule<RuleKind>): void {
  userModules.set(key, module);
}

function find<K extends RuleKind>(kind: K, name: string): RuleModule<K> | undefined {
  const builtIn = (modules[kind] as RuleModule<K>[]).find((m) => m.name === name);
  if (builtIn !== undefined) return builtIn;
  const user = userModules.get(name);
  return user?.kind === kind ? (user as RuleModule<K>) : undefined;
}

/** A user's rule's own context: its random streams are named after it, so they never shift a built-in's. */
function userContext(module: RuleModule<RuleKind>, ctx: PolicyContext): PolicyContext {
  return { ...ctx, stream: (name) => ctx.stream(`user/${module.name}/${name}`) };
}

/** The names a kind of rule may take, for messages and the JSON Schema. */
export function ruleNames(kind: RuleKind): string[] {
  return modules[kind].map((m) => m.name);
}

/** The schema of a rule's constants (everything but `rule`), or undefined for an unknown name. */
export function ruleParamsSchema(kind: RuleKind, name: string): z.ZodType | undefined {
  return find(kind, name)?.params;
}

function build<K extends RuleKind>(kind: K, config: RuleConfig, ctx: PolicyContext) {
  const module = find(kind, config.rule);
  if (module === undefined) throw new Error(`unknown ${kind} rule "${config.rule}"`);
  const { rule: _name, ...constants } = config;
  const own = userModules.get(config.rule) === module ? userContext(module, ctx) : ctx;
  return module.create(module.params.parse(constants), own);
}

/** Builds one arm's rules for one run (rules keep per-run state). */
export function createPolicy(config: PolicyConfig, ctx: PolicyContext): Policy {
  return {
    name: config.name,
    timeout: build("timeout", config.timeout, ctx),
    detector: build("detector", config.detector, ctx),
    rules: config.reassignment.map((r) => build("reassignment", r, ctx)),
    maintenance: config.maintenance,
  };
}
