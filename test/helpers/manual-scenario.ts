import type { Scenario, WorkerGroup } from "../../src/scenario/types.js";
import { DEFAULT_OBJECTIVE_LIST } from "../../src/scenario-file/objectives.js";

/** A scenario built in code with the real server's defaults, for tests that must not depend on the loader. */
export function manualScenario(over: Partial<Scenario> = {}): Scenario {
  return {
    name: "manual",
    description: "",
    horizon: 3 * 3600,
    warmup: 0,
    measure_until: null,
    start_time: "2025-09-29T00:00:00Z",
    seed: 1,
    replications: 1,
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
      sweep: { period: 60, run_time: { kind: "constant", value: 0 }, per_job: 0, per_abort: 0, phase: null },
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
            width: 1024,
            height: 1024,
            steps: 4,
            sampler: "k_euler",
            model: null,
            n: 1,
            kudos: 0,
            user: "alice",
            slow_workers: true,
            extra_slow_workers: false,
            controlnet: false,
            job_time: null,
          },
        ],
      },
    ],
    workers: [manualGroup({})],
    policies: [
      {
        name: "horde",
        timeout: { rule: "horde" },
        detector: { rule: "sweep" },
        reassignment: [{ rule: "pull" }],
        maintenance: true,
      },
    ],
    objectives: DEFAULT_OBJECTIVE_LIST,
    ...over,
  };
}

export function manualGroup(over: Partial<WorkerGroup>): WorkerGroup {
  return {
    name: "w",
    count: 1,
    models: [],
    max_pixels: 1048576,
    slots: 2,
    threads: 1,
    speed: { kind: "constant", value: 2 },
    jitter: 0,
    overhead: { kind: "constant", value: 1 },
    model_load: { kind: "constant", value: 0 },
    extra_slow_worker: false,
    poll_interval: 1,
    error_poll_interval: 5,
    pop_round_trip: { kind: "constant", value: 0 },
    owner: "w",
    failures: [],
    flapping: null,
    ...over,
  };
}
