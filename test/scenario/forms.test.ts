import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ruleNames, ruleParamsSchema } from "../../src/policies/registry.js";
import type { Scenario } from "../../src/scenario/types.js";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";
import { runs } from "../helpers/fast-check-config.js";

/** A valid scenario with one field replaced: `over` is YAML spliced into the worker group, template, etc. */
function scenario(opts: {
  top?: string;
  stream?: string;
  template?: string;
  worker?: string;
  policies?: string;
}): Scenario {
  const text = `name: t
horizon: 6h
${opts.top ?? ""}
arrivals:
  - name: a
    ${opts.stream ?? "rate: 1/h"}
    mix:
      - { ${opts.template ?? ""} }
workers:
  - name: w
    ${opts.worker ?? ""}
${opts.policies === undefined ? "" : `policies:\n${opts.policies}`}
`;
  return parseScenario(text, "t.yaml");
}

function problems(fn: () => unknown): { path: string; message: string; line: number; col: number }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("durations", () => {
  it.each([
    ["150s", 150],
    ["20m", 1200],
    ["6h", 21600],
    ["1.5h", 5400],
    ["250ms", 0.25],
    ["2d", 172800],
    ["3min", 180],
    ["42", 42],
    [42, 42],
    [0.5, 0.5],
  ])("%s is %d seconds", (text, seconds) => {
    expect(scenario({ worker: `poll_interval: ${text}` }).workers[0].poll_interval).toBe(seconds);
  });

  it.each(["5 parsecs", "1h30m", "-1s", "-3", "abc", "true"])("%s is not a duration", (text) => {
    const ps = problems(() => scenario({ worker: `poll_interval: ${text}` }));
    expect(ps).toHaveLength(1);
    expect(ps[0].path).toBe("workers[0].poll_interval");
    expect(ps[0].message).toMatch(/expected a duration/);
  });

  it("a positive duration rejects 0", () => {
    const ps = problems(() => scenario({ top: "server: { aging: { interval: 0s } }" }));
    expect(ps.map((p) => p.path)).toEqual(["server.aging.interval"]);
    expect(ps[0].message).toBe("must be more than 0 seconds");
  });

  it("any whole number of any unit round-trips", () => {
    const factor: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), fc.constantFrom("s", "m", "h", "d"), (n, unit) => {
        expect(scenario({ worker: `error_poll_interval: ${n}${unit}` }).workers[0].error_poll_interval).toBe(
          n * factor[unit],
        );
      }),
      { numRuns: runs(50) },
    );
  });
});

describe("rates", () => {
  it.each([
    ["120/h", 120 / 3600],
    ["2/min", 2 / 60],
    ["0.5/s", 0.5],
    ["10/day", 10 / 86400],
    ["3", 3],
    ["0", 0],
  ])("%s is %d per second", (text, perSecond) => {
    expect(scenario({ stream: `rate: ${text}` }).arrivals[0].rate).toEqual([{ from: 0, rate: perSecond }]);
  });

  it.each(["-0.5", "-30/h", "fast", "120/fortnight"])("%s is not a rate", (text) => {
    const ps = problems(() => scenario({ stream: `rate: ${text}` }));
    expect(ps.map((p) => [p.path, p.line, p.col])).toEqual([["arrivals[0].rate", 6, 11]]);
    expect(ps[0].message).toMatch(/expected a rate/);
  });

  it("a piecewise rate converts each segment", () => {
    const sc = scenario({
      stream: "rate: [{from: 0h, rate: 300/h}, {from: 6h, rate: 900/h}, {from: 25200, rate: 0.1}]",
    });
    expect(sc.arrivals[0].rate).toEqual([
      { from: 0, rate: 300 / 3600 },
      { from: 21600, rate: 900 / 3600 },
      { from: 25200, rate: 0.1 },
    ]);
  });

  it("a piecewise rate must start at 0", () => {
    const ps = problems(() => scenario({ stream: "rate: [{from: 1h, rate: 1/h}]" }));
    expect(ps.map((p) => p.path)).toEqual(["arrivals[0].rate[0].from"]);
    expect(ps[0].message).toMatch(/start at 0/);
  });

  it("a piecewise rate must increase", () => {
    const ps = problems(() =>
      scenario({
        stream: "rate: [{from: 0, rate: 1/h}, {from: 2h, rate: 2/h}, {from: 2h, rate: 3/h}, {from: 1h, rate: 1/h}]",
      }),
    );
    expect(ps.map((p) => p.path)).toEqual(["arrivals[0].rate[2].from", "arrivals[0].rate[3].from"]);
  });

  it("an empty piecewise list is an error", () => {
    expect(problems(() => scenario({ stream: "rate: []" })).map((p) => p.path)).toEqual(["arrivals[0].rate"]);
  });

  it("times replace the rate and must ascend", () => {
    const sc = scenario({ stream: "times: [10s, 1m, 1m, 90]" });
    expect(sc.arrivals[0].times).toEqual([10, 60, 60, 90]);
    expect(sc.arrivals[0].rate).toEqual([{ from: 0, rate: 0 }]);
    expect(problems(() => scenario({ stream: "times: [1m, 10s]" })).map((p) => p.path)).toEqual([
      "arrivals[0].times[1]",
    ]);
  });

  it("a stream needs a rate or times", () => {
    const ps = problems(() => scenario({ stream: "" }));
    expect(ps.map((p) => [p.path, p.message])).toEqual([["arrivals[0].rate", "required (or give times)"]]);
  });
});

