// Under-load figures of one (arm, replication): where a request's time goes (waiting in the queue vs being
// processed), the MPS/s delivered and wasted, and who waits: latency per user class and per model, and a
// fairness figure (the ratio of the p90 queue waits of the worst- and best-served classes). Requests and users
// submitted before the warm-up are left out; MPS/s count jobs that ended inside [warm-up, horizon].
import type { AttemptRecord, RequestRecord, UserRecord } from "../horde/record-types.js";
import { Float64List, type LatencyStats, latencyStats } from "./replication-stats.js";

export interface GroupLoad {
  /** Users (original requests) whose final outcome is known. */
  users: number;
  /** Of those, the share that got their images. */
  success_rate: number;
  /** What those users waited, across resubmissions. */
  latency: LatencyStats;
  /** Seconds each ended request of the group spent waiting in the queue. */
  wait: LatencyStats;
}

export interface LoadStats {
  /** Mean queue wait and mean processing time (latency − wait) of completed requests. */
  wait_mean_s: number;
  processing_mean_s: number;
  /** wait_mean_s / (wait_mean_s + processing_mean_s). */
  wait_share: number;
  delivered_mps_per_s: number;
  /** MPS of jobs whose result was not used (aborted, faulted, discarded, expired, cancelled), per second. */
  wasted_mps_per_s: number;
  /** Per user class; empty when every request is of one class. */
  by_class: Record<string, GroupLoad>;
  by_model: Record<string, GroupLoad>;
  /**
   * p90 wait of the worst-served class over that of the best-served, each at least 1 s (a worker's poll
   * interval: a wait shorter than that is no wait); NaN with fewer than two classes.
   */
  fairness_p90_wait_ratio: number;
}

export interface LoadWindow {
  warmup: number;
  horizon: number;
}

class GroupLists {
  users = 0;
  completed = 0;
  readonly latencies = new Float64List(64);
  readonly waits = new Float64List(64);

  finish(): GroupLoad {
    return {
      users: this.users,
      success_rate: this.users === 0 ? Number.NaN : this.completed / this.users,
      latency: latencyStats(this.latencies.view()),
      wait: latencyStats(this.waits.view()),
    };
  }
}

function group(groups: Map<string, GroupLists>, name: string): GroupLists {
  let g = groups.get(name);
  if (g === undefined) {
    g = new GroupLists();
    groups.set(name, g);
  }
  return g;
}

function countUser(g: GroupLists, u: UserRecord): void {
  g.users++;
  if (u.outcome === "completed") {
    g.completed++;
    g.latencies.push(u.latency_s);
  }
}

function finishGroups(groups: Map<string, GroupLists>): Record<string, GroupLoad> {
  const out: Record<string, GroupLoad> = {};
  for (const name of [...groups.keys()].sort()) out[name] = (groups.get(name) as GroupLists).finish();
  return out;
}

export class LoadAccumulator {
  private waitSum = 0;
  private processingSum = 0;
  private completed = 0;
  private delivered = 0;
  private wasted = 0;
  private readonly classes = new Map<string, GroupLists>();
  private readonly models = new Map<string, GroupLists>();

  constructor(private readonly window: LoadWindow) {}

  addRequest(r: RequestRecord): void {
    if (r.warmup || r.outcome === "open") return;
    group(this.classes, r.user_class).waits.push(r.wait_s);
    group(this.models, r.model).waits.push(r.wait_s);
    if (r.outcome !== "completed") return;
    this.completed++;
    this.waitSum += r.wait_s;
    this.processingSum += r.latency_s - r.wait_s;
  }

  addUser(u: UserRecord): void {
    if (u.warmup || u.outcome === "open") return;
    countUser(group(this.classes, u.user_class), u);
    countUser(group(this.models, u.model), u);
  }

  addAttempt(a: AttemptRecord): void {
    if (a.end === "open" || a.ended_s < this.window.warmup || a.ended_s > this.window.horizon) return;
    if (a.end === "completed") this.delivered += a.mps;
    else this.wasted += a.mps;
  }

  finish(): LoadStats {
    const span = this.window.horizon - this.window.warmup;
    const wait = this.completed === 0 ? Number.NaN : this.waitSum / this.completed;
    const processing = this.completed === 0 ? Number.NaN : this.processingSum / this.completed;
    // one class (a scenario without classes) says nothing the overall figures do not: not sorted again
    const byClass = this.classes.size > 1 ? finishGroups(this.classes) : {};
    return {
      wait_mean_s: wait,
      processing_mean_s: processing,
      wait_share: wait / (wait + processing),
      delivered_mps_per_s: this.delivered / span,
      wasted_mps_per_s: this.wasted / span,
      by_class: byClass,
      by_model: finishGroups(this.models),
      fairness_p90_wait_ratio: fairness(byClass),
    };
  }
}

/** Worst over best p90 wait (each at least 1 s) among the classes with a wait measured; NaN with fewer than two. */
export function fairness(byClass: Record<string, GroupLoad>): number {
  const p90s = Object.values(byClass)
    .map((g) => g.wait.p90)
    .filter(Number.isFinite)
    .map((p) => Math.max(1, p));
  if (p90s.length < 2) return Number.NaN;
  return Math.max(...p90s) / Math.min(...p90s);
}
