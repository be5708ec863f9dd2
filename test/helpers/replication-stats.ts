// A replication's statistics where only the user latency (every quantile alike) and success rate matter.
import type { LatencyStats, ReplicationStats } from "../../src/metrics/replication-stats.js";

const lat = (m: number): LatencyStats => ({ mean: m, p50: m, p90: m, p99: m, max: m });

export function userStats(userMean: number, userSuccess = 1): ReplicationStats {
  return {
    requests: 100,
    completed: 100,
    faulted: 0,
    expired: 0,
    abandoned: 0,
    open: 0,
    success_rate: 1,
    latency: lat(userMean),
    time_to_failure_s: Number.NaN,
    attempts_per_request: 1,
    wasted_gpu_s: 0,
    hedges: 0,
    affected: 0,
    affected_latency_s: Number.NaN,
    users: 100,
    users_failed: Math.round(100 * (1 - userSuccess)),
    user_success_rate: userSuccess,
    user_latency: lat(userMean),
    user_failure_latency_s: Number.NaN,
  };
}
