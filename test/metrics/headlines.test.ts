import { describe, expect, it } from "vitest";
import { armEffects, formatHeadlines, headlines, signedSeconds } from "../../src/metrics/headlines.js";
import type { ArmPairedEstimate } from "../../src/metrics/paired-collector.js";
import type { ReplicationStats } from "../../src/metrics/replication-stats.js";
import { decide } from "../../src/metrics/verdict.js";
import { userStats } from "../helpers/replication-stats.js";

/** Four replications: user latencies, failed requests and wasted GPU-s per replication. */
function reps(latency: number[], failed: number[], gpu: number[], usersFailed = [0, 0, 0, 0]): ReplicationStats[] {
  return latency.map((l, r) => ({
    ...userStats(l),
    faulted: failed[r],
    wasted_gpu_s: gpu[r],
    users_failed: usersFailed[r],
  }));
}

/** A paired estimate with the given per-replication hit counts and a mean and interval as given. */
function paired(mean: number, ci95: [number, number], hit: number[]): ArmPairedEstimate {
  return {
    replications: hit.map((h) => ({
      hit: h,
      pairs: h,
      baseline_failed: 0,
      arm_failed: 0,
      mean_difference: mean,
      baseline_mean: 200,
      arm_mean: 200 + mean,
      unpaired_difference: mean,
    })),
    n: hit.length,
    mean,
    ci95,
    sd: 1,
    pooled: mean,
    dominance: null,
    replication_numbers: hit.map((_, r) => r + 1),
  };
}

const base = reps([20, 21, 19, 22], [1, 0, 1, 1], [0, 0, 0, 0]);

describe("an arm's effects against the baseline, in words", () => {
  it("says the hit requests' saving with its share, a harm in failed requests recovered by resubmission, no extra GPU time", () => {
    // 100 requests a replication (userStats), 1 hit each: 1 % of requests
    const arm = reps([20, 21, 19, 22], [6, 5, 5, 4], [0, 0, 0, 0]);
    const effects = armEffects(arm, base, paired(-190, [-203, -176], [1, 1, 1, 1]));
    expect(effects.map((e) => [e.effect, e.harm, e.text])).toEqual([
      ["hit_latency", false, "−190 s [−203, −176 s] for the 1.0 % of requests a failed job hits"],
      // differences 5, 5, 4, 3: mean 4.25, t interval excludes 0
      ["failed_requests", true, "failed requests 3 → 20, all recovered by a resubmission"],
      ["extra_gpu", false, "no extra GPU time"],
    ]);
  });

  it("says more users finally failing, slower tails and extra GPU time as harms; an unchanged-in-noise count says so", () => {
    const arm = reps([22, 23, 21, 24.5], [1, 1, 0, 0], [300, 320, 280, 310], [1, 2, 1, 2]);
    const effects = armEffects(arm, base, null);
    expect(effects.map((e) => [e.effect, e.harm, e.text])).toEqual([
      ["users_failed", true, "users whose request finally failed 0 → 6"],
      // userStats gives every quantile the mean: p99 and mean move together, +2, +2, +2, +2.5
      ["user_latency_p99", true, "p99 latency +2.13 s"],
      ["user_latency_mean", true, "mean latency +2.13 s"],
      ["failed_requests", false, "failed requests 3 → 2 (within noise)"],
      ["extra_gpu", true, "extra GPU time +303 GPU-s a replication"],
    ]);
  });

  it("writes seconds with a real minus sign and three significant digits", () => {
    expect([signedSeconds(-190.4), signedSeconds(0.2816), signedSeconds(-1.744)]).toEqual([
      "−190 s",
      "+0.282 s",
      "−1.74 s",
    ]);
  });
});

describe("the headlines", () => {
  it("put the recommended arm first, then every other arm with its standing, the baseline last", () => {
    const arms = [
      { policy: "horde", reps: base },
      { policy: "slow", reps: reps([25, 26, 24, 27], [1, 0, 1, 1], [0, 0, 0, 0]) },
      { policy: "fast", reps: reps([18, 19, 17, 20], [1, 0, 1, 1], [0, 0, 0, 0]) },
    ];
    const v = decide(
      { name: "mean", minimise: "user_latency_mean_s", subject_to: [], indifference: 0 },
      arms.map((a) => ({ name: a.policy, values: { user_latency_mean_s: a.reps.map((r) => r.user_latency.mean) } })),
    );
    const lines = formatHeadlines(headlines(v, arms, [null, null, null])).split("\n");
    expect(lines).toEqual([
      "recommended: fast (objective mean, 4 replications; docs/decisions.md)",
      "what changes for users against horde (95 % paired intervals; counts are totals over the replications):",
      "  fast   recommended: p99 latency −2.00 s; mean latency −2.00 s; no extra GPU time",
      "  slow   worse on users' mean latency than fast: p99 latency +5.00 s; mean latency +5.00 s; no extra GPU time",
      "  horde  baseline; worse on users' mean latency than fast",
    ]);
  });
});
