// `hordesim check-rule FILE`: a user's rule or failure mode against the scheduler's invariants, in small random
// scenarios (the generators and the invariants of the property tests: small-scenarios.ts, invariants.ts).
// Each generated case is run and must
// - keep every invariant (invariants.ts: no request lost or duplicated, a job on one worker at a time, at most
//   the strikes, requests end exactly once, ...);
// - give with lazy polling exactly the trajectory of naive polling (the mayTake / popAllowedAt contract);
// - give the same records and trajectory when run again with the same seed (no state kept across runs, no
//   randomness but the rule's own streams).
// A failing case is shrunk by fast-check and printed as a scenario YAML that reproduces it.
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { UserError } from "../errors.js";
import type { UserModuleFile } from "../scenario/types.js";
import { ScenarioError } from "../scenario-file/load.js";
import { parseScenarioWithModules } from "../user-rules/load.js";
import { type Collected, simulate } from "./collect-run.js";
import { checkInvariants } from "./invariants.js";
import { type SmallScenario, type ScenarioOverrides, scenarioYaml, smallScenarioArb } from "./small-scenarios.js";

export interface CheckRuleOptions {
  module: UserModuleFile;
  /** The rule's constants, as a YAML flow mapping's inner text (`k: v, k2: v2`); "" for its defaults. */
  constants: string;
  runs: number;
  /** fast-check's seed (the same seed generates the same cases). */
  seed: number;
}

export interface CheckRuleFailure {
  property: string;
  problems: string[];
  /** The shrunk case: a scenario file naming the rule as the user gave it, and the run's seed. */
  scenarioYaml: string;
  runSeed: number;
}

export interface CheckRuleResult {
  runs: number;
  failure: CheckRuleFailure | null;
}

/** The arms a rule of each kind is tried in, `U` standing for the rule. */
const ARMS: Record<Exclude<UserModuleFile["kind"], "failure">, string[]> = {
  reassignment: [
    "{ name: arm, reassignment: [pull, U] }",
    "{ name: arm, timeout: { rule: fixed, ttl: 60s }, detector: timer, reassignment: [pull, U] }",
    "{ name: arm, detector: { rule: heartbeat, interval: 5s, missed: 2 }, reassignment: [pull, exclude-failed, U] }",
    "{ name: arm, reassignment: [pull, U, { rule: hedge, percentile: 0.5, cap: 0.3, min_delay: 1s }] }",
  ],
  timeout: [
    "{ name: arm, timeout: U }",
    "{ name: arm, timeout: U, detector: timer }",
    "{ name: arm, timeout: U, detector: { rule: heartbeat, interval: 5s, missed: 2 }, reassignment: [pull, exclude-failed] }",
  ],
  detector: [
    "{ name: arm, detector: U }",
    "{ name: arm, timeout: { rule: fixed, ttl: 60s }, detector: U }",
    "{ name: arm, detector: U, reassignment: [pull, { rule: backoff, base: 20s, cap: 5m }] }",
  ],
};

interface Case {
  scenario: SmallScenario;
  arm: number;
  seed: number;
}

function overrides(m: UserModuleFile, ref: string, constants: string, arm: number): ScenarioOverrides {
  const extra = constants.trim() === "" ? "" : `, ${constants}`;
  if (m.kind === "failure") {
    // every group with a failure mode gets the user's mode in its place
    return { failure: `mode: ${JSON.stringify(ref)}${extra}` };
  }
  return { arm: ARMS[m.kind][arm].replace("U", `{ rule: ${JSON.stringify(ref)}${extra} }`) };
}

/** The case's scenario, with the module named by `ref`. */
function caseYaml(c: Case, m: UserModuleFile, ref: string, constants: string): string {
  const s = m.kind === "failure" ? withFailures(c.scenario) : c.scenario;
  return scenarioYaml(s, undefined, overrides(m, ref, constants, c.arm));
}

/** A failure mode under test strikes in at least one group. */
function withFailures(s: SmallScenario): SmallScenario {
  if (s.groups.some((g) => g.failure !== null)) return s;
  return { ...s, groups: s.groups.map((g, i) => (i === 0 ? { ...g, failure: { mode: "hang", probability: 1 } } : g)) };
}

