import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DurationStats, LogMoments } from "../../src/analyze/histogram.js";
import { INCIDENT_POLICY_ARMS } from "../../src/analyze/policy-arms.js";
import { abortCause, HORDE_TTL, ttlOf } from "../../src/analyze/ttl.js";
import { loadScenarioFile, parseScenario } from "../../src/scenario-file/load.js";

const MINIMAL = `name: m
horizon: 1h
arrivals: [{ name: a, rate: 1/h, mix: [{}] }]
workers: [{ name: w }]
`;

describe("constants copied from elsewhere", () => {
  it("the TTL constants are the scenario defaults, and the formula gives §3.2's examples", () => {
    expect(HORDE_TTL).toEqual(parseScenario(MINIMAL, "m.yaml").server.ttl);
    expect(ttlOf({ width: 1024, height: 1024, steps: 4, sampler: "k_euler" })).toBe(150);
    expect(ttlOf({ width: 1024, height: 1024, steps: 30, sampler: "k_euler_a" })).toBe(270);
    expect(ttlOf({ width: 1024, height: 1024, steps: 30, sampler: "k_dpmpp_sde" })).toBe(510);
  });

  it("the policy arms are the incident scenario's", () => {
    const incident = loadScenarioFile(join(import.meta.dirname, "..", "..", "scenarios", "incident-2025-09-29.yaml"));
    const copied = parseScenario(`${MINIMAL}${INCIDENT_POLICY_ARMS}\n`, "arms.yaml");
    expect(copied.policies).toEqual(incident.policies);
    expect(
      readFileSync(join(import.meta.dirname, "..", "..", "scenarios", "incident-2025-09-29.yaml"), "utf8"),
    ).toContain(INCIDENT_POLICY_ARMS.trim());
  });
});

describe("timeout or reported fault", () => {
  it("at or over the TTL is a timeout, under it a fault; without a size the floor decides; without a pop, unknown", () => {
    expect(abortCause(150, 150)).toBe("timeout");
    expect(abortCause(149.9, 150)).toBe("reported_fault");
    expect(abortCause(300, 510)).toBe("reported_fault");
    expect(abortCause(140, null)).toBe("reported_fault");
    expect(abortCause(151, null)).toBe("timeout");
    expect(abortCause(null, 150)).toBe("unknown");
  });
});

describe("streaming statistics", () => {
  it("quantiles within 1 % of the exact ones", () => {
    const d = new DurationStats();
    const xs = Array.from({ length: 10001 }, (_, i) => 0.5 + ((i * 7919) % 10001) / 100);
    for (const x of xs) d.add(x);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * xs.length) - 1];
      expect(Math.abs(d.quantile(q) - exact) / exact).toBeLessThan(0.01);
    }
    expect(d.min).toBe(0.5);
    expect(d.mean).toBeCloseTo(xs.reduce((a, b) => a + b) / xs.length, 9);
  });

  it("log moments merge with a scale factor", () => {
    const a = new LogMoments();
    const b = new LogMoments();
    const all = new LogMoments();
    for (const x of [1, 2, 4]) {
      a.add(x);
      all.add(x);
    }
    for (const x of [3, 5]) {
      b.add(x);
      all.add(x * 10);
    }
    a.merge(b, 10);
    expect(a.mu).toBeCloseTo(all.mu, 12);
    expect(a.sigma).toBeCloseTo(all.sigma, 12);
  });
});
