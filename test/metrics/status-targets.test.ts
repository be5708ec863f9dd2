import { describe, expect, it } from "vitest";
import type { QueueSample } from "../../src/horde/record-types.js";
import {
  compareTargets,
  formatTargetTable,
  relativeDifference,
  StatusAverager,
} from "../../src/metrics/status-targets.js";

function sample(t_s: number, queued_requests: number, queued_mps: number, delivered_mps: number): QueueSample {
  return { policy: "p", replication: 1, t_s, queued: 0, in_flight: 0, queued_requests, queued_mps, delivered_mps };
}

describe("time-averages of the samples after the warm-up", () => {
  it("averages the samples at or after the warm-up, delivered MPS per second", () => {
    const a = new StatusAverager(100);
    a.add(sample(0, 1000, 1000, 6000)); // before the warm-up: left out
    a.add(sample(50, 1000, 1000, 6000));
    a.add(sample(100, 10, 100, 600));
    a.add(sample(150, 20, 300, 1200));
    expect(a.finish()).toEqual({ queued_requests: 15, queued_mps: 200, delivered_mps_per_s: 15 });
  });

  it("is NaN with no sample after the warm-up", () => {
    const a = new StatusAverager(100);
    a.add(sample(10, 1, 1, 1));
    const f = a.finish();
    expect(f.queued_requests).toBeNaN();
    expect(f.delivered_mps_per_s).toBeNaN();
  });
});

describe("simulated vs snapshot", () => {
  const reps = [
    { queued_requests: 390, queued_mps: 4000, delivered_mps_per_s: 8 },
    { queued_requests: 410, queued_mps: 4200, delivered_mps_per_s: 9 },
    { queued_requests: 400, queued_mps: 4100, delivered_mps_per_s: 10 },
  ];

  it("gives each named figure's mean, t interval and relative difference; unnamed figures are left out", () => {
    const c = compareTargets({ source: "snap.json", queued_requests: 395, delivered_mps_per_s: 10 }, [
      { policy: "horde", reps },
    ]);
    expect(c.source).toBe("snap.json");
    const [queued, delivered] = c.policies[0].figures;
    expect(c.policies[0].figures.map((f) => f.figure)).toEqual(["queued_requests", "delivered_mps_per_s"]);
    expect(queued.simulated.mean).toBe(400);
    // sd 10, n 3: half-width t(0.975, 2) × 10 / √3 = 4.302653 × 5.773503 = 24.8414
    expect(queued.simulated.ci95?.[1]).toBeCloseTo(424.8414, 3);
    expect(queued.relative_diff).toBeCloseTo(5 / 395, 12);
    expect(delivered.relative_diff).toBeCloseTo(-0.1, 12);
  });

  it("has no relative difference against a zero target or without a simulated figure", () => {
    expect(relativeDifference(3, 0)).toBeNull();
    expect(relativeDifference(null, 5)).toBeNull();
    expect(relativeDifference(Number.NaN, 5)).toBeNull();
  });

  it("prints the snapshot's row first, then every arm in order", () => {
    const c = compareTargets(
      { source: "snap.json", queued_requests: 395, queued_mps: 4063, delivered_mps_per_s: 8.867 },
      [
        { policy: "horde", reps },
        { policy: "hedge", reps: reps.slice(0, 1) },
      ],
    );
    const lines = formatTargetTable(c, 3).split("\n");
    expect(lines[0]).toContain("snap.json");
    expect(lines[2]).toMatch(/queued requests\s+queued MPS\s+delivered MPS\/s/);
    expect(lines[3]).toMatch(/^snapshot\s+395\s+4063\s+8\.867$/);
    expect(lines[4]).toMatch(/^horde\s+400 \[375\.2, 424\.8\] \+1\.3 %/);
    // one replication: no interval
    expect(lines[5]).toMatch(/^hedge\s+390 −1\.3 %\s+4000 −1\.6 %\s+8 −9\.8 %$/);
  });
});