function records(run: Collected): unknown {
  return [run.requests, run.attempts, run.workers, run.samples, run.trace];
}

class Violation extends Error {
  constructor(
    readonly property: string,
    readonly problems: string[],
  ) {
    super(`${property}: ${problems.join("; ")}`);
  }
}

async function checkCase(c: Case, m: UserModuleFile, constants: string): Promise<void> {
  const yaml = caseYaml(c, m, m.path, constants);
  const scenario = await parseScenarioWithModules(yaml, "generated.yaml");
  const run = (naive: boolean) => {
    try {
      return simulate(scenario, { seed: c.seed, naive });
    } catch (e) {
      throw new Violation("the run ends without an error", [(e as Error).message]);
    }
  };
  const lazy = run(false);
  const problems = checkInvariants(lazy);
  if (problems.length > 0) throw new Violation("the scheduler's invariants hold", problems);
  const naive = run(true);
  if (!isDeepStrictEqual(lazy.trace, naive.trace) || !isDeepStrictEqual(lazy.attempts, naive.attempts)) {
    const i = lazy.trace.findIndex((e, k) => !isDeepStrictEqual(e, naive.trace[k]));
    const at =
      i < 0 ? "the attempts differ" : `first difference at event ${i}, t = ${(lazy.trace[i] ?? naive.trace[i]).t}`;
    throw new Violation("lazy polling gives the trajectory of naive polling", [
      `${at} (mayTake and popAllowedAt may change their answer only when an event of the model happens: docs/rules.md)`,
    ]);
  }
  const again = run(false);
  if (!isDeepStrictEqual(records(lazy), records(again)))
    throw new Violation("the same seed gives the same records", [
      "a second run with the same seed differs (state kept across runs, or randomness not from ctx.stream)",
    ]);
}

/** The constants fit the rule's schema (else no generated case could run): a UserError (exit 2) else. */
async function checkConstants(m: UserModuleFile, constants: string): Promise<void> {
  const c: Case = { scenario: fc.sample(smallScenarioArb, { numRuns: 1, seed: 1 })[0], arm: 0, seed: 1 };
  try {
    await parseScenarioWithModules(caseYaml(c, m, m.path, constants), "generated.yaml");
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const what = e.problems.map((p) => `${p.path.replace(/^.*\]\./, "")}: ${p.message}`).join("; ");
    throw new UserError(`${m.file}: its constants (--constants "${constants}"): ${what}`);
  }
}

/** Runs the generated cases; the first failing one, shrunk. */
export async function checkRule(opts: CheckRuleOptions): Promise<CheckRuleResult> {
  const m = opts.module;
  const arms = m.kind === "failure" ? 1 : ARMS[m.kind].length;
  await checkConstants(m, opts.constants);
  const caseArb = fc.record({
    scenario: smallScenarioArb,
    arm: fc.integer({ min: 0, max: arms - 1 }),
    seed: fc.integer({ min: 1, max: 10_000 }),
  });
  const details = await fc.check(
    fc.asyncProperty(caseArb, (c) => checkCase(c, m, opts.constants)),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: false },
  );
  if (!details.failed || details.counterexample === null) return { runs: details.numRuns, failure: null };
  const [c] = details.counterexample;
  const error = details.errorInstance;
  const violation =
    error instanceof Violation ? error : new Violation("the case runs", [String((error as Error)?.message ?? error)]);
  const ref = m.file.startsWith("/") || m.file.startsWith(".") ? m.file : `./${m.file}`;
  return {
    runs: details.numRuns,
    failure: {
      property: violation.property,
      problems: violation.problems,
      // the run's seed in the file: `hordesim run` of it (replication 1) is the failing run
      scenarioYaml: caseYaml(c, m, ref, opts.constants).replace(
        "replications: 1\n",
        `replications: 1\nseed: ${c.seed}\n`,
      ),
      runSeed: c.seed,
    },
  };
}
