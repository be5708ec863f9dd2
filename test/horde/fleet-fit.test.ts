// validate's fleet check: which requests no worker can take, and the offered load ρ per model bundle, against
// figures worked out by hand.
import { describe, expect, it } from "vitest";
import { fleetFit } from "../../src/horde/fleet-fit.js";
import { parseScenario } from "../../src/scenario-file/load.js";

const scenario = (body: string) => parseScenario(`name: fit\nhorizon: 4h\n${body}`, "fit.yaml");

// 1024×1024×25 k_euler = 26.2144 MPS. A worker at a constant 2 MPS/s, no jitter, no overhead delivers 2 MPS/s.
const sdxlWorkers = `workers:
  - { name: sdxl, count: 20, models: [XL (SDXL)], speed: 2, jitter: 0, overhead: 0 }
  - { name: sd15, count: 5, models: [sd15], max_pixels: 262144, speed: 1, jitter: 0, overhead: 1s }
`;

describe("fleetFit: the offered load per bundle", () => {
  const fit = fleetFit(
    scenario(`arrivals:
  - name: xl
    rate: [{ from: 0h, rate: 1/s }, { from: 2h, rate: 2/s }, { from: 3h, rate: 1/s }]
    mix: [{ width: 1024, height: 1024, steps: 25, sampler: k_euler, model: XL (SDXL) }]
  - name: sd
    rate: 0.5/s
    mix: [{ width: 512, height: 512, steps: 30, sampler: k_euler, model: sd15, n: 2 }]
${sdxlWorkers}`),
  );

  it("splits workers that share no request into separate bundles", () => {
    expect(fit.bundles.map((b) => b.groups)).toEqual([["sdxl"], ["sd15"]]);
    expect(fit.unserved).toEqual([]);
  });

  it("gives ρ at the mean and in the busiest hour (worked by hand)", () => {
    const xl = fit.bundles[0];
    expect(xl.capacity).toBeCloseTo(40, 9); // 20 workers × 2 MPS/s
    expect(xl.meanOffered).toBeCloseTo(1.25 * 26.2144, 9); // (1 + 1 + 2 + 1) / 4 requests a second
    expect(xl.meanLoad).toBeCloseTo((1.25 * 26.2144) / 40, 9);
    expect(xl.peakHour).toBe(2);
    expect(xl.peakLoad).toBeCloseTo((2 * 26.2144) / 40, 9);
    // 512×512×30 = 7.86432 MPS a job, 7.86432 s + 1 s overhead at 1 MPS/s; 2 images a request at 0.5/s
    const sd = fit.bundles[1];
    const perWorker = 7.86432 / (7.86432 + 1);
    expect(sd.capacity).toBeCloseTo(5 * perWorker, 9);
    expect(sd.meanLoad).toBeCloseTo((1 * 7.86432) / (5 * perWorker), 9);
    expect(sd.peakLoad).toBeCloseTo(sd.meanLoad, 9);
  });
});

describe("fleetFit: requests no worker takes", () => {
  it("names the unserved model, the size and the share of the stream", () => {
    const fit = fleetFit(
      scenario(`arrivals:
  - name: xl
    rate: 400/h
    mix:
      - { weight: 3, width: 1024, height: 1024, steps: 25, model: XL }
      - { weight: 1, width: 2048, height: 2048, steps: 25, model: XL (SDXL) }
${sdxlWorkers}`),
    );
    expect(fit.unserved.map((u) => u.problem)).toEqual([
      { reason: "model", model: "XL", served: ["XL (SDXL)", "sd15"] },
      { reason: "size", pixels: 2048 * 2048, maxPixels: 1048576 },
    ]);
    expect(fit.unserved[0].kind.share).toBe(0.75);
    expect(fit.unserved[0].imagesPerSecond * 3600).toBeCloseTo(300, 9);
    expect(fit.unserved[1].kind.template).toBe(1);
  });

  it("checks each model a stream draws, and the extra-slow opt-in", () => {
    const fit = fleetFit(
      scenario(`arrivals:
  - name: xl
    rate: 100/h
    models: [{ name: XL (SDXL), weight: 9 }, { name: Pony, weight: 1 }]
    mix: [{ width: 1024, height: 1024, steps: 25 }]
workers:
  - { name: slow, models: [XL (SDXL)], extra_slow_worker: true }
`),
    );
    expect(fit.unserved.map((u) => [u.kind.model, u.problem.reason, u.kind.share])).toEqual([
      [0, "extra-slow", 0.9],
      [1, "model", 0.1],
    ]);
    expect(fit.bundles).toEqual([]);
  });

  it("warns when no worker that may take a job can finish it within the Horde's TTL", () => {
    // 1024×1024×30 k_euler_a = 31.457 MPS: 3,146 s at 0.01 MPS/s against a TTL of 30 + 30·2·4 = 270 s
    const fit = fleetFit(
      scenario(`arrivals:
  - { name: xl, rate: 10/h, mix: [{ width: 1024, height: 1024, steps: 30, model: XL }] }
workers:
  - { name: crawl, models: [XL], speed: 0.01, overhead: 0 }
`),
    );
    expect(fit.unserved).toHaveLength(1);
    const p = fit.unserved[0].problem;
    expect(p.reason).toBe("ttl");
    if (p.reason === "ttl") {
      expect(p.ttl).toBe(270);
      expect(p.seconds).toBeGreaterThan(3000);
    }
  });
});
