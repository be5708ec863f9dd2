import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIGURE_NAMES } from "../../src/metrics/figures.js";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";
import { parseFigureValue } from "../../src/scenario-file/objectives.js";
import { runs } from "../helpers/fast-check-config.js";

const MINIMAL = readFileSync(new URL("./fixtures/minimal.yaml", import.meta.url), "utf8");

/** The minimal scenario (9 lines), then `objectives:` on line 10: the block's first line is line 11. */
const withObjectives = (block: string) => parseScenario(`${MINIMAL}objectives:\n${block}`, "o.yaml");

function problems(block: string): { path: string; message: string; line: number; col: number }[] {
  try {
    withObjectives(block);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("the objectives block", () => {
  it("reads the issue's example: each bound in its figure's unit, δ in the minimised figure's", () => {
    const sc = withObjectives(`  - name: fast-and-safe
    minimise: user_latency_p90_s
    subject_to: { failure_rate: "<= 0.001", wasted_gpu_s: "<= 1000" }
    indifference: 2s
`);
    expect(sc.objectives).toEqual([
      {
        name: "fast-and-safe",
        minimise: "user_latency_p90_s",
        subject_to: [
          { figure: "failure_rate", max: 0.001 },
          { figure: "wasted_gpu_s", max: 1000 },
        ],
        indifference: 2,
      },
    ]);
  });

  it("reads a bound relative to the baseline and further effects in order, each δ in its own figure's unit", () => {
    const sc = withObjectives(`  - name: felt
    minimise: affected_latency_s
    indifference: 10s
    subject_to: { user_failure_rate: "<= baseline + 0.01%", failure_rate: "<= baseline" }
    next:
      - { minimise: user_latency_p99_s, indifference: 2s }
      - { minimise: failure_rate, indifference: 0.01% }
      - { minimise: wasted_gpu_s }
`);
    expect(sc.objectives).toEqual([
      {
        name: "felt",
        minimise: "affected_latency_s",
        subject_to: [
          { figure: "user_failure_rate", max: 0.0001, relative: true },
          { figure: "failure_rate", max: 0, relative: true },
        ],
        indifference: 10,
        next: [
          { minimise: "user_latency_p99_s", indifference: 2 },
          { minimise: "failure_rate", indifference: 0.0001 },
          { minimise: "wasted_gpu_s", indifference: 0 },
        ],
      },
    ]);
  });

  it("a relative margin in the wrong unit and a further effect's δ in the wrong unit are placed where they are", () => {
    const margin = problems(`  - name: a
    minimise: hedges
    subject_to: { user_failure_rate: "<= baseline + 2s" }
`);
    expect(margin.map((p) => [p.path, p.line, p.message])).toEqual([
      [
        "objectives[0].subject_to.user_failure_rate",
        13,
        'expected a share such as 0.001 or 0.1% after <= baseline +, got "<= baseline + 2s"',
      ],
    ]);
    const delta = problems(`  - name: a
    minimise: hedges
    next:
      - { minimise: hedges }
      - { minimise: failure_rate, indifference: 2s }
`);
    expect(delta.map((p) => [p.path, p.line, p.message])).toEqual([
      [
        "objectives[0].next[1].indifference",
        15,
        'expected a share such as 0.001 or 0.1% (the unit of failure_rate), got "2s"',
      ],
    ]);
  });

  it("takes percentages for shares, durations for seconds, ≤ for <=, and no constraint at all", () => {
    const sc = withObjectives(`  - name: a
    minimise: affected_latency_s
    subject_to: { user_failure_rate: "<= 0.1%", user_latency_p99_s: "≤ 2m", hedges: "<=5" }
    indifference: 0.5
  - name: b
    minimise: failure_rate
    indifference: 0.01%
`);
    expect(sc.objectives[0].subject_to).toEqual([
      { figure: "user_latency_p99_s", max: 120 },
      { figure: "user_failure_rate", max: 0.001 },
      { figure: "hedges", max: 5 },
    ]);
    expect(sc.objectives[0].indifference).toBe(0.5);
    expect(sc.objectives[1]).toEqual({ name: "b", minimise: "failure_rate", subject_to: [], indifference: 0.0001 });
  });

  it("every figure the metrics define can be minimised and bounded", () => {
    for (const name of FIGURE_NAMES) {
      const sc = withObjectives(`  - { name: x, minimise: ${name}, subject_to: { ${name}: "<= 1" } }\n`);
      expect(sc.objectives[0].subject_to).toEqual([{ figure: name, max: 1 }]);
    }
  });

  it("a bound written with its unit reads back as the number it names", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        expect(parseFigureValue("seconds", `${n}m`)).toBe(n * 60);
        expect(parseFigureValue("fraction", `${n / 1000}%`)).toBeCloseTo(n / 100_000, 12);
        expect(parseFigureValue("count", String(n))).toBe(n);
        expect(parseFigureValue("count", `${n}%`)).toBeNaN();
        expect(parseFigureValue("fraction", `${n}s`)).toBeNaN();
      }),
      { numRuns: runs(200) },
    );
  });
});

