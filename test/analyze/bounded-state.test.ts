import { describe, expect, it } from "vitest";
import { Analyzer } from "../../src/analyze/analyzer.js";

describe("the analyzer's memory", () => {
  it("holds only open jobs and recently active requests, however long the log", () => {
    const a = new Analyzer();
    const start = Date.UTC(2025, 8, 29);
    let maxJobs = 0;
    let maxRequests = 0;
    const days = 3;
    const perMinute = 20;
    for (let i = 0; i < days * 24 * 60 * perMinute; i++) {
      const t = start + (i * 60_000) / perMinute;
      const id = String(i);
      a.handle({
        kind: "pop",
        t,
        job: `j${id}`,
        wp: `w${id}`,
        workerId: "x",
        worker: "w",
        ip: "",
        left: 0,
        fake: false,
      });
      if (i % 50 === 0) continue; // never ends: dropped after JOB_MAX_OPEN
      a.handle({ kind: "deliver", t: t + 2_000, job: `j${id}`, wp: `w${id}`, worker: "w", kudos: 1, cancelled: false });
      maxJobs = Math.max(maxJobs, a.openState.jobs);
      maxRequests = Math.max(maxRequests, a.openState.requests);
    }
    a.finish();
    // requests idle for WP_IDLE (65 min) are closed; jobs open for JOB_MAX_OPEN (2 h) are dropped
    expect(maxRequests).toBeLessThan(70 * perMinute);
    expect(maxJobs).toBeLessThan((125 * perMinute) / 50 + 5);
    expect(a.requests).toBe(days * 24 * 60 * perMinute);
    expect(a.unfinished).toBe((days * 24 * 60 * perMinute) / 50);
    expect(a.openState).toEqual({ jobs: 0, requests: 0 });
  });
});
