// A small synthetic result folder, written the way a run writes one (summary.json, the CSV files,
// scenario.yaml), with plausible records: a pool of healthy workers and three that hang on some jobs
// (like ameli0x, half5090ya11 and ameli0x_2 on 2025-09-29), so that there are stale aborts, faulted
// requests and long tails. Arms differ in their TTL and in whether a failed worker may take the request again.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type {
  AttemptRecord,
  QueueSample,
  RequestRecord,
  UserRecord,
  WorkerRecord,
} from "../../src/horde/record-types.js";
import {
  ATTEMPT_COLUMNS,
  REQUEST_COLUMNS,
  SAMPLE_COLUMNS,
  USER_COLUMNS,
  WORKER_COLUMNS,
} from "../../src/results/record-files.js";

export interface FixtureOptions {
  /** Policy arms, the first is the baseline. */
  policies?: string[];
  replications?: number;
  requestsPerReplication?: number;
  /** false: no worker ever hangs (no aborts, no failures). */
  failures?: boolean;
  horizon_s?: number;
  warmup_s?: number;
  sampleInterval_s?: number;
}

export const DEFAULT_POLICIES = ["horde", "progressive", "exclude-failed"];

interface ArmRule {
  ttl: number;
  sweep: number;
  exclude: boolean;
}

function rule(policy: string): ArmRule {
  if (policy.startsWith("progressive")) return { ttl: 60, sweep: 0, exclude: false };
  if (policy.startsWith("exclude")) return { ttl: 150, sweep: 60, exclude: true };
  return { ttl: 150, sweep: 60, exclude: false };
}

/** mulberry32: a tiny seeded generator, enough for a fixture. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORKERS = [
  { name: "ameli0x", group: "ameli0x", hang: 0.6 },
  { name: "half5090ya11", group: "half5090ya11", hang: 0.25 },
  { name: "ameli0x_2", group: "ameli0x", hang: 0.05 },
  { name: "sdxl-1", group: "sdxl", hang: 0 },
  { name: "sdxl-2", group: "sdxl", hang: 0 },
  { name: "sdxl-3", group: "sdxl", hang: 0 },
  { name: "sdxl-4", group: "sdxl", hang: 0 },
  { name: "sdxl-5", group: "sdxl", hang: 0 },
];

function csvField(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeCsv<T extends object>(path: string, columns: (keyof T & string)[], rows: T[]): void {
  const lines = [columns.join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(","));
  writeFileSync(path, `${lines.join("\r\n")}\r\n`);
}

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

const T975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

function estimate(xs: number[]): { mean: number | null; ci95: [number, number] | null } {
  const v = xs.filter(Number.isFinite);
  if (v.length === 0) return { mean: null, ci95: null };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  if (v.length < 2) return { mean, ci95: null };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
  const h = (T975[v.length - 1] ?? 2) * (sd / Math.sqrt(v.length));
  return { mean, ci95: [mean - h, mean + h] };
}

function paired(a: number[], b: number[]) {
  const d = a.map((x, i) => x - b[i]).filter(Number.isFinite);
  const e = estimate(d);
  return {
    diff: e.mean,
    ci95: e.ci95,
    significant: e.ci95 === null ? null : e.ci95[0] > 0 || e.ci95[1] < 0,
    n: d.length,
  };
}

interface RepStats {
  success: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ttf: number;
  attempts: number;
  wasted: number;
  /** Requests hit by a failed job, and their mean submit-to-end latency. */
  affected: number;
  affectedLatency: number;
}

export interface Fixture {
  dir: string;
  policies: string[];
  replications: number;
  requests: RequestRecord[];
  attempts: AttemptRecord[];
  workers: WorkerRecord[];
  samples: QueueSample[];
}

