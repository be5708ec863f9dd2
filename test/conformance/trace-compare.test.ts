import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../../src/conformance/events.js";
import { planRun } from "../../src/conformance/plan.js";
import type { ConformanceResult } from "../../src/conformance/result-files.js";
import { compareTrace, formatTraceComparison, serverFaultingSweeps } from "../../src/conformance/trace-compare.js";
import { ServerReplay } from "../../src/horde/replay.js";
import { createPolicy } from "../../src/policies/registry.js";
import { parseScenario } from "../../src/scenario-file/load.js";

const scenario = parseScenario(
  `
name: trace
horizon: 10m
seed: 1
arrivals:
  - name: users
    times: [0s]
    mix:
      - { width: 512, height: 512, steps: 30, sampler: k_euler, model: stable_diffusion, kudos: 10 }
workers:
  - name: w
    count: 2
    models: [stable_diffusion]
    max_pixels: 262144
    speed: 1
`,
  "trace.yaml",
);
const plan = planRun(scenario);
const WP = "aaaaaaaa-0000-0000-0000-000000000000";
const JOB1 = "bbbbbbbb-0000-0000-0000-000000000001";
const JOB2 = "bbbbbbbb-0000-0000-0000-000000000002";
const server = (t: number, text: string): LoggedEvent => ({ ev: "server", t, line: `INFO | x | m:f:1 - ${text}` });
const sweep = (t: number, aborted: string[]): LoggedEvent[] => [
  server(t, "Pruned 0 expired Waiting Prompts"),
  ...aborted.map((j) => server(t + 0.05, `Aborted Stale Generation ${j} of wp ${WP} (512x512x30) from by worker: w`)),
  server(t + 0.1, "Found 0 New faulted WPs"),
  server(t + 0.11, "Pruned 0 expired Waiting Prompts"),
  server(t + 0.12, "Found 0 New faulted WPs"),
];

/** A request popped by worker 0 that hangs, aborted in the sweep at `abortSweep`, re-popped and delivered by worker 1. */
function fixture(abortSweep: number, serverAborts: boolean): ConformanceResult {
  const w = (i: number) => plan.workers[i].index;
  const events: LoggedEvent[] = [
    { ev: "start", epoch_ms: 0, scenario: "trace", minutes: 10 },
    {
      ev: "submit",
      t0: 0.4,
      t1: 1,
      req: 0,
      arrival: 0,
      resubmission: 0,
      user: "anon",
      kudos: 10,
      stream: "users",
      wp: WP,
    },
    server(0.9, `New txt2img prompt with ID ${WP} by x`),
    { ev: "pop", t0: 2, t1: 2.2, worker: w(0), job: JOB1, req: 0, ttl: 150, status: 200 },
    { ev: "pop", t0: 3, t1: 3.1, worker: w(1), job: null, req: null, ttl: null, status: 200 },
    ...sweep(100, []),
    ...sweep(abortSweep, serverAborts ? [JOB1] : []),
    {
      ev: "check",
      t0: 161,
      t1: 161.2,
      prev: 159,
      wp: WP,
      waiting: 1,
      processing: 0,
      restarted: 1,
      finished: 0,
      done: false,
      faulted: false,
    },
    { ev: "pop", t0: 162, t1: 162.2, worker: w(1), job: JOB2, req: 0, ttl: 150, status: 200 },
    { ev: "result", t0: 170, t1: 170.2, worker: w(1), job: JOB2, state: "ok", status: 200 },
    { ev: "end", t: 200 },
  ];
  const job = (id: string, worker: string, start: number, delivered: boolean) => ({
    id,
    wp: WP,
    worker,
    start,
    ttl: 150,
    faulted: !delivered,
    delivered,
  });
  return {
    events,
    epochMs: 0,
    jobs: [job(JOB1, plan.workers[0].name, 2.1, false), job(JOB2, plan.workers[1].name, 162.1, true)],
    requests: [{ id: WP, created: 0.5, req: 0, faulted: false }],
    maintenance: new Map(plan.workers.map((x) => [x.name, false])),
  };
}
const compare = (r: ConformanceResult) =>
  compareTrace(
    r,
    plan.submissions,
    plan.workers,
    new ServerReplay(scenario, (c) => createPolicy(scenario.policies[0], c)),
    scenario.server.max_faulted_jobs,
  );

describe("trace conformance: the server's decisions against hordesim's rules replayed", () => {
  it("agrees on every decision of a faithful log: pops, TTLs, the abort, n after it, the result, maintenance", () => {
    const c = compare(fixture(160, true));
    expect(c.decisions.map((d) => [d.kind, d.verdict])).toEqual([
      ["pop", "agree"],
      ["ttl", "agree"],
      ["pop", "agree"],
      ["abort", "agree"],
      ["n_after_abort", "agree"],
      ["pop", "agree"],
      ["ttl", "agree"],
      ["result", "agree"],
      ["maintenance", "agree"],
      ["maintenance", "agree"],
    ]);
    expect(formatTraceComparison(c)).toMatch(/^decisions agreeing: 10 of 10 \(0 disagreeing, 0 undecided/);
  });

  it("reports a sweep that kept a job hordesim aborts, with time, entity and both answers", () => {
    const c = compare(fixture(160, false));
    const abort = c.decisions.find((d) => d.kind === "abort");
    expect(abort).toMatchObject({ t: 160, server: "kept", hordesim: "aborted", verdict: "disagree" });
    expect(formatTraceComparison(c)).toContain(
      "t=160.00 s  abort  job bbbbbbbb (popped 2.10 s, ttl 150): server kept, hordesim aborted",
    );
  });

  it("calls undecided a job whose deadline falls within the sweep's own run", () => {
    // Deadline 2.1 + 150 = 152.1, the sweep runs from 152.05 to 152.15: the server aborted, hordesim (at 152.05) not.
    const c = compare(fixture(152.05, true));
    expect(c.decisions.find((d) => d.kind === "abort")?.verdict).toBe("undecided");
  });
});

describe("which sweep faulted a request, when the log only counts them", () => {
  const J = (i: number) => `cccccccc-0000-0000-0000-00000000000${i}`;
  const sweepAt = (t: number, aborted: string[], faultedCount: number) => ({
    t,
    end: t + 0.1,
    expired: 0,
    aborted,
    faultedCount,
    faulted: [],
  });
  const result = (faulted: boolean): ConformanceResult => ({
    events: [],
    epochMs: 0,
    jobs: [1, 2, 3].map((i) => ({
      id: J(i),
      wp: WP,
      worker: "w",
      start: i * 100,
      ttl: 150,
      faulted: true,
      delivered: false,
    })),
    requests: [{ id: WP, created: 0, req: 0, faulted }],
    maintenance: new Map(),
  });

  it("is the sweep that aborted its third faulted job, if that sweep counted one", () => {
    const sweeps = [sweepAt(260, [J(1)], 0), sweepAt(380, [J(2)], 0), sweepAt(500, [J(3)], 1)];
    expect(serverFaultingSweeps(result(true), sweeps, new Set(), 2).get(WP)).toBe(sweeps[2]);
  });

  it("is none when that sweep counted no faulted request, or the database says it was not faulted", () => {
    const sweeps = [sweepAt(260, [J(1)], 0), sweepAt(380, [J(2)], 0), sweepAt(500, [J(3)], 0)];
    expect(serverFaultingSweeps(result(true), sweeps, new Set(), 2).size).toBe(0);
    sweeps[2].faultedCount = 1;
    expect(serverFaultingSweeps(result(false), sweeps, new Set(), 2).size).toBe(0);
  });
});
