import { describe, expect, it } from "vitest";
import { ServerReplay } from "../../src/horde/replay.js";
import { createPolicy } from "../../src/policies/registry.js";
import { parseScenario } from "../../src/scenario-file/load.js";

const scenario = parseScenario(
  `
name: replay
horizon: 1h
seed: 1
arrivals:
  - name: users
    times: [0s]
    classes:
      - { name: rich, weight: 1, kudos: 1000, user: rich }
      - { name: poor, weight: 1, kudos: 10, user: poor }
    mix:
      - { width: 512, height: 512, steps: 30, sampler: k_euler, model: stable_diffusion, kudos: 10 }
workers:
  - name: w
    count: 2
    models: [stable_diffusion]
    max_pixels: 262144
    speed: 1
`,
  "replay.yaml",
);
const make = () => new ServerReplay(scenario, (ctx) => createPolicy(scenario.policies[0], ctx));
const template = scenario.arrivals[0].mix[0];
/** A pop the rules must allow. */
function popped(r: ServerReplay, worker: number, request: number, t: number): { job: number; ttl: number } {
  const p = r.pop(worker, request, t);
  if (p === null) throw new Error(`request ${request} had nothing to hand out at ${t}`);
  return p;
}

describe("ServerReplay: hordesim's server rules driven by logged actions", () => {
  it("hands out the higher-priority request first, then by age, and nothing once all are popped", () => {
    const r = make();
    const poor = r.submit(0, template, "users", 10);
    const rich = r.submit(1, template, "users", 1000);
    expect(r.candidate(0, 2)).toBe(rich);
    r.pop(0, rich, 2);
    expect(r.candidate(1, 3)).toBe(poor);
    r.pop(1, poor, 3);
    expect(r.candidate(0, 4)).toBeNull();
  });

  it("gives a 512² 30-step job the 150 s floor TTL and aborts it in the first sweep strictly after pop + TTL", () => {
    const r = make();
    const id = r.submit(0, template, "users", 10);
    const { job, ttl } = popped(r, 0, id, 10);
    expect(ttl).toBe(150);
    expect(r.sweep(160).filter((e) => e.kind === "abort")).toHaveLength(0);
    expect(r.sweep(160.001).map((e) => e.kind)).toContain("abort");
    expect(r.job(job).open).toBe(false);
    expect(r.remaining(id)).toBe(1);
    expect(r.candidate(1, 161)).toBe(id);
  });

  it("faults a request in the sweep that counts its third aborted job, and refuses a late result", () => {
    const r = make();
    const id = r.submit(0, template, "users", 10);
    let t = 0;
    let first = -1;
    for (let strike = 1; strike <= 3; strike++) {
      const { job } = popped(r, 0, id, t + 1);
      if (first < 0) first = job;
      t += 200;
      const kinds = r.sweep(t).map((e) => e.kind);
      expect(kinds.includes("request_faulted")).toBe(strike === 3);
    }
    expect(r.candidate(1, t + 1)).toBeNull();
    expect(r.pop(1, id, t + 1)).toBeNull();
    expect(r.deliver(first, t + 2)).toBe(false);
  });

  it("puts a worker in maintenance at its 21st abort within the hour", () => {
    const r = make();
    let t = 0;
    for (let i = 1; i <= 21; i++) {
      const id = r.submit(t, template, "users", 10);
      r.pop(0, id, t);
      t += 151;
      r.sweep(t);
      expect(r.inMaintenance(0)).toBe(i === 21);
    }
    // The aborted requests wait again: the other worker may take them, the one in maintenance may not.
    expect(r.candidate(0, t + 1)).toBeNull();
    expect(r.candidate(1, t + 1)).not.toBeNull();
  });
});