describe("distributions", () => {
  it.each([
    ["3s", { kind: "constant", value: 3 }],
    ["2m", { kind: "constant", value: 120 }],
    ["4", { kind: "constant", value: 4 }],
    ["{dist: exponential, mean: 10s}", { kind: "exponential", mean: 10 }],
    ["{dist: uniform, min: 1s, max: 1m}", { kind: "uniform", min: 1, max: 60 }],
    ["{dist: lognormal, median: 5s, sigma: 0.5}", { kind: "lognormal", median: 5, sigma: 0.5 }],
    ["{dist: normal, mean: 20s, sd: 5s}", { kind: "normal", mean: 20, sd: 5, min: 0 }],
    ["{dist: normal, mean: 20s, sd: 5s, min: 10s}", { kind: "normal", mean: 20, sd: 5, min: 10 }],
    ["{dist: choice, values: [1s, 2m, 3]}", { kind: "choice", values: [1, 120, 3] }],
  ])("time field: %s", (text, expected) => {
    expect(scenario({ worker: `overhead: ${text}` }).workers[0].overhead).toEqual(expected);
  });

  it.each([
    ["2.5", { kind: "constant", value: 2.5 }],
    ["{dist: lognormal, median: 1, sigma: 0.3}", { kind: "lognormal", median: 1, sigma: 0.3 }],
    ["{dist: choice, values: [1, 2.5]}", { kind: "choice", values: [1, 2.5] }],
    ["{dist: normal, mean: 0.3, sd: 0.1, min: 0.05}", { kind: "normal", mean: 0.3, sd: 0.1, min: 0.05 }],
    ["{dist: uniform, min: 0.5, max: 3}", { kind: "uniform", min: 0.5, max: 3 }],
    ["{dist: exponential, mean: 2}", { kind: "exponential", mean: 2 }],
  ])("speed: %s", (text, expected) => {
    expect(scenario({ worker: `speed: ${text}` }).workers[0].speed).toEqual(expected);
  });

  it.each([
    ["0", "workers[0].speed", /must be more than 0/],
    ["-1", "workers[0].speed", /must be more than 0/],
    ['"fast"', "workers[0].speed", /expected a number such as 1.5 .* got "fast"/],
    ["{dist: lognormal, median: 1}", "workers[0].speed.sigma", /^required$/],
    ["{dist: uniform, min: 3, max: 1}", "workers[0].speed.max", /at least min/],
    ["{dist: choice, values: []}", "workers[0].speed.values", /at least 1 item/],
    ["{dist: gamma, shape: 2}", "workers[0].speed.dist", /one of exponential, uniform, lognormal, normal, choice/],
    ["{median: 1, sigma: 0.3}", "workers[0].speed.dist", /^required: one of exponential/],
    ["{dist: lognormal, median: 1, sigma: 0.3, mean: 2}", "workers[0].speed.mean", /unknown key "mean"/],
  ])("speed %s is an error at %s", (text, path, message) => {
    const ps = problems(() => scenario({ worker: `speed: ${text}` }));
    expect(ps.map((p) => p.path)).toEqual([path]);
    expect(ps[0].message).toMatch(message);
  });

  it("suggests the distribution a typo meant", () => {
    const ps = problems(() => scenario({ worker: "overhead: {dist: expo, mean: 3s}" }));
    expect(ps[0].message).toContain('(did you mean "exponential"?)');
  });

  it("a time field rejects a malformed duration inside a distribution", () => {
    const ps = problems(() => scenario({ worker: "model_load: {dist: exponential, mean: 10 parsecs}" }));
    expect(ps.map((p) => p.path)).toEqual(["workers[0].model_load.mean"]);
  });

  it("job_time and run_time take distributions too", () => {
    const sc = scenario({
      template: "job_time: {dist: exponential, mean: 30s}",
      top: "server: {sweep: {run_time: {dist: uniform, min: 0s, max: 2s}}}",
    });
    expect(sc.arrivals[0].mix[0].job_time).toEqual({ kind: "exponential", mean: 30 });
    expect(sc.server.sweep.run_time).toEqual({ kind: "uniform", min: 0, max: 2 });
  });
});

