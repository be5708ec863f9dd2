// The scenario guide's (docs/scenarios.md) example scenario is a valid file, and its fixed-TTL arms behave as the
// guide says: with the default sweep detector a hung job is aborted at the first sweep after pop + TTL, with detector: timer exactly then.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario-file/load.js";
import { simulate } from "../../src/experiment/collect-run.js";

const guide = readFileSync(join(import.meta.dirname, "..", "..", "docs", "scenarios.md"), "utf8");

describe("docs/scenarios.md: the example scenario", () => {
  const section = guide.slice(guide.indexOf("```yaml\nname: example"));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

  it("is a valid scenario", () => {
    expect(block).toMatch(/^name: example/);
    expect(() => parseScenario(block, "docs/scenarios.md")).not.toThrow();
  });

  it("a fixed-TTL arm keeps the sweep detector unless it names detector: timer", () => {
    const arms = new Map(parseScenario(block, "docs/scenarios.md").policies.map((p) => [p.name, p]));
    expect(arms.get("fixed-150")).toMatchObject({ timeout: { rule: "fixed", ttl: 150 }, detector: { rule: "sweep" } });
    expect(arms.get("fixed-150-timer")).toMatchObject({
      timeout: { rule: "fixed", ttl: 150 },
      detector: { rule: "timer" },
    });
  });
});

describe("docs/scenarios.md: a fixed TTL with the sweep detector and with the timer", () => {
  const yaml = `name: fixed-ttl
horizon: 2h
arrivals:
  - name: a
    rate: 60/h
    mix: [{ width: 512, height: 512, steps: 30, sampler: k_euler }]
workers:
  - name: hangs
    speed: 2
    failures: [{ mode: hang, probability: 1, hold: 5s }]
policies:
  - name: fixed-150
    timeout: { rule: fixed, ttl: 150s }
  - name: fixed-150-timer
    timeout: { rule: fixed, ttl: 150s }
    detector: timer
`;
  const abortDelays = (arm: string) =>
    simulate(yaml, { arm })
      .attempts.filter((a) => a.end === "stale_abort")
      .map((a) => (a.ended_s as number) - a.popped_s);

  it("sweep: 150 to 210.5 s after the pop (one sweep period: 60 s plus its run time, under 0.5 s with this few jobs)", () => {
    const delays = abortDelays("fixed-150");
    expect(delays.length).toBeGreaterThan(20);
    for (const d of delays) {
      expect(d).toBeGreaterThan(150);
      expect(d).toBeLessThanOrEqual(210.5 + 1e-9);
    }
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(30); // the sweep's phase, not a timer
  });

  it("timer: exactly 150 s after the pop", () => {
    const delays = abortDelays("fixed-150-timer");
    expect(delays.length).toBeGreaterThan(20);
    for (const d of delays) expect(d).toBeCloseTo(150, 9);
  });
});
