// The worker's pop loop as reGen runs it (process_manager.py: _api_call_loop, api_job_pop) and the sweep's
// run time: known answers worked out from the rules, not from the program's output.
import { describe, expect, it } from "vitest";
import { Worker } from "../../src/horde/worker.js";
import type { Scenario } from "../../src/scenario/types.js";
import { parseScenario } from "../../src/scenario-file/load.js";
import { manualGroup as workerGroup } from "../helpers/manual-scenario.js";
import { simulate } from "../../src/experiment/collect-run.js";

function scenario(worker: string, opts: { times: number[]; server?: string; steps?: number }): Scenario {
  const sc = parseScenario(
    `
name: unit
horizon: 2h
replications: 1
server:
${opts.server ?? "  maintenance: { enabled: false }"}
arrivals:
  - name: a
    rate: 1/h
    mix: [{ width: 512, height: 512, steps: ${opts.steps ?? 20}, sampler: k_euler }]
workers:
  - name: w
    slots: 1
    speed: 1
    jitter: 0
    overhead: 1s
${worker}
`,
    "unit.yaml",
  );
  sc.arrivals[0].times = opts.times;
  return sc;
}

describe("the pop loop", () => {
  // 512² × 20 steps = 5.24288 MPS at 1 MPS/s, plus 1 s overhead: every job takes 6.24288 s.
  const run = simulate(scenario("    poll_interval: 1s\n    pop_round_trip: 0.7s", { times: [100, 101] }));
  const [first, second] = [...run.attempts].sort((a, b) => a.popped_s - b.popped_s);

  it("answers a pop one round trip after it is sent; the next is sent at the first turn after the slot frees", () => {
    const end = first.popped_s + (512 * 512 * 20) / 1e6 + 1;
    expect(run.requests.find((r) => r.request_id === first.request_id)?.done_s).toBeCloseTo(end, 9);
    // The loop turns every second after the first answer; the second pop is sent at the first turn at or
    // after the first job's end, and answered 0.7 s later.
    const sent = second.popped_s - 0.7;
    const turns = sent - first.popped_s;
    expect(Math.abs(turns - Math.round(turns))).toBeLessThan(1e-9);
    expect(sent).toBeGreaterThanOrEqual(end - 1e-9);
    expect(sent).toBeLessThan(end + 1);
  });

  it("an idle worker's empty pops come every sleep + round trip: it answers the first pop within one period", () => {
    expect(first.popped_s).toBeGreaterThanOrEqual(100);
    expect(first.popped_s).toBeLessThan(101.7);
  });

  it("after an API error the pops are at least error_poll_interval apart, on the loop's turns", () => {
    const g = workerGroup({ poll_interval: 1, error_poll_interval: 5 });
    const w = (trip: number) => new Worker(0, "w", g, 1, 0, trip, 20);
    const busy = w(0.7);
    busy.errorPolling = true;
    expect(busy.idlePeriod).toBeCloseTo(0.7 + 5, 12);
    const slow = w(2.5);
    slow.errorPolling = true;
    expect(slow.idlePeriod).toBeCloseTo(2.5 + 3, 12);
    const instant = new Worker(0, "w", workerGroup({ poll_interval: 0, error_poll_interval: 5 }), 1, 0, 0.7, 20);
    instant.errorPolling = true;
    expect(instant.idlePeriod).toBe(5);
    expect(w(0.7).idlePeriod).toBeCloseTo(1.7, 12);
  });
});

describe("the pause after 3 consecutive failed jobs the worker knows of (reGen, > 180 s)", () => {
  const times = Array.from({ length: 40 }, (_, i) => 10 + i * 5);

  it("pauses at the third reported fault and pops nothing for 182 s (the turn that resumes sends nothing)", () => {
    const run = simulate(
      scenario(
        "    poll_interval: 1s\n    pop_round_trip: 0s\n    failures: [{ mode: fault, probability: 1, delay: 2s }]",
        {
          times,
        },
      ),
    );
    const pauses = run.trace.filter((e) => e.kind === "pause");
    expect(pauses.length).toBeGreaterThan(0);
    const faults = run.trace.filter((e) => e.kind === "fault");
    expect(pauses[0].t).toBe(faults[2].t);
    const next = run.trace.find((e) => e.kind === "pop" && e.t > pauses[0].t);
    expect(next).toBeDefined();
    expect((next?.t ?? 0) - pauses[0].t).toBeGreaterThanOrEqual(182);
    expect((next?.t ?? 0) - pauses[0].t).toBeLessThan(183);
  });

  it("does not count jobs it lost without knowing (a hang)", () => {
    const run = simulate(
      scenario("    pop_round_trip: 0s\n    failures: [{ mode: hang, probability: 1, hold: 5s }]", { times }),
    );
    expect(run.trace.filter((e) => e.kind === "abort").length).toBeGreaterThan(3);
    expect(run.trace.filter((e) => e.kind === "pause")).toHaveLength(0);
  });
});

describe("the sweep's run time", () => {
  it("is run_time + per_job·open + per_abort·aborts; aborts land at its end, the next run a period later", () => {
    // One hung job popped at 0 (TTL 150). Runs start at 30 (1 job: ends 31), 91 (ends 92), 152: the job is
    // stale, the run takes 1 + 2 = 3 s and aborts it at 155.
    const run = simulate(
      scenario(
        "    poll_interval: 0s\n    pop_round_trip: 0s\n    failures: [{ mode: hang, probability: 1, hold: 1h }]",
        {
          times: [0],
          server:
            "  maintenance: { enabled: false }\n  sweep: { period: 60s, run_time: 0s, per_job: 1s, per_abort: 2s, phase: 30s }",
        },
      ),
    );
    const a = run.attempts.find((x) => x.attempt === 1);
    expect(a?.popped_s).toBe(0);
    expect(a?.end).toBe("stale_abort");
    expect(a?.ended_s).toBe(155);
  });
});