describe("policy rules", () => {
  const constants = (kind: "timeout" | "detector" | "reassignment", name: string) =>
    ruleParamsSchema(kind, name)?.parse({}) as Record<string, unknown>;

  it("a bare name and {rule: NAME} give the same parsed constants, defaults filled", () => {
    const sc = scenario({
      policies:
        "  - { name: a, timeout: progressive, reassignment: [hedge] }\n  - { name: b, timeout: {rule: progressive}, reassignment: [{rule: hedge}] }\n",
    });
    expect(sc.policies[0].timeout).toEqual({ rule: "progressive", ...constants("timeout", "progressive") });
    expect(sc.policies[0].timeout).toEqual(sc.policies[1].timeout);
    expect(sc.policies[0].reassignment).toEqual([{ rule: "hedge", ...constants("reassignment", "hedge") }]);
    expect(Object.keys(sc.policies[0].timeout).length).toBeGreaterThan(1);
  });

  it("constants are converted by the rule's own schema", () => {
    const sc = scenario({
      policies:
        "  - { name: a, timeout: {rule: fixed, ttl: 2m}, detector: {rule: heartbeat, interval: 5s, missed: 2} }\n",
    });
    expect(sc.policies[0].timeout).toEqual({ rule: "fixed", ttl: 120 });
    expect(sc.policies[0].detector).toEqual({ rule: "heartbeat", interval: 5, missed: 2 });
  });

  it("a bad constant is reported at its own line and column", () => {
    const ps = problems(() => scenario({ policies: "  - name: a\n    timeout: { rule: fixed, ttl: -5 }\n" }));
    expect(ps.map((p) => [p.path, p.line, p.col])).toEqual([["policies[0].timeout.ttl", 14, 34]]);
  });

  it("a typo'd constant is an unknown key with a suggestion, at the key", () => {
    const ps = problems(() =>
      scenario({ policies: "  - name: a\n    detector: { rule: heartbeat, intervall: 5s }\n" }),
    );
    expect(ps.map((p) => [p.path, p.line, p.col, p.message])).toEqual([
      ["policies[0].detector.intervall", 14, 34, 'unknown key "intervall" (did you mean "interval"?)'],
    ]);
  });

  it.each([
    ["timeout", "timeout: fixd", "policies[0].timeout"],
    ["detector", "detector: {rule: sweeep}", "policies[0].detector.rule"],
    ["reassignment", "reassignment: [pull, exclude_failed]", "policies[0].reassignment[1]"],
  ] as const)("an unknown %s rule lists the valid names", (kind, yaml, path) => {
    const ps = problems(() => scenario({ policies: `  - name: a\n    ${yaml}\n` }));
    expect(ps.map((p) => p.path)).toEqual([path]);
    for (const name of ruleNames(kind)) expect(ps[0].message).toContain(name);
    expect(ps[0].message).toMatch(/did you mean/);
  });

  it("a rule mapping without `rule` says it is required", () => {
    const ps = problems(() => scenario({ policies: "  - name: a\n    timeout: { ttl: 3s }\n" }));
    expect(ps.map((p) => [p.path, p.message])).toEqual([["policies[0].timeout.rule", "required"]]);
  });

  it("arm names must be unique", () => {
    const ps = problems(() => scenario({ policies: "  - name: a\n  - name: b\n  - name: a\n" }));
    expect(ps.map((p) => [p.path, p.line])).toEqual([["policies[2].name", 15]]);
    expect(ps[0].message).toMatch(/duplicate policy arm name "a"/);
  });
});

