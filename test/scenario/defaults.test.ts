import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/scenario/types.js";
import { parseScenario } from "../../src/scenario-file/load.js";

const MINIMAL = readFileSync(new URL("./fixtures/minimal.yaml", import.meta.url), "utf8");

/** The real AI Horde's constants (docs/model.md §1–§5, §9) and the documented assumptions. */
const EXPECTED: Scenario = {
  name: "minimal",
  description: "",
  horizon: 3600,
  warmup: 0,
  measure_until: null,
  start_time: "2025-09-29T00:00:00Z",
  seed: 1,
  replications: 5,
  sample_interval: 60,
  server: {
    ttl: {
      floor: 150,
      base: 30,
      per_step: 2,
      reference_pixels: 262144,
      controlnet_multiplier: 2,
      heavy_model_multiplier: 3,
      heavy_models: ["flux_1", "qwen_image", "z_image_turbo"],
      extra_slow_multiplier: 3,
    },
    sweep: {
      period: 60,
      run_time: { kind: "constant", value: 0.051 },
      per_job: 0.0014,
      per_abort: 0.0095,
      phase: null,
    },
    aging: { interval: 10, increment: 50 },
    expiry: { normal: 1200, extra_slow: 3600 },
    max_faulted_jobs: 2,
    maintenance: { enabled: true, abort_threshold: 20, window: 3600 },
    speed: { samples: 20, baseline: 1, slow_gate: 0.5 },
    online_timeout: 300,
  },
  client: { poll_interval: 0, resubmit: { max: 0, delay: { kind: "constant", value: 30 } } },
  arrivals: [
    {
      name: "a",
      rate: [{ from: 0, rate: 60 / 3600 }],
      period: null,
      times: null,
      classes: [],
      models: [],
      mix: [
        {
          weight: 1,
          width: 512,
          height: 512,
          steps: 30,
          sampler: "k_euler_a",
          model: null,
          n: 1,
          kudos: 0,
          user: "anon",
          slow_workers: true,
          extra_slow_workers: false,
          controlnet: false,
          job_time: null,
        },
      ],
    },
  ],
  workers: [
    {
      name: "w",
      count: 1,
      models: [],
      max_pixels: 1048576,
      slots: 2,
      threads: 1,
      speed: { kind: "lognormal", median: 1.5, sigma: 0.3 },
      jitter: 0.1,
      overhead: { kind: "constant", value: 2 },
      model_load: { kind: "constant", value: 0 },
      extra_slow_worker: false,
      poll_interval: 1,
      error_poll_interval: 5,
      pop_round_trip: { kind: "lognormal", median: 1.5, sigma: 0.4 },
      owner: "w",
      failures: [],
      flapping: null,
    },
  ],
  policies: [
    {
      name: "horde",
      timeout: { rule: "horde" },
      detector: { rule: "sweep" },
      reassignment: [{ rule: "pull" }],
      maintenance: true,
    },
  ],
  // No objectives block: what users feel, in order (docs/decisions.md §1): no more users finally failing than
  // the baseline (beyond 0.01 %), then the requests a failed job hits, p99, mean, failed submissions, GPU time.
  objectives: [
    {
      name: "what-users-feel",
      minimise: "affected_latency_s",
      subject_to: [{ figure: "user_failure_rate", max: 0.0001, relative: true }],
      indifference: 10,
      next: [
        { minimise: "user_latency_p99_s", indifference: 2 },
        { minimise: "user_latency_mean_s", indifference: 0.5 },
        { minimise: "failure_rate", indifference: 0.0001 },
        { minimise: "wasted_gpu_s", indifference: 600 },
      ],
    },
  ],
};

describe("defaults", () => {
  it("a minimal file resolves to the real server's constants, field for field", () => {
    expect(parseScenario(MINIMAL, "minimal.yaml")).toStrictEqual(EXPECTED);
  });

  it("the TTL defaults give the incident's 150 s and the §3.2 examples", () => {
    const { ttl } = parseScenario(MINIMAL, "minimal.yaml").server;
    const formula = (w: number, h: number, steps: number) =>
      Math.max(ttl.floor, ttl.base + steps * ttl.per_step * ((w * h) / ttl.reference_pixels));
    expect(formula(1024, 1024, 4)).toBe(150);
    expect(formula(1024, 1024, 30)).toBe(270);
    expect(formula(1024, 1024, 60)).toBe(510);
  });

  it("ControlNet requests default to 20 steps (the server's default), others to 30", () => {
    const sc = parseScenario(MINIMAL.replace("mix: [{}]", "mix: [{controlnet: true}, {}]"), "m.yaml");
    expect(sc.arrivals[0].mix.map((t) => t.steps)).toEqual([20, 30]);
  });

  it("an arm fills its missing parts with the Horde's rules", () => {
    const text = `${MINIMAL}policies:\n  - { name: t, detector: timer }\n  - { name: m, maintenance: false }\n`;
    const sc = parseScenario(text, "m.yaml");
    expect(sc.policies).toEqual([
      {
        name: "t",
        timeout: { rule: "horde" },
        detector: { rule: "timer" },
        reassignment: [{ rule: "pull" }],
        maintenance: true,
      },
      {
        name: "m",
        timeout: { rule: "horde" },
        detector: { rule: "sweep" },
        reassignment: [{ rule: "pull" }],
        maintenance: false,
      },
    ]);
  });

  it("each failure mode has its documented default", () => {
    const text = `${MINIMAL}    failures: [{mode: hang, probability: 0.1}, {mode: crash, probability: 0.1}, {mode: slow, probability: 0.1}, {mode: fault, probability: 0.1}, {mode: late, probability: 0.1}]\n`;
    const f = parseScenario(text, "m.yaml").workers[0].failures;
    expect(f).toEqual([
      { mode: "hang", probability: 0.1, share: 1, hold: { kind: "constant", value: 320 } },
      { mode: "crash", probability: 0.1, share: 1, downtime: { kind: "constant", value: 300 } },
      { mode: "slow", probability: 0.1, share: 1, multiplier: 3 },
      { mode: "fault", probability: 0.1, share: 1, delay: { kind: "constant", value: 20 } },
      { mode: "late", probability: 0.1, share: 1, delay: { kind: "constant", value: 30 } },
    ]);
  });

  it("a failure mode without a probability strikes every job; flapping starts at phase 0", () => {
    const text = `${MINIMAL}    failures: [{mode: hang}]\n    flapping: {period: 10m, down: 1m}\n`;
    const w = parseScenario(text, "m.yaml").workers[0];
    expect(w.failures[0].probability).toBe(1);
    expect(w.flapping).toEqual({ period: 600, down: 60, phase: 0 });
  });

  it("owner defaults to the group name, and an explicit owner is kept", () => {
    const text = MINIMAL.replace("  - name: w\n", "  - name: w\n  - name: v\n    owner: ameli0x\n");
    expect(parseScenario(text, "m.yaml").workers.map((w) => w.owner)).toEqual(["w", "ameli0x"]);
  });
});
