// Users who give up: the client cancels the request as DELETE /v2/generate/status/{id} does (AI-Horde
// ImageAsyncStatus.delete: n = 0, jobs = finished, nothing else), and the outcome is abandoned.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/experiment/collect-run.js";
import { ReplicationAccumulator } from "../../src/metrics/replication-stats.js";
import type { Scenario } from "../../src/scenario/types.js";
import { parseScenario } from "../../src/scenario-file/load.js";

function scenario(worker: string, times: number[], patience = "30s"): Scenario {
  const sc = parseScenario(
    `
name: unit
horizon: 1h
replications: 1
server:
  maintenance: { enabled: false }
  sweep: { period: 60s, run_time: 0s, per_job: 0s, per_abort: 0s }
arrivals:
  - name: a
    rate: 1/h
    mix: [{ width: 512, height: 512, steps: 20, sampler: k_euler }]
    classes: [{ name: impatient, patience: ${patience} }]
workers:
  - name: w
    slots: 1
    speed: 1
    jitter: 0
    overhead: 1s
    poll_interval: 0s
    pop_round_trip: 0s
${worker}
`,
    "unit.yaml",
  );
  sc.arrivals[0].times = times;
  return sc;
}

describe("a user who gives up", () => {
  it("cancels a request still waiting at its patience: abandoned then, never popped after", () => {
    // One slot, held by a 600 s job from t = 0: the request of t = 10 waits, and its user leaves at 40.
    const run = simulate(scenario("    failures: [{ mode: slow, probability: 1, multiplier: 100 }]", [0, 10], "30s"));
    const r = run.requests.find((q) => q.submitted_s === 10);
    expect(r?.outcome).toBe("abandoned");
    expect(r?.done_s).toBe(40);
    expect(r?.latency_s).toBe(30);
    expect(run.attempts.filter((a) => a.request_id === r?.request_id)).toHaveLength(0);
    expect(run.trace.filter((e) => e.kind === "abandon")).toHaveLength(2);
  });

  it("leaves its job in flight to run on and be delivered (and paid): the worker completed it", () => {
    // 512²×20 at 1 MPS/s + 1 s = 6.24 s; the user leaves after 3 s.
    const run = simulate(scenario("", [0], "3s"));
    expect(run.requests[0].outcome).toBe("abandoned");
    expect(run.requests[0].done_s).toBe(3);
    expect(run.attempts.map((a) => a.end)).toEqual(["completed"]);
    expect(run.workers[0].completed).toBe(1);
  });

  it("a hung job of a cancelled request is aborted by the sweep and sends the request out again (n += 1)", () => {
    const run = simulate(scenario("    failures: [{ mode: hang, probability: 1, hold: 5s }]", [0], "10s"));
    expect(run.requests[0].outcome).toBe("abandoned");
    const attempts = run.attempts.filter((a) => a.request_id === 0);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts[0].end).toBe("stale_abort");
    // and only one record per request, written when the user left
    expect(run.requests.filter((q) => q.request_id === 0)).toHaveLength(1);
  });

  it("counts as a failure in the statistics", () => {
    const run = simulate(scenario("    failures: [{ mode: slow, probability: 1, multiplier: 100 }]", [0, 10], "30s"));
    const acc = new ReplicationAccumulator();
    for (const r of run.requests) acc.addRequest(r);
    for (const u of run.users) acc.addUser(u);
    const stats = acc.finish();
    expect(stats.abandoned).toBe(2);
    expect(stats.success_rate).toBe(0);
    expect(stats.user_success_rate).toBe(0);
  });
});