describe("workers, failures and requests", () => {
  it("failure filters and windows are converted", () => {
    const sc = scenario({
      worker:
        "failures: [{ mode: slow, probability: 0.5, multiplier: 4, when: {width: 1024, models: [sdxl], min_mps: 1, max_mps: 5}, active: [{from: 1h, to: 2h}] }]",
    });
    expect(sc.workers[0].failures).toEqual([
      {
        mode: "slow",
        probability: 0.5,
        share: 1,
        multiplier: 4,
        when: { width: 1024, models: ["sdxl"], min_mps: 1, max_mps: 5 },
        active: [{ from: 3600, to: 7200 }],
      },
    ]);
  });

  it("probabilities summing to exactly 1 are fine, over 1 is an error on the list", () => {
    expect(
      scenario({
        worker:
          "failures: [{mode: hang, probability: 0.1}, {mode: crash, probability: 0.2}, {mode: fault, probability: 0.7}]",
      }).workers[0].failures,
    ).toHaveLength(3);
    const ps = problems(() =>
      scenario({ worker: "failures: [{mode: hang, probability: 0.7}, {mode: slow, probability: 0.5}]" }),
    );
    expect(ps.map((p) => [p.path, p.line, p.col])).toEqual([["workers[0].failures", 11, 15]]);
    expect(ps[0].message).toMatch(/sum to at most 1, got 1\.2/);
  });

  it.each([
    ["count: 0", "workers[0].count"],
    ["count: 1.5", "workers[0].count"],
    ["slots: 0", "workers[0].slots"],
    ["threads: 0", "workers[0].threads"],
    ["threads: 3", "workers[0].threads"],
    ["jitter: -0.1", "workers[0].jitter"],
    ["max_pixels: -1", "workers[0].max_pixels"],
    ["failures: [{mode: hang, probability: 1.5}]", "workers[0].failures[0].probability"],
    ["failures: [{mode: hang, probability: -0.1}]", "workers[0].failures[0].probability"],
    ["failures: [{mode: slow, multiplier: 1}]", "workers[0].failures[0].multiplier"],
    ["failures: [{mode: hnag}]", "workers[0].failures[0].mode"],
    ["failures: [{mode: hang, active: [{from: 2h, to: 1h}]}]", "workers[0].failures[0].active[0].to"],
    ["failures: [{mode: hang, when: {min_mps: 3, max_mps: 1}}]", "workers[0].failures[0].when.max_mps"],
    ["failures: [{mode: hang, hold: 5s, delay: 3s}]", "workers[0].failures[0].delay"],
    ["flapping: {period: 1m, down: 1m}", "workers[0].flapping.down"],
    ["flapping: {down: 1m}", "workers[0].flapping.period"],
    ["speed: .inf", "workers[0].speed"],
  ])("%s is an error at %s", (yaml, path) => {
    expect(problems(() => scenario({ worker: yaml })).map((p) => p.path)).toEqual([path]);
  });

  it.each([
    ["width: 500", "width", /multiple of 64/],
    ["width: 0", "width", /more than 0/],
    ["height: -64", "height", /more than 0/],
    ["steps: 0", "steps", /at least 1|more than 0/],
    ["n: 0", "n", /at least 1/],
    ["n: 21", "n", /at most 20/],
    ["weight: 0", "weight", /more than 0/],
    ["model: 3", "model", /expected a string, got 3/],
    ["slow_workers: yes", "slow_workers", /expected true or false/],
  ])("template %s is an error", (yaml, field, message) => {
    const ps = problems(() => scenario({ template: yaml }));
    expect(ps.map((p) => p.path)).toEqual([`arrivals[0].mix[0].${field}`]);
    expect(ps[0].message).toMatch(message);
  });

  it("worker group and stream names must be unique", () => {
    const text = `name: t
horizon: 1h
arrivals:
  - { name: a, rate: 1/h, mix: [{}] }
  - { name: a, rate: 1/h, mix: [{}] }
workers:
  - name: w
  - name: v
  - name: w
`;
    const ps = problems(() => parseScenario(text, "t.yaml"));
    expect(ps.map((p) => [p.path, p.line])).toEqual([
      ["arrivals[1].name", 5],
      ["workers[2].name", 9],
    ]);
  });

  it.each([
    ["warmup: 6h", "warmup", /less than horizon/],
    ["warmup: 7h", "warmup", /less than horizon/],
    ["replications: 0", "replications", /more than 0/],
    ["seed: -1", "seed", /at least 0/],
    ["start_time: yesterday", "start_time", /ISO 8601/],
    ["start_time: 2025-13-45T00:00:00Z", "start_time", /ISO 8601/],
    ["server: {max_faulted_jobs: 1.5}", "server.max_faulted_jobs", /integer/],
    ["server: {sweep: {period: 0}}", "server.sweep.period", /more than 0/],
    ["client: {resubmit: {max: -1}}", "client.resubmit.max", /at least 0/],
  ])("%s is an error", (yaml, path, message) => {
    const ps = problems(() => scenario({ top: yaml }));
    expect(ps.map((p) => p.path)).toEqual([path]);
    expect(ps[0].message).toMatch(message);
  });

  it("at least one stream, one worker group and one template are required", () => {
    const ps = problems(() => parseScenario("name: t\nhorizon: 1h\narrivals: []\nworkers: []\n", "t.yaml"));
    expect(ps.map((p) => [p.path, p.message])).toEqual([
      ["arrivals", "needs at least 1 item"],
      ["workers", "needs at least 1 item"],
    ]);
  });

  it("YAML merge keys work, and a problem in a merged-in field points at its source", () => {
    const text = `name: t
horizon: 1h
arrivals: [{ name: a, rate: 1/h, mix: [{}] }]
workers:
  - &base
    name: base
    slots: -1
  - <<: *base
    name: copy
`;
    const ps = problems(() => parseScenario(text, "t.yaml"));
    expect(ps.map((p) => [p.path, p.line, p.col])).toEqual([
      ["workers[0].slots", 7, 12],
      ["workers[1].slots", 7, 12],
    ]);
    const ok = parseScenario(text.replace("slots: -1", "slots: 3"), "t.yaml");
    expect(ok.workers.map((w) => [w.name, w.slots])).toEqual([
      ["base", 3],
      ["copy", 3],
    ]);
  });
});

