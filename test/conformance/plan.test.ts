import { describe, expect, it } from "vitest";
import { drawFate, planRun } from "../../src/conformance/plan.js";
import { RandomStreams } from "../../src/engine/random.js";
import { loadScenarioFile } from "../../src/scenario-file/load.js";

const scenario = loadScenarioFile("conformance/scenario.yaml");

describe("the conformance plan", () => {
  const plan = planRun(scenario);

  it("has the acceptance run's fleet: 20 workers, two hanging on every job, one reporting faults", () => {
    expect(plan.workers).toHaveLength(20);
    const hang = plan.workers.filter((w) => w.failures.some((f) => f.mode === "hang" && f.probability === 1));
    expect(hang.map((w) => w.group)).toEqual(["hang-fast", "hang-slow"]);
    expect(plan.workers.filter((w) => w.failures.some((f) => f.mode === "fault"))).toHaveLength(1);
  });

  it("draws two kudos classes and one request only the hanging workers can take", () => {
    expect(plan.users.get("patron")).toBe(100000);
    expect(plan.users.get("free")).toBe(10);
    const strike = plan.submissions.filter((s) => s.stream === "strike");
    expect(strike).toHaveLength(1);
    const takers = plan.workers.filter((w) => w.models.includes(strike[0].template.model ?? ""));
    expect(takers.map((w) => w.group)).toEqual(["hang-fast", "hang-slow"]);
  });

  it("plans the same submissions every time (the scenario's seed)", () => {
    expect(planRun(scenario).submissions.map((s) => s.at)).toEqual(plan.submissions.map((s) => s.at));
  });

  it("gives each worker the fates of its failure modes, and otherwise MPS/speed (the overhead is the real HTTP)", () => {
    const rng = new RandomStreams(1, 1).stream("test");
    const hang = plan.workers.find((w) => w.group === "hang-slow");
    const sd = plan.workers.find((w) => w.group === "sd");
    if (hang === undefined || sd === undefined) throw new Error("fleet");
    expect(drawFate(hang, scenario, 7.86, rng)).toEqual({ kind: "hang", hold: 100 });
    const runs = Array.from({ length: 400 }, () => drawFate(sd, scenario, 7.86, rng));
    const seconds = runs.map((f) => (f.kind === "ok" ? f.seconds : Number.NaN));
    const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    // jitter 0.1 (lognormal): mean factor e^(0.005), standard error 0.5 % over 400 draws; within 5 %.
    expect(mean / ((7.86 / sd.speed) * Math.exp(0.005))).toBeCloseTo(1, 1);
    const faulty = plan.workers.find((w) => w.group === "faulty");
    if (faulty === undefined) throw new Error("fleet");
    const faults = Array.from({ length: 2000 }, () => drawFate(faulty, scenario, 7.86, rng).kind === "fault").filter(
      Boolean,
    ).length;
    // probability 0.5: 2000 draws, 4 standard deviations = 89.
    expect(Math.abs(faults - 1000)).toBeLessThan(89);
  });
});
