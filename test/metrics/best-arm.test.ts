import { describe, expect, it } from "vitest";
import { bestArm } from "../../src/metrics/best-arm.js";
import type { ReplicationStats } from "../../src/metrics/replication-stats.js";
import { sweepBestSpec } from "../../src/report/charts/sweep-best.js";
import type { SweepSummary } from "../../src/results/sweep-results.js";
import { bestArms } from "../../src/results/sweep-results.js";

const rep = (p90: number) =>
  ({ user_latency: { mean: p90 / 2, p50: p90 / 3, p90, p99: p90 * 2, max: p90 * 3 } }) as ReplicationStats;
const reps = (xs: number[]) => xs.map(rep);

describe("best arm of one setting on the users' p90", () => {
  it("names the one arm shown lower than every other (paired by replication)", () => {
    const b = bestArm("user_latency_p90_s", [
      { name: "a", reps: reps([100, 120, 90, 110]) },
      { name: "b", reps: reps([60, 81, 49, 72]) },
      { name: "c", reps: reps([100.5, 121, 90.2, 110.1]) },
    ]);
    expect(b.best).toBe("b");
    expect(b.tied).toEqual(["b"]);
    const means = [105, 65.5, (100.5 + 121 + 90.2 + 110.1) / 4];
    b.arms.forEach((a, i) => {
      expect(a.mean).toBeCloseTo(means[i], 9);
    });
  });

  it("calls arms that the replications cannot separate a tie, the lower mean first", () => {
    const b = bestArm("user_latency_p90_s", [
      { name: "a", reps: reps([100, 120, 90, 110]) },
      { name: "b", reps: reps([101, 118, 91, 108]) },
      { name: "c", reps: reps([200, 240, 180, 220]) },
    ]);
    expect(b.best).toBe("b");
    expect(b.tied).toEqual(["b", "a"]);
  });

  it("ties identical arms", () => {
    const b = bestArm("user_latency_p90_s", [
      { name: "a", reps: reps([10, 20, 30]) },
      { name: "b", reps: reps([10, 20, 30]) },
    ]);
    expect(b.tied.length).toBe(2);
  });
});

describe("the robustness map", () => {
  const planned = (index: number, policy: string, load: string, share: string) => ({
    index,
    grid: 0,
    policy,
    values: { load, share },
    label: `${policy} load=${load} share=${share}`,
    choice: [0, 0],
  });
  const cells = [
    planned(0, "a", "0.5", "0"),
    planned(1, "a", "0.5", "0.1"),
    planned(2, "b", "0.5", "0"),
    planned(3, "b", "0.5", "0.1"),
  ];
  const unit = (xs: number[]) => xs.map((x) => ({ stats: rep(x), events: 0 }));
  // share 0: a and b alike; share 0.1: b clearly better
  const byCell = [unit([50, 60, 55]), unit([300, 340, 310]), unit([50.5, 59, 55.2]), unit([100, 130, 105])];
  const best = bestArms(cells, byCell as never);

  it("has one entry per setting, pairing the arms' replications", () => {
    expect(best.filter((b) => b.figure === "user_latency_p90_s").map((b) => [b.values.share, b.tied])).toEqual([
      ["0", ["b", "a"]], // b's mean is 0.1 s lower: listed first, not shown better
      ["0.1", ["b"]],
    ]);
  });

  it("draws a tie grey with the tied arms and a winner in its arm's colour", () => {
    const summary = {
      scenario: { name: "m", sha256: "0" },
      hordesim_version: "0",
      seed: 1,
      replications: 3,
      grids: [
        {
          arms: ["a", "b"],
          params: [
            { path: "load", values: ["0.5"] },
            { path: "share", values: ["0", "0.1"] },
          ],
        },
      ],
      cells: [],
      best,
    } as unknown as SweepSummary;
    const spec = sweepBestSpec(summary, 0) as unknown as { data: { values: Record<string, string>[] } };
    const rows = spec.data.values;
    const tie = rows.find((r) => r.y === "0");
    const win = rows.find((r) => r.y === "0.1");
    expect(tie?.winner).toBe("tie");
    expect(tie?.name).toBe("tie: all 2 arms");
    expect(tie?.fill).toBe("#d9d9d9");
    expect(win?.winner).toBe("b");
    expect(win?.fill).not.toBe("#d9d9d9");
    // b: 100, 130, 105 → mean 111.7, sd 16.07, t(0.975, 2) = 4.303 → ±39.9
    expect(win?.detail).toBe("p90 112 ±39.9 s");
  });
});
