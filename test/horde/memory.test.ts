import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HordeModel } from "../../src/horde/model.js";
import type { TraceEvent } from "../../src/horde/trace.js";
import { createPolicy } from "../../src/policies/registry.js";
import type { Scenario } from "../../src/scenario/types.js";
import { loadScenarioFile, parseScenario } from "../../src/scenario-file/load.js";
import { scenarioYaml, smallScenarioArb } from "../../src/experiment/small-scenarios.js";
import { runs } from "../helpers/fast-check-config.js";

// The model lets go of a request or job once it has ended and nothing can refer to it any more (issue 6,
// item 5: a 1 M-request day otherwise keeps ~800 MB of ended entities). These tests check that it does, that
// the slots it empties are never needed (every record and every event is the same as when it keeps them all),
// and that an observer always finds the entities an event names while it is told of it.

interface Run {
  model: HordeModel;
  out: [string, unknown][];
  trace: TraceEvent[];
  /** Entities the model held, sampled at every queue sample (every sample_interval). */
  peaks: { requests: number; jobs: number };
  /** Events at which the observer did not find the request or job the event names. */
  missing: string[];
}

function run(sc: Scenario, retainEnded: boolean, seed = sc.seed, arm = sc.policies[0]): Run {
  const out: [string, unknown][] = [];
  const trace: TraceEvent[] = [];
  const missing: string[] = [];
  const peaks = { requests: 0, jobs: 0 };
  const model: HordeModel = new HordeModel({
    scenario: sc,
    policy: (ctx) => createPolicy(arm, ctx),
    replication: 1,
    seed,
    retainEnded,
    sink: {
      request: (r) => out.push(["request", r]),
      user: (u) => out.push(["user", u]),
      attempt: (a) => out.push(["attempt", a]),
      worker: (w) => out.push(["worker", w]),
      sample: (s) => {
        out.push(["sample", s]);
        peaks.requests = Math.max(peaks.requests, model.liveRequests);
        peaks.jobs = Math.max(peaks.jobs, model.liveJobs);
      },
    },
    trace: (t, kind, a, b, c) => {
      trace.push({ t, kind, a, b, c });
      const names = kind !== "maintenance" && kind !== "offline" && kind !== "online" && kind !== "pause";
      if (names && model.requests[a] === undefined) missing.push(`${kind} at ${t}: request ${a}`);
      if (b >= 0 && model.jobs[b] === undefined) missing.push(`${kind} at ${t}: job ${b}`);
    },
  });
  model.run();
  return { model, out, trace, peaks, missing };
}

/** Slots of `requests` / `jobs` still filled. */
function held(model: HordeModel): { requests: number; jobs: number } {
  return {
    requests: model.requests.filter((r) => r !== undefined).length,
    jobs: model.jobs.filter((j) => j !== undefined).length,
  };
}

describe("ended requests and jobs are let go of during a run", () => {
  it("changes no record and no event, under every policy, resubmissions included", () => {
    fc.assert(
      fc.property(smallScenarioArb, fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (s, seed, resubmit) => {
        const sc = parseScenario(scenarioYaml(s), "test.yaml");
        if (resubmit) sc.client.resubmit = { max: 2, delay: { kind: "constant", value: 20 } };
        const kept = run(sc, true, seed);
        const freed = run(sc, false, seed);
        expect(freed.trace).toEqual(kept.trace);
        expect(freed.out).toEqual(kept.out);
        expect(freed.missing).toEqual([]);
        expect(freed.model.requests.length).toBe(kept.model.requests.length);
        expect(freed.model.jobs.length).toBe(kept.model.jobs.length);
        expect(held(freed.model)).toEqual({ requests: freed.model.liveRequests, jobs: freed.model.liveJobs });
        expect(held(kept.model)).toEqual({ requests: kept.model.requests.length, jobs: kept.model.jobs.length });
      }),
      { numRuns: runs(150) },
    );
  });

  it("holds a bounded number of entities however many requests a run submits", () => {
    // The incident day under today's rules (hanging workers, aborts, strikes, resubmissions, expiry) and
    // under hedging (twins), each ~26,000 requests: what is held at any sample stays far below that (about
    // 20 requests and jobs here; keeping them all would hold every one of them).
    const sc = loadScenarioFile("scenarios/incident-2025-09-29.yaml");
    sc.sample_interval = 600;
    for (const name of ["horde", "hedge"]) {
      const arm = sc.policies.find((p) => p.name === name);
      if (arm === undefined) throw new Error(`no arm ${name}`);
      const r = run(sc, false, 1, arm);
      const submitted = r.model.requests.length;
      expect(submitted).toBeGreaterThan(15_000);
      expect(r.missing).toEqual([]);
      expect(r.peaks.requests).toBeLessThan(submitted / 100);
      expect(r.peaks.jobs).toBeLessThan(r.model.jobs.length / 100);
      expect(held(r.model)).toEqual({ requests: r.model.liveRequests, jobs: r.model.liveJobs });
      const open = r.out.filter(([k, rec]) => k === "request" && (rec as { outcome: string }).outcome === "open");
      // At the end only what is still open (and what ended in the last event) is held.
      expect(r.model.liveRequests).toBeLessThanOrEqual(open.length + 5);
    }
  });
});
