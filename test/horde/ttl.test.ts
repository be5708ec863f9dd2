import { describe, expect, it } from "vitest";
import { accurateSteps, megapixelSteps } from "../../src/horde/request.js";
import { hordeTtl } from "../../src/horde/ttl.js";
import type { TtlConfig } from "../../src/scenario/types.js";

// The real server's constants (docs/model.md §3.2), written out here rather than read from the loader.
const REAL: TtlConfig = {
  floor: 150,
  base: 30,
  per_step: 2,
  reference_pixels: 512 * 512,
  controlnet_multiplier: 2,
  heavy_model_multiplier: 3,
  heavy_models: ["flux_1", "qwen_image", "z_image_turbo"],
  extra_slow_multiplier: 3,
};

const job = (
  width: number,
  height: number,
  steps: number,
  sampler: string,
  extra: Partial<{ model: string; controlnet: boolean }> = {},
) => ({
  width,
  height,
  steps,
  sampler,
  model: extra.model ?? null,
  controlnet: extra.controlnet ?? false,
});

describe("accurate steps (ImageWaitingPrompt.get_accurate_steps)", () => {
  it("counts second-order samplers twice, k_dpm_adaptive as 40, others as given", () => {
    expect(accurateSteps(30, "k_euler_a")).toBe(30);
    expect(accurateSteps(4, "k_euler")).toBe(4);
    for (const s of ["k_heun", "k_dpm_2", "k_dpm_2_a", "k_dpmpp_2s_a", "k_dpmpp_sde"])
      expect(accurateSteps(30, s)).toBe(60);
    expect(accurateSteps(10, "k_dpm_adaptive")).toBe(40);
    expect(accurateSteps(100, "k_dpm_adaptive")).toBe(40);
  });

  it("gives the incident's job 4.19 MPS", () => {
    expect(megapixelSteps(1024, 1024, 4, "k_euler")).toBeCloseTo(4.194304, 6);
  });
});

describe("job TTL: the table of docs/model.md §3.2", () => {
  const table: [string, ReturnType<typeof job>, boolean, number][] = [
    ["512×512×30 k_euler_a", job(512, 512, 30, "k_euler_a"), false, 150],
    ["1024×1024×4 k_euler (the incident)", job(1024, 1024, 4, "k_euler"), false, 150],
    ["1024×1024×30 k_euler_a", job(1024, 1024, 30, "k_euler_a"), false, 270],
    ["1024×1024×30 k_dpmpp_sde", job(1024, 1024, 30, "k_dpmpp_sde"), false, 510],
    ["1024×1024×4 Flux", job(1024, 1024, 4, "k_euler", { model: "flux_1" }), false, 186],
    ["1024×1024×20 Flux", job(1024, 1024, 20, "k_euler", { model: "flux_1" }), false, 570],
    ["512×512×20 ControlNet", job(512, 512, 20, "k_euler_a", { controlnet: true }), false, 150],
    ["512×512×30 on an extra-slow worker", job(512, 512, 30, "k_euler_a"), true, 450],
    ["1024×1024×30 k_euler_a on an extra-slow worker", job(1024, 1024, 30, "k_euler_a"), true, 810],
  ];
  for (const [label, j, extraSlow, expected] of table) {
    it(`${label} → ${expected} s`, () => {
      expect(hordeTtl(j, extraSlow, REAL)).toBeCloseTo(expected, 9);
    });
  }

  it("applies the heavy-model factor only when the request names the model", () => {
    expect(hordeTtl(job(1024, 1024, 20, "k_euler"), false, REAL)).toBe(190);
  });
});