describe("mistakes in the objectives block", () => {
  it("an unknown figure to minimise, with a suggestion, at its line and column", () => {
    const ps = problems("  - name: a\n    minimise: user_latency_p95_s\n");
    expect(ps.map((p) => [p.path, p.line, p.col])).toEqual([["objectives[0].minimise", 12, 15]]);
    expect(ps[0].message).toMatch(/^expected one of user_latency_mean_s, .*hedges, got "user_latency_p95_s"/);
    expect(ps[0].message).toMatch(/did you mean "user_latency_p9[09]_s"/);
  });

  it("an unknown figure in subject_to names the figure it resembles, or lists the allowed ones", () => {
    const ps = problems(`  - name: a
    minimise: hedges
    subject_to:
      failure_rat: "<= 0.1"
      gpu: "<= 1"
`);
    expect(ps.map((p) => [p.path, p.line, p.col, p.message])).toEqual([
      ["objectives[0].subject_to.failure_rat", 14, 7, 'unknown key "failure_rat" (did you mean "failure_rate"?)'],
      ["objectives[0].subject_to.gpu", 15, 7, `unknown key "gpu"; allowed keys: ${FIGURE_NAMES.join(", ")}`],
    ]);
  });

  it("a lower bound, a bare number, a share above 1 and a duration on a count are each one clear problem", () => {
    const ps = problems(`  - name: a
    minimise: hedges
    subject_to:
      failure_rate: ">= 0.5"
      user_failure_rate: 0.01
      time_to_failure_s: "<= 1.5%"
      affected: "<= 3s"
      success_rate: "<= 1"
  - name: b
    minimise: failure_rate
    subject_to: { user_failure_rate: "<= 150%" }
`);
    expect(ps.map((p) => [p.path, p.line])).toEqual([
      ["objectives[0].subject_to.failure_rate", 14],
      ["objectives[0].subject_to.user_failure_rate", 15],
      ["objectives[0].subject_to.time_to_failure_s", 16],
      ["objectives[0].subject_to.affected", 17],
      ["objectives[0].subject_to.success_rate", 18],
      ["objectives[1].subject_to.user_failure_rate", 21],
    ]);
    expect(ps.map((p) => p.message)).toEqual([
      'only upper bounds (<=): every figure is better when lower, got ">= 0.5"',
      'expected an upper bound such as "<= 0.1%" or "<= baseline + 0.1%", got 0.01',
      'expected a duration such as 60s or 2m (or a number of seconds) after <=, got "<= 1.5%"',
      'expected a number such as 1000 after <=, got "<= 3s"',
      `unknown key "success_rate"; allowed keys: ${FIGURE_NAMES.join(", ")}`,
      'a share is at most 1 (100%) after <=, got "<= 150%"',
    ]);
  });

  it("an indifference in the wrong unit is placed at indifference", () => {
    const ps = problems("  - name: a\n    minimise: failure_rate\n    indifference: 2s\n");
    expect(ps).toEqual([
      {
        file: "o.yaml",
        line: 13,
        col: 19,
        path: "objectives[0].indifference",
        message: 'expected a share such as 0.001 or 0.1% (the unit of failure_rate), got "2s"',
      },
    ]);
  });

  it("duplicate names, an empty list and a missing name", () => {
    const dup = problems("  - { name: a, minimise: hedges }\n  - { name: a, minimise: affected }\n");
    expect(dup.map((p) => [p.path, p.message])).toEqual([
      ["objectives[1].name", 'duplicate objective name "a" (also objectives[0])'],
    ]);
    expect(problems("  []\n").map((p) => [p.path, p.message])).toEqual([["objectives", "needs at least 1 item"]]);
    expect(problems("  - { minimise: hedges }\n").map((p) => [p.path, p.message])).toEqual([
      ["objectives[0].name", "required"],
    ]);
  });
});