/** Writes a synthetic result folder into dir (created if needed) and returns what it wrote. */
export function writeFixture(dir: string, opts: FixtureOptions = {}): Fixture {
  const policies = opts.policies ?? DEFAULT_POLICIES;
  const R = opts.replications ?? 3;
  const perRep = opts.requestsPerReplication ?? 150;
  const failures = opts.failures ?? true;
  const horizon = opts.horizon_s ?? 4 * 3600;
  const warmup = opts.warmup_s ?? 600;
  const interval = opts.sampleInterval_s ?? 300;
  mkdirSync(dir, { recursive: true });

  const requests: RequestRecord[] = [];
  const users: UserRecord[] = [];
  const attempts: AttemptRecord[] = [];
  const workers: WorkerRecord[] = [];
  const samples: QueueSample[] = [];
  const stats = new Map<string, RepStats[]>();

  for (const policy of policies) {
    const arm = rule(policy);
    const perArm: RepStats[] = [];
    for (let rep = 1; rep <= R; rep++) {
      // common random numbers: the same arrivals and worker behaviour in every arm
      const rand = rng(1000 + rep);
      const wstats = WORKERS.map((w, i) => ({
        policy,
        replication: rep,
        worker_id: i + 1,
        worker_name: w.name,
        group: w.group,
        pops: 0,
        completed: 0,
        stale_aborts: 0,
        reported_faults: 0,
        late_discarded: 0,
        maintenance_entries: 0,
        busy_s: 0,
        wasted_gpu_s: 0,
      }));
      const intervals: [number, number][] = [];
      const repRequests: RequestRecord[] = [];
      const hit = new Set<number>();
      let jobId = 0;
      for (let k = 0; k < perRep; k++) {
        const id = k + 1;
        const submitted = Math.round((k + rand()) * ((horizon - 1800) / perRep) * 10) / 10;
        const xl = rand() < 0.4;
        let t = submitted + 1 + rand() * 8;
        const failed = new Set<number>();
        let failures_ = 0;
        let n = 0;
        let outcome: RequestRecord["outcome"] = "completed";
        let done = Number.NaN;
        while (true) {
          n++;
          let w = Math.floor(rand() * WORKERS.length);
          if (arm.exclude && failed.has(w)) w = (w + 3) % WORKERS.length;
          const hangs = failures && rand() < WORKERS[w].hang;
          const work = Math.exp(Math.log(xl ? 35 : 12) + 0.35 * (rand() * 2 - 1) * 1.6);
          const ws = wstats[w];
          ws.pops++;
          jobId++;
          const popped = Math.round(t * 10) / 10;
          if (hangs) {
            const ended = Math.round((popped + arm.ttl + rand() * arm.sweep) * 10) / 10;
            ws.stale_aborts++;
            ws.wasted_gpu_s += ended - popped;
            attempts.push({
              policy,
              replication: rep,
              request_id: id,
              job_id: jobId,
              attempt: n,
              worker_id: w + 1,
              worker_name: WORKERS[w].name,
              popped_s: popped,
              ended_s: ended,
              end: "stale_abort",
              ttl_s: arm.ttl,
              hedge: false,
              wasted_gpu_s: Math.round((ended - popped) * 10) / 10,
            });
            intervals.push([popped, ended]);
            failed.add(w);
            hit.add(id);
            failures_++;
            if (failures_ >= 3) {
              outcome = "faulted";
              done = ended;
              break;
            }
            t = ended + 1 + rand() * 4;
          } else {
            const ended = Math.round((popped + work) * 10) / 10;
            ws.completed++;
            ws.busy_s += ended - popped;
            attempts.push({
              policy,
              replication: rep,
              request_id: id,
              job_id: jobId,
              attempt: n,
              worker_id: w + 1,
              worker_name: WORKERS[w].name,
              popped_s: popped,
              ended_s: ended,
              end: "completed",
              ttl_s: arm.ttl,
              hedge: false,
              wasted_gpu_s: 0,
            });
            intervals.push([popped, ended]);
            done = ended;
            break;
          }
        }
        let latency = done - submitted;
        // the last request of the first replication is still running at the horizon
        if (k === perRep - 1 && rep === 1) {
          outcome = "open";
          done = Number.NaN;
          latency = Number.NaN;
          const last = attempts[attempts.length - 1];
          last.end = "open";
          last.ended_s = Number.NaN;
        }
        const rec: RequestRecord = {
          policy,
          replication: rep,
          request_id: id,
          origin_id: id,
          arrival_id: id,
          resubmission: 0,
          stream: xl ? "sdxl" : "sd15",
          width: xl ? 1024 : 512,
          height: xl ? 1024 : 512,
          steps: xl ? 25 : 30,
          sampler: "k_euler_a",
          model: xl ? "AlbedoBase XL (SDXL), v2" : "stable_diffusion",
          submitted_s: submitted,
          done_s: done,
          outcome,
          images_requested: 1,
          images_delivered: outcome === "completed" ? 1 : 0,
          attempts: n,
          latency_s: Number.isFinite(latency) ? Math.round(latency * 10) / 10 : Number.NaN,
          seen_s: Number.isFinite(done) ? Math.ceil(done / 5) * 5 : Number.NaN,
          warmup: submitted < warmup,
        };
        repRequests.push(rec);
        users.push({
          policy,
          replication: rep,
          origin_id: id,
          arrival_id: id,
          submitted_s: submitted,
          final_s: done,
          outcome,
          submissions: 1,
          latency_s: rec.latency_s,
          warmup: rec.warmup,
        });
      }
      requests.push(...repRequests);
      workers.push(...wstats);
      for (let ts = 0; ts <= horizon; ts += interval) {
        const inFlight = intervals.filter(([a, b]) => a <= ts && ts < b).length;
        const queued = repRequests.filter((r) => r.submitted_s <= ts && !(r.done_s <= ts)).length - inFlight;
        samples.push({ policy, replication: rep, t_s: ts, queued: Math.max(0, queued), in_flight: inFlight });
      }
      const measured = repRequests.filter((r) => !r.warmup);
      const ended = measured.filter((r) => r.outcome !== "open");
      const lat = measured
        .filter((r) => r.outcome === "completed")
        .map((r) => r.latency_s)
        .sort((a, b) => a - b);
      const failedReqs = ended.filter((r) => r.outcome !== "completed");
      const affected = measured.filter((r) => hit.has(r.request_id));
      const affectedEnded = affected.filter((r) => r.outcome !== "open");
      perArm.push({
        success: (ended.length - failedReqs.length) / ended.length,
        mean: lat.reduce((s, x) => s + x, 0) / lat.length,
        p50: quantile(lat, 0.5),
        p90: quantile(lat, 0.9),
        p99: quantile(lat, 0.99),
        max: lat[lat.length - 1],
        ttf: failedReqs.length ? failedReqs.reduce((s, r) => s + r.latency_s, 0) / failedReqs.length : Number.NaN,
        attempts: measured.reduce((s, r) => s + r.attempts, 0) / measured.length,
        wasted: wstats.reduce((s, w) => s + w.wasted_gpu_s, 0),
        affected: affected.length,
        affectedLatency: affectedEnded.length
          ? affectedEnded.reduce((s, r) => s + (r.done_s - r.submitted_s), 0) / affectedEnded.length
          : Number.NaN,
      });
    }
    stats.set(policy, perArm);
  }

  const base = stats.get(policies[0]) as RepStats[];
  const col = (xs: RepStats[], k: keyof RepStats) => xs.map((x) => x[k]);
  const summary = {
    scenario: { name: "fixture-incident", sha256: "0".repeat(64) },
    seed: 1,
    replications: R,
    warmup_s: warmup,
    horizon_s: horizon,
    policies: policies.map((name, i) => {
      const s = stats.get(name) as RepStats[];
      const mine = requests.filter((r) => r.policy === name && !r.warmup);
      const latency = {
        mean: estimate(col(s, "mean")),
        p50: estimate(col(s, "p50")),
        p90: estimate(col(s, "p90")),
        p99: estimate(col(s, "p99")),
        max: estimate(col(s, "max")),
      };
      return {
        name,
        requests: mine.length,
        completed: mine.filter((r) => r.outcome === "completed").length,
        faulted: mine.filter((r) => r.outcome === "faulted").length,
        expired: mine.filter((r) => r.outcome === "expired").length,
        open: mine.filter((r) => r.outcome === "open").length,
        success_rate: estimate(col(s, "success")),
        latency_s: latency,
        time_to_failure_s: estimate(col(s, "ttf")),
        attempts_per_request: estimate(col(s, "attempts")),
        wasted_gpu_s: estimate(col(s, "wasted")),
        hedges: { mean: 0, ci95: R > 1 ? [0, 0] : null },
        affected: estimate(col(s, "affected")),
        affected_latency_s: estimate(col(s, "affectedLatency")),
        user: { success_rate: estimate(col(s, "success")), latency_s: latency },
        vs_baseline:
          i === 0
            ? null
            : {
                success_rate: paired(col(s, "success"), col(base, "success")),
                latency_mean_s: paired(col(s, "mean"), col(base, "mean")),
                latency_p99_s: paired(col(s, "p99"), col(base, "p99")),
                time_to_failure_s: paired(col(s, "ttf"), col(base, "ttf")),
                affected_latency_s: paired(col(s, "affectedLatency"), col(base, "affectedLatency")),
                wasted_gpu_s: paired(col(s, "wasted"), col(base, "wasted")),
                user_success_rate: paired(col(s, "success"), col(base, "success")),
                user_latency_p99_s: paired(col(s, "p99"), col(base, "p99")),
              },
      };
    }),
  };
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeCsv<RequestRecord>(join(dir, "requests.csv"), REQUEST_COLUMNS, requests);
  writeCsv<UserRecord>(join(dir, "users.csv"), USER_COLUMNS, users);
  writeCsv<AttemptRecord>(join(dir, "attempts.csv"), ATTEMPT_COLUMNS, attempts);
  writeCsv<WorkerRecord>(join(dir, "workers.csv"), WORKER_COLUMNS, workers);
  writeCsv<QueueSample>(join(dir, "samples.csv"), SAMPLE_COLUMNS, samples);
  writeFileSync(
    join(dir, "scenario.yaml"),
    [
      "name: fixture-incident",
      "description: >",
      "  A synthetic day for the report tests: healthy SDXL workers and three that hang on some jobs",
      "  (ameli0x, half5090ya11, ameli0x_2) <with> characters & quotes that HTML must escape.",
      `horizon: ${horizon}s`,
      `warmup: ${warmup}s`,
      'start_time: "2025-09-29T16:00:00Z"',
      "seed: 1",
      `replications: ${R}`,
      "",
    ].join("\n"),
  );
  return { dir, policies, replications: R, requests, attempts, workers, samples };
}
