// Every refusal of run's sequential options, before anything runs (the CLI's exit 2 for three of them is in
// run-decisions.test.ts).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type SequentialArgs, sequentialPlan } from "../../src/cli/run-sequential.js";
import { UserError } from "../../src/errors.js";
import { loadScenarioFile } from "../../src/scenario-file/load.js";

const fixture = (name: string) => loadScenarioFile(join(import.meta.dirname, "fixtures", name));
const small = fixture("small.yaml");
/** small.yaml with the users' mean latency as its one objective, no δ. */
const smallMean = fixture("small-mean.yaml");
const select = fixture("select.yaml");
const arms = (s: typeof small) => s.policies.map((p) => p.name);

describe("run's sequential options", () => {
  const cases: [string, typeof small, SequentialArgs, RegExp][] = [
    ["a bad precision", small, { precision: "five" }, /^--precision "five": expected a relative/],
    [
      "a precision without a target for a share",
      smallMean,
      { precision: "2s" },
      /gives no target for user_failure_rate/,
    ],
    ["both procedures", select, { precision: "5%", select: "kn" }, /give one of them/],
    ["a cap without a procedure", small, { "max-replications": 20 }, /--max-replications goes with/],
    ["a cap below the first stage", small, { precision: "5%", "max-replications": 2 }, /from 3 to 10000, got 2/],
    ["a cap that is not an integer", small, { precision: "5%", "max-replications": 7.5 }, /got 7\.5/],
    ["an unknown procedure", select, { select: "rinott" }, /the one procedure is kn/],
    ["KN without δ", smallMean, { select: "kn" }, /needs an indifference δ: objective user-latency gives none/],
    [
      "KN on a figure that may have no value",
      select,
      { select: "kn", objective: "hit-latency" },
      /cannot select on affected_latency_s/,
    ],
    ["KN on an objective without δ", select, { select: "kn", objective: "no-delta" }, /objective no-delta gives none/],
    [
      "an unknown objective",
      select,
      { select: "kn", objective: "slow" },
      /no such objective \(objectives: fast, no-delta, hit-latency\)/,
    ],
    ["a PCS out of range", select, { select: "kn", pcs: 0.3 }, /--pcs must be more than 1\/3/],
    ["a PCS of 1", select, { select: "kn", pcs: 1 }, /less than 1, got 1/],
    ["--pcs without KN", small, { pcs: 0.9 }, /--pcs goes with --select kn/],
    [
      "KN on the default objective (its first effect has no value where nothing failed)",
      small,
      { select: "kn" },
      /cannot select on affected_latency_s/,
    ],
    ["--objective without KN", select, { objective: "fast" }, /--objective goes with --select kn/],
  ];
  it.each(cases)("refuses %s", (_what, scenario, args, message) => {
    expect(() => sequentialPlan(args, scenario, arms(scenario), scenario.replications)).toThrow(UserError);
    expect(() => sequentialPlan(args, scenario, arms(scenario), scenario.replications)).toThrow(message);
  });

  it("refuses KN with one arm", () => {
    expect(() => sequentialPlan({ select: "kn" }, select, ["horde"], 3)).toThrow(/needs at least two arms, got 1/);
  });

  it("is no plan without either option, and a plan with one", () => {
    expect(sequentialPlan({}, small, arms(small), 3)).toBeNull();
    expect(sequentialPlan({ precision: "5%,0.001" }, small, arms(small), 3)?.summaryExtra).toBeUndefined();
    expect(sequentialPlan({ select: "kn" }, select, arms(select), 3)?.summaryExtra).toBeTypeOf("function");
  });
});
