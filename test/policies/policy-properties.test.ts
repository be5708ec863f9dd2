import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run-replication.js";
import type { ReplicationStats } from "../../src/metrics/replication-stats.js";
import { ReplicationAccumulator } from "../../src/metrics/replication-stats.js";
import { summarize } from "../../src/metrics/summary.js";
import { parseScenario } from "../../src/scenario-file/load.js";
import { scenarioYaml, smallScenarioArb } from "../../src/experiment/small-scenarios.js";
import { runs } from "../helpers/fast-check-config.js";
import { simulate } from "../../src/experiment/collect-run.js";

const withArm = (arm: string) =>
  smallScenarioArb.map((s) => ({
    ...s,
    policy: arm,
    groups: s.groups.map((g) => ({ ...g, failure: g.failure ?? { mode: "hang" as const, probability: 0.6 } })),
  }));

describe("reassignment rules (properties over random small scenarios)", () => {
  it("exclude-failed never gives a request to a worker that failed it", () => {
    fc.assert(
      fc.property(withArm("exclude"), fc.integer({ min: 1, max: 10_000 }), (s, seed) => {
        const run = simulate(scenarioYaml(s), { seed });
        const failed = new Map<number, Set<number>>();
        for (const e of run.trace) {
          if (e.kind === "abort" || e.kind === "fault") {
            if (!failed.has(e.a)) failed.set(e.a, new Set());
            failed.get(e.a)?.add(e.c);
          }
          if (e.kind === "pop") expect(failed.get(e.a)?.has(e.c) ?? false).toBe(false);
        }
      }),
      { numRuns: runs(80) },
    );
  });

  it("backoff never lets a worker pop inside its cooldown", () => {
    fc.assert(
      fc.property(withArm("backoff"), fc.integer({ min: 1, max: 10_000 }), (s, seed) => {
        const sc = parseScenario(scenarioYaml(s), "backoff.yaml");
        let pops = 0;
        runReplication({
          scenario: sc,
          arm: sc.policies[0],
          seed,
          replication: 1,
          sink: { request() {}, user() {}, attempt() {}, worker() {}, sample() {} },
          observe: (model) => (t, kind, _a, _b, c) => {
            if (kind !== "pop") return;
            pops++;
            for (const rule of model.policy.rules) {
              if (rule.popAllowedAt) expect(rule.popAllowedAt(model.workers[c], t)).toBeLessThanOrEqual(t);
            }
          },
        });
        expect(pops).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runs(80) },
    );
  });

  it("hedges never exceed their cap of the jobs issued", () => {
    fc.assert(
      fc.property(withArm("hedge"), fc.integer({ min: 1, max: 10_000 }), (s, seed) => {
        const run = simulate(scenarioYaml(s), { seed });
        let jobs = 0;
        let hedges = 0;
        for (const a of run.attempts.sort((x, y) => x.popped_s - y.popped_s || x.job_id - y.job_id)) {
          jobs++;
          if (a.hedge) {
            hedges++;
            // cap 0.3 in the generator: each hedge is issued only while hedges + 1 ≤ 0.3 · jobs issued before it
            expect(hedges).toBeLessThanOrEqual(0.3 * (jobs - 1) + 1e-9);
          }
        }
      }),
      { numRuns: runs(80) },
    );
  });
});

describe("comparisons", () => {
  const yaml = (arms: string[]) =>
    `name: arms
horizon: 1h
replications: 3
arrivals:
  - name: a
    rate: 200/h
    mix: [{ width: 1024, height: 1024, steps: 4, sampler: k_euler }]
workers:
  - { name: good, count: 3, speed: 2 }
  - { name: bad, speed: 2, failures: [{ mode: hang, probability: 0.8, hold: 5s }] }
policies:
${arms.map((a) => `  - ${a}`).join("\n")}
`;

  function statsOf(text: string) {
    const sc = parseScenario(text, "arms.yaml");
    return sc.policies.map((arm) => {
      const reps: ReplicationStats[] = [];
      const attempts: string[] = [];
      for (let r = 1; r <= sc.replications; r++) {
        const acc = new ReplicationAccumulator();
        runReplication({
          scenario: sc,
          arm,
          seed: 5,
          replication: r,
          sink: {
            request: (x) => acc.addRequest(x),
            user: (u) => acc.addUser(u),
            attempt: (a) => {
              acc.addAttempt(a);
              attempts.push(JSON.stringify({ ...a, policy: "" }));
            },
            worker() {},
            sample() {},
          },
        });
        reps.push(acc.finish());
      }
      return { policy: arm.name, reps, attempts };
    });
  }

  it("two identical arms give a paired difference of exactly 0 with the interval [0, 0]", () => {
    const arms = statsOf(yaml(["{ name: a }", "{ name: b }"]));
    const s = summarize(
      { scenario: { name: "x", sha256: "" }, seed: 5, replications: 3, warmup_s: 0, horizon_s: 3600 },
      arms,
    );
    const vs = s.policies[1].vs_baseline;
    expect(vs?.latency_p99_s.diff).toBe(0);
    expect(vs?.latency_p99_s.ci95).toEqual([0, 0]);
    expect(vs?.latency_mean_s.ci95).toEqual([0, 0]);
    expect(vs?.success_rate.diff).toBe(0);
  });

  it("adding an arm never changes the other arms' results", () => {
    const hb = "{ name: x, detector: { rule: heartbeat, interval: 5s, missed: 2 } }";
    const one = statsOf(yaml(["{ name: a }", hb]));
    const two = statsOf(yaml(["{ name: a }", "{ name: extra, reassignment: [pull, exclude-failed] }", hb]));
    expect(two[0].attempts).toEqual(one[0].attempts);
    expect(two[2].attempts).toEqual(one[1].attempts);
  });
});

describe("backoff without jitter (known answer)", () => {
  it("keeps a failing worker from popping for exactly base·2^(n−1) after its n-th failure in a row", () => {
    const run = simulate(`name: backoff
horizon: 3h
replications: 1
server: { sweep: { period: 60s, run_time: 0s } }
arrivals:
  - name: a
    rate: 60/h
    mix: [{ width: 1024, height: 1024, steps: 4, sampler: k_euler }]
workers:
  - { name: bad, speed: 2, slots: 1, failures: [{ mode: hang, probability: 1, hold: 1s }] }
policies:
  - { name: b, reassignment: [pull, { rule: backoff, base: 30s, cap: 240s, jitter: none }] }
`);
    let failures = 0;
    let until = 0;
    let checked = 0;
    for (const e of run.trace) {
      if (e.kind === "abort") {
        failures++;
        until = Math.max(until, e.t + Math.min(240, 30 * 2 ** (failures - 1)));
      }
      if (e.kind === "pop" && failures > 0) {
        expect(e.t).toBeGreaterThanOrEqual(until);
        checked++;
      }
    }
    expect(failures).toBeGreaterThan(5);
    expect(checked).toBeGreaterThan(5);
  });
});
