import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/scenario/types.js";
import { parseScenario } from "../../src/scenario-file/load.js";
import { simulate } from "../../src/experiment/collect-run.js";

/** One request at the given times, one worker group; everything else the real server's defaults. */
function scenario(
  worker: string,
  opts: { times: number[]; request?: string; server?: string; horizon?: string },
): Scenario {
  const text = `
name: unit
horizon: ${opts.horizon ?? "3h"}
replications: 1
server:
${opts.server ?? "  sweep: { period: 60s, run_time: 0s }"}
arrivals:
  - name: a
    rate: 1/h
    mix:
      - { ${opts.request ?? "width: 1024, height: 1024"}, steps: 4, sampler: k_euler, user: alice }
workers:
  - name: w
    max_pixels: 1048576
    speed: 2
    overhead: 1s
${worker}
`;
  const sc = parseScenario(text, "unit.yaml");
  sc.arrivals[0].times = opts.times;
  return sc;
}

const ALWAYS_HANGS = "    failures: [{ mode: hang, probability: 1, hold: 5s }]";

describe("the incident: three stale aborts, then the request is faulted (docs/model.md §8)", () => {
  const run = simulate(scenario(ALWAYS_HANGS, { times: [10] }));
  const attempts = run.attempts.filter((a) => a.request_id === 0).sort((a, b) => a.attempt - b.attempt);

  it("re-queues after each abort (n += 1) and gives the request back to the same worker", () => {
    expect(attempts.map((a) => a.end)).toEqual(["stale_abort", "stale_abort", "stale_abort"]);
    expect(new Set(attempts.map((a) => a.worker_name))).toEqual(new Set(["w"]));
  });

  it("aborts each job strictly after its 150 s TTL, within one sweep period", () => {
    for (const a of attempts) {
      expect(a.ttl_s).toBe(150);
      expect(a.ended_s - a.popped_s).toBeGreaterThan(150);
      expect(a.ended_s - a.popped_s).toBeLessThanOrEqual(210);
    }
  });

  it("faults the request in the sweep of the third abort, about 9 minutes after the first pop", () => {
    const r = run.requests.find((q) => q.request_id === 0);
    expect(r?.outcome).toBe("faulted");
    expect(r?.done_s).toBe(attempts[2].ended_s);
    const span = attempts[2].ended_s - attempts[0].popped_s;
    expect(span).toBeGreaterThan(3 * 150);
    expect(span).toBeLessThanOrEqual(3 * 210);
  });

  it("never pops the request again once it is faulted", () => {
    const faultedAt = run.trace.find((e) => e.kind === "request_faulted" && e.a === 0)?.t ?? Number.NaN;
    expect(Number.isFinite(faultedAt)).toBe(true);
    expect(run.trace.filter((e) => e.kind === "pop" && e.a === 0 && e.t >= faultedAt)).toHaveLength(0);
  });
});

describe("request expiry (20 min, refreshed on pop)", () => {
  it("deletes a request no worker can take at the first sweep after 20 minutes", () => {
    const run = simulate(scenario("", { times: [10], request: "width: 2048, height: 2048" }));
    const r = run.requests[0];
    expect(r.outcome).toBe("expired");
    expect(r.done_s - 10).toBeGreaterThan(1200);
    expect(r.done_s - 10).toBeLessThanOrEqual(1260);
  });

  it("counts the 20 minutes from the last pop, not from the submission", () => {
    // The worker is offline for the first 10 minutes, then pops, hangs and holds its only slot for a day:
    // one pop at ~600 s, one abort, and nobody can take the request again.
    const run = simulate(
      scenario(
        "    slots: 1\n    flapping: { period: 1d, down: 600s, phase: 0s }\n    failures: [{ mode: hang, probability: 1, hold: 1d }]",
        { times: [10] },
      ),
    );
    const pop = run.attempts[0].popped_s;
    expect(pop).toBeGreaterThan(600);
    expect(run.attempts).toHaveLength(1);
    expect(run.requests[0].outcome).toBe("expired");
    expect(run.requests[0].done_s - pop).toBeGreaterThan(1200);
    expect(run.requests[0].done_s - pop).toBeLessThanOrEqual(1260);
  });

  it("gives 60 minutes after a pop by an extra-slow worker, and a TTL three times longer", () => {
    const run = simulate(
      scenario("    slots: 1\n    extra_slow_worker: true\n    failures: [{ mode: hang, probability: 1, hold: 1d }]", {
        times: [10],
        request: "width: 1024, height: 1024, extra_slow_workers: true",
      }),
    );
    const a = run.attempts[0];
    expect(a.ttl_s).toBe(450);
    expect(run.requests[0].done_s - a.popped_s).toBeGreaterThan(3600);
    expect(run.requests[0].done_s - a.popped_s).toBeLessThanOrEqual(3660);
  });
});

describe("a fault reported by the worker (docs/model.md §3.5)", () => {
  it("re-queues only while finished < jobs: an n = 1 request gets exactly two attempts", () => {
    const run = simulate(scenario("    failures: [{ mode: fault, probability: 1, delay: 5s }]", { times: [10] }));
    expect(run.attempts.map((a) => a.end)).toEqual(["reported_fault", "reported_fault"]);
    expect(run.requests[0].images_delivered).toBe(0);
    expect(run.requests[0].outcome).toBe("faulted");
    expect(run.workers[0].reported_faults).toBe(2);
  });
});

describe("maintenance on the 21st abort in the worker's tumbling hour", () => {
  const times = Array.from({ length: 200 }, (_, i) => 10 + i * 15);
  const run = simulate(scenario(ALWAYS_HANGS, { times, horizon: "2h" }));
  const aborts = run.trace.filter((e) => e.kind === "abort");
  const maintenance = run.trace.findIndex((e) => e.kind === "maintenance");

  it("enters maintenance exactly at the 21st abort", () => {
    expect(aborts.length).toBeGreaterThan(21);
    expect(maintenance).toBeGreaterThan(-1);
    const before = run.trace.slice(0, maintenance).filter((e) => e.kind === "abort");
    expect(before).toHaveLength(21);
    expect(run.trace[maintenance].t).toBe(aborts[20].t);
    expect(run.workers[0].maintenance_entries).toBe(1);
  });

  it("pops no other user's request once in maintenance", () => {
    const t = run.trace[maintenance].t;
    expect(run.trace.filter((e) => e.kind === "pop" && e.t > t)).toHaveLength(0);
  });
});

describe("the sweep aborts strictly after the TTL (now − pop > ttl)", () => {
  // Instant polling pops at t = 0; sweeps at 30, 90, 150, 210 s: at 150 s the job is exactly 150 s old.
  const run = simulate(
    scenario(
      "    poll_interval: 0s\n    pop_round_trip: 0s\n    failures: [{ mode: hang, probability: 1, hold: 1s }]",
      {
        times: [0],
        server: "  sweep: { period: 60s, run_time: 0s, per_job: 0s, per_abort: 0s, phase: 30s }",
      },
    ),
  );

  it("leaves a job that is exactly TTL old for the next sweep", () => {
    expect(run.attempts[0].popped_s).toBe(0);
    expect(run.attempts[0].ended_s).toBe(210);
  });

  it("gives the re-queued request to the next poller at once", () => {
    expect(run.attempts[1].popped_s).toBe(210);
  });
});
