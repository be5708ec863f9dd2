import { describe, expect, it } from "vitest";
import { fairness, LoadAccumulator } from "../../src/metrics/load-stats.js";
import { summarizeLoad } from "../../src/metrics/load-summary.js";
import type { ReplicationStats } from "../../src/metrics/replication-stats.js";
import { attemptRecord as attempt, requestRecord as request, userRecord as user } from "../helpers/records.js";

describe("load figures of one replication, worked by hand", () => {
  const acc = new LoadAccumulator({ warmup: 100, horizon: 1100 });
  acc.addRequest(request({ wait_s: 40, latency_s: 60 }));
  acc.addRequest(request({ request_id: 1, wait_s: 10, latency_s: 30, user_class: "b", model: "n" }));
  acc.addRequest(request({ request_id: 2, wait_s: 500, latency_s: 900, warmup: true }));
  acc.addRequest(request({ request_id: 3, outcome: "expired", wait_s: 1200, latency_s: 1200, user_class: "b" }));
  acc.addUser(user({ latency_s: 60 }));
  acc.addUser(user({ origin_id: 1, latency_s: 30, user_class: "b", model: "n" }));
  acc.addUser(user({ origin_id: 3, outcome: "expired", latency_s: 1200, user_class: "b" }));
  acc.addAttempt(attempt({ mps: 8 }));
  acc.addAttempt(attempt({ mps: 4, end: "completed", ended_s: 50 })); // before the warm-up
  acc.addAttempt(attempt({ mps: 6, end: "stale_abort", ended_s: 900 }));
  acc.addAttempt(attempt({ mps: 6, end: "open", ended_s: Number.NaN }));
  const s = acc.finish();

  it("splits the completed requests' time into wait and processing", () => {
    expect(s.wait_mean_s).toBe(25); // (40 + 10) / 2
    expect(s.processing_mean_s).toBe(20); // (20 + 20) / 2
    expect(s.wait_share).toBeCloseTo(25 / 45, 12);
  });

  it("counts MPS delivered and wasted per second of the measured window", () => {
    expect(s.delivered_mps_per_s).toBeCloseTo(8 / 1000, 12);
    expect(s.wasted_mps_per_s).toBeCloseTo(6 / 1000, 12);
  });

  it("gives each class its users, success and waits; fairness is the worst p90 wait over the best", () => {
    expect(s.by_class.a.users).toBe(1);
    expect(s.by_class.b.users).toBe(2);
    expect(s.by_class.b.success_rate).toBe(0.5);
    // waits of b: 10 and 1200; the p90 interpolates between them: 10 + 0.9 × 1190
    expect(s.by_class.b.wait.p90).toBeCloseTo(1081, 9);
    expect(s.by_class.a.wait.p90).toBe(40);
    expect(s.fairness_p90_wait_ratio).toBeCloseTo(1081 / 40, 9);
    expect(Object.keys(s.by_model)).toEqual(["m", "n"]);
  });

  it("floors a p90 wait at 1 s and needs two classes", () => {
    const g = (p90: number) => ({ ...s.by_class.a, wait: { ...s.by_class.a.wait, p90 } });
    expect(fairness({ x: g(0), y: g(30) })).toBe(30);
    expect(Number.isNaN(fairness({ x: g(10) }))).toBe(true);
  });

  it("summarises replications per figure with a t interval", () => {
    const rep = (l: typeof s) => ({ load: l }) as ReplicationStats;
    const other = { ...s, wait_mean_s: 35 };
    const sum = summarizeLoad([rep(s), rep(other)]);
    expect(sum?.wait_mean_s.mean).toBe(30);
    // t(0.975, 1) = 12.7062, sd of {25, 35} = 7.0711, half-width = 12.7062 × 7.0711 / √2 = 63.531
    const ci = sum?.wait_mean_s.ci95 ?? [0, 0];
    expect((ci[1] - ci[0]) / 2).toBeCloseTo(63.531, 2);
    expect(summarizeLoad([{} as ReplicationStats])).toBeNull();
  });
});