describe("the example with every form", () => {
  const text = readFileSync(new URL("./fixtures/every-form.yaml", import.meta.url), "utf8");
  const sc = parseScenario(text, "every-form.yaml");

  it("converts top-level settings", () => {
    expect([sc.horizon, sc.warmup, sc.start_time, sc.seed, sc.replications, sc.sample_interval]).toEqual([
      21600,
      1800,
      "2025-09-29T17:00:00Z",
      7,
      3,
      300,
    ]);
    expect(sc.server.ttl.heavy_models).toEqual(["flux_1"]);
    expect(sc.server.ttl.base).toBe(30);
    expect(sc.server.sweep).toEqual({
      period: 30,
      run_time: { kind: "uniform", min: 0, max: 2 },
      per_job: 0.0014,
      per_abort: 0.0095,
      phase: null,
    });
    expect(sc.server.expiry).toEqual({ normal: 1200, extra_slow: 3600 });
    expect(sc.server.maintenance).toEqual({ enabled: false, abort_threshold: 20, window: 3600 });
    expect(sc.client).toEqual({ poll_interval: 5, resubmit: { max: 2, delay: { kind: "exponential", mean: 60 } } });
  });

  it("keeps the merged worker's own overrides", () => {
    const flaky = sc.workers[1];
    expect([flaky.name, flaky.count, flaky.owner, flaky.slots, flaky.threads, flaky.poll_interval]).toEqual([
      "flaky",
      1,
      "ameli0x",
      3,
      2,
      2,
    ]);
    expect(flaky.failures.map((f) => f.mode)).toEqual(["hang", "crash", "slow", "fault", "late"]);
    expect(sc.workers[2].extra_slow_worker).toBe(true);
  });

  it("builds the three arms", () => {
    expect(
      sc.policies.map((p) => [
        p.name,
        p.timeout.rule,
        p.detector.rule,
        p.reassignment.map((r) => r.rule),
        p.maintenance,
      ]),
    ).toEqual([
      ["horde", "horde", "sweep", ["pull"], true],
      ["timer", "fixed", "timer", ["pull"], true],
      ["careful", "progressive", "heartbeat", ["pull", "exclude-failed", "backoff"], false],
    ]);
    expect(sc.policies[2].reassignment[2]).toMatchObject({ base: 30 });
  });
});
