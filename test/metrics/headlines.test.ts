import { describe, expect, it } from "vitest";
import { armEffects, formatHeadlines, headlines, signedSeconds } from "../../src/metrics/headlines.js";
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

/** The requests a failed job hit per replication, and their mean latency (NaN where none was hit). */
function hit(reps: ReplicationStats[], affected: number[], latency: number[]): ReplicationStats[] {
  return reps.map((r, i) => ({ ...r, affected: affected[i], affected_latency_s: latency[i] }));
}

const base = reps([20, 21, 19, 22], [1, 0, 1, 1], [0, 0, 0, 0]);

describe("an arm's effects against the baseline, in words", () => {
  const baseHit = hit(base, [5, 6, 4, 5], [200, 210, 190, 200]);

  it("says the arm's own hit requests' wait against the baseline's and how many, a harm in failed requests recovered by resubmission, no extra GPU time", () => {
    const arm = hit(reps([20, 21, 19, 22], [6, 5, 5, 4], [0, 0, 0, 0]), [5, 6, 5, 5], [40, 45, 38, 41]);
    const effects = armEffects(arm, baseHit);
    expect(effects.map((e) => [e.effect, e.harm, e.text])).toEqual([
      // latency differences −160, −165, −152, −159: mean −159, S = √(86/3), t(0.975, 3) = 3.182446 → ±8.520;
      // the count's differences 0, 0, 1, 0 are within noise, so the count goes with the wait
      [
        "hit_latency",
        false,
        "requests a failed job hits wait 200 s → 41.0 s (−159 s [−168, −150 s]), 21 of them (baseline 20)",
      ],
      // differences 5, 5, 4, 3: mean 4.25, t interval excludes 0
      ["failed_requests", true, "failed requests 3 → 20, all recovered by a resubmission"],
      ["extra_gpu", false, "no extra GPU time"],
    ]);
  });

  it("compares the hit requests' wait over the replications where both arms had one", () => {
    const arm = hit(base, [5, 0, 5, 5], [40, Number.NaN, 38, 41]);
    const [effect] = armEffects(arm, baseHit);
    // replications 1, 3, 4: differences −160, −152, −159, mean −157, S = √19, t(0.975, 2) = 4.302653 → ±10.83;
    // their means 596/3 and 119/3
    expect([effect.effect, effect.text]).toEqual([
      "hit_latency",
      "requests a failed job hits wait 197 s → 39.7 s (−157 s [−168, −146 s]), 15 of them (baseline 20)",
    ]);
  });

  it("says more requests hit by a failed job as a harm, even when each waits as long as in the baseline", () => {
    const arm = hit(base, [10, 12, 9, 11], [201, 209, 192, 199]);
    expect(armEffects(arm, baseHit).map((e) => [e.effect, e.harm, e.text])).toEqual([
      ["hit_requests", true, "more requests hit by a failed job: 20 → 42"],
      ["extra_gpu", false, "no extra GPU time"],
    ]);
  });

  it("a placebo's hit requests (other requests, the same wait) change nothing said", () => {
    const arm = hit(base, [6, 5, 5, 4], [205, 204, 196, 194]);
    expect(armEffects(arm, baseHit).map((e) => e.effect)).toEqual(["extra_gpu"]);
  });

  it("says more users finally failing, slower tails and extra GPU time as harms; an unchanged-in-noise count says so", () => {
    const arm = reps([22, 23, 21, 24.5], [1, 1, 0, 0], [300, 320, 280, 310], [1, 2, 1, 2]);
    const effects = armEffects(arm, base);
    expect(effects.map((e) => [e.effect, e.harm, e.text])).toEqual([
      ["users_failed", true, "users whose request finally failed 0 → 6"],
      // userStats gives every quantile the mean: p99 and mean move together, +2, +2, +2, +2.5
      ["user_latency_p99", true, "p99 latency +2.13 s"],
      ["user_latency_mean", true, "mean latency +2.13 s"],
      ["failed_requests", false, "failed requests 3 → 2 (within noise)"],
      ["extra_gpu", true, "extra GPU time +303 GPU-s a replication"],
    ]);
  });

  it("writes counts with thousands separators", () => {
    const arm = reps([20, 21, 19, 22], [400, 400, 401, 399], [0, 0, 0, 0]);
    expect(armEffects(arm, base).find((e) => e.effect === "failed_requests")?.text).toBe(
      "failed requests 3 → 1,600, all recovered by a resubmission",
    );
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
    const lines = formatHeadlines(headlines(v, arms)).split("\n");
    expect(lines).toEqual([
      "recommended: fast (objective mean, 4 replications; docs/decisions.md)",
      "what changes for users against horde (95 % paired intervals; counts are totals over the replications):",
      "  fast   recommended: p99 latency −2.00 s; mean latency −2.00 s; no extra GPU time",
      "  slow   worse on users' mean latency than fast: p99 latency +5.00 s; mean latency +5.00 s; no extra GPU time",
      "  horde  baseline; worse on users' mean latency than fast",
    ]);
  });

  it("say the baseline is kept, and why, when no arm is shown better than it", () => {
    // "same" minus horde: −1, +1, −1, 0 s: a lower mean (−0.25 s) but not separated (W = t(0.95, 3) · S/2 =
    // 2.3533634 · 0.9574271 / 2 = 1.127): horde, listed first, stays
    const arms = [
      { policy: "horde", reps: base },
      { policy: "same", reps: reps([19, 22, 18, 22], [1, 0, 1, 1], [0, 0, 0, 0]) },
    ];
    const v = decide(
      { name: "mean", minimise: "user_latency_mean_s", subject_to: [], indifference: 0 },
      arms.map((a) => ({ name: a.policy, values: { user_latency_mean_s: a.reps.map((r) => r.user_latency.mean) } })),
    );
    const h = headlines(v, arms);
    expect(h.sentence).toBe("recommended: keep horde (the baseline): no other arm is shown better than it");
    expect(formatHeadlines(h).split("\n")).toEqual([
      "recommended: keep horde (the baseline): no other arm is shown better than it (objective mean, 4 replications; docs/decisions.md)",
      "what changes for users against horde (95 % paired intervals; counts are totals over the replications):",
      "  horde  recommended: the baseline: no change",
      "  same   cannot be told apart from the recommended arm on users' mean latency: no extra GPU time",
    ]);
  });
});
