// Validation against queueing theory: scenarios that reduce the Horde to textbook queues, run over
// independent replications, with the theoretical value checked against the 95 % interval of the mean.
import { join } from "node:path";
import { mean, quantileSorted } from "simple-statistics";
import { tInterval } from "../metrics/summary.js";
import type { Scenario } from "../scenario/types.js";
import { loadScenarioFile } from "../scenario-file/load.js";
import { runReplication } from "./run-replication.js";
import { cobhamWq, erlangA, erlangC, md1Wq, mm1, mmcWq, retryAttemptFailure } from "./theory.js";

/** What one replication yields, per request submitted after the warm-up. */
export interface ReplicationSample {
  /** Sojourn times of completed requests. */
  sojourn: number[];
  /** Waits from submission to the first pop. */
  wait: number[];
  faulted: number;
  ended: number;
  /** Seconds from submission to failure, for faulted requests. */
  failureTimes: number[];
  /** Waits from submission to the first pop, per user class. */
  classWaits: Record<string, number[]>;
  /**
   * Waits in queue of every request whose fate is known: to the first pop, or to the user giving up for a
   * request abandoned before any pop.
   */
  waitAll: number[];
  /** Requests whose user gave up before any job was popped. */
  abandonedWaiting: number;
}

export interface Check {
  label: string;
  theory: number;
  /** The statistic of one replication. */
  statistic: (s: ReplicationSample) => number;
}

export interface ValidationCase {
  file: string;
  checks: (sc: Scenario) => Check[];
  /** An exact check on all replications together (e.g. the failure time), or null. */
  exact?: (samples: ReplicationSample[]) => { label: string; theory: number; observed: number; ok: boolean };
}

export interface ValidationRow {
  scenario: string;
  check: string;
  theory: number;
  mean: number;
  ci95: [number, number] | null;
  replications: number;
  ok: boolean;
}

const rate = (sc: Scenario) => sc.arrivals[0].rate[0].rate;
const serviceRate = (sc: Scenario) => {
  const d = sc.arrivals[0].mix[0].job_time;
  if (d === null) throw new Error(`${sc.name}: a validation scenario needs job_time`);
  if (d.kind === "exponential") return 1 / d.mean;
  if (d.kind === "constant") return 1 / d.value;
  throw new Error(`${sc.name}: job_time must be exponential or constant`);
};
const quantileOf = (p: number) => (s: ReplicationSample) =>
  quantileSorted(
    [...s.sojourn].sort((a, b) => a - b),
    p,
  );

export const VALIDATION_CASES: ValidationCase[] = [
  {
    file: "mm1.yaml",
    checks: (sc) => {
      const l = rate(sc);
      const m = serviceRate(sc);
      return [
        { label: "Wq = ρ/(μ−λ)", theory: mm1.wq(l, m), statistic: (s) => mean(s.wait) },
        { label: "W = 1/(μ−λ)", theory: mm1.w(l, m), statistic: (s) => mean(s.sojourn) },
        { label: "W p50 = ln 2/(μ−λ)", theory: mm1.sojournQuantile(l, m, 0.5), statistic: quantileOf(0.5) },
        { label: "W p90 = ln 10/(μ−λ)", theory: mm1.sojournQuantile(l, m, 0.9), statistic: quantileOf(0.9) },
      ];
    },
  },
  {
    file: "mmc.yaml",
    checks: (sc) => {
      const l = rate(sc);
      const m = serviceRate(sc);
      const c = sc.workers[0].count;
      return [
        {
          label: `P(wait) = C(${c}, ${l / m})`,
          theory: erlangC(c, l / m),
          statistic: (s) => s.wait.filter((w) => w > 1e-9).length / s.wait.length,
        },
        { label: "Wq = C/(cμ−λ)", theory: mmcWq(c, l, m), statistic: (s) => mean(s.wait) },
        { label: "W = Wq + 1/μ", theory: mmcWq(c, l, m) + 1 / m, statistic: (s) => mean(s.sojourn) },
      ];
    },
  },
  {
    file: "erlang-a.yaml",
    checks: (sc) => {
      const l = rate(sc);
      const m = serviceRate(sc);
      const c = sc.workers[0].count;
      const patience = sc.arrivals[0].classes[0].patience;
      if (patience?.kind !== "exponential") throw new Error(`${sc.name}: the patience must be exponential`);
      const a = erlangA(c, l, m, 1 / patience.mean);
      return [
        {
          label: "P(wait) (Erlang A)",
          theory: a.pWait,
          statistic: (s) => s.waitAll.filter((w) => w > 1e-9).length / s.waitAll.length,
        },
        { label: "Wq of all arrivals (Erlang A)", theory: a.wq, statistic: (s) => mean(s.waitAll) },
        { label: "P(abandon) (Erlang A)", theory: a.pAbandon, statistic: (s) => s.abandonedWaiting / s.waitAll.length },
      ];
    },
  },
  {
    file: "md1.yaml",
    checks: (sc) => {
      const l = rate(sc);
      const m = serviceRate(sc);
      return [
        { label: "Wq = ρ/(2μ(1−ρ))", theory: md1Wq(l, m), statistic: (s) => mean(s.wait) },
        { label: "W = Wq + 1/μ", theory: md1Wq(l, m) + 1 / m, statistic: (s) => mean(s.sojourn) },
      ];
    },
  },
  {
    file: "priority.yaml",
    checks: (sc) => {
      const l = rate(sc);
      const m = serviceRate(sc);
      const classes = sc.arrivals[0].classes;
      const total = classes.reduce((sum, c) => sum + c.weight, 0);
      const lambdas = classes.map((c) => (l * c.weight) / total);
      return classes.map((c, i) => ({
        label: `Wq of class ${c.name} (Cobham)`,
        theory: cobhamWq(lambdas, m, i + 1),
        statistic: (s: ReplicationSample) => mean(s.classWaits[c.name] ?? [Number.NaN]),
      }));
    },
  },
  {
    file: "retry.yaml",
    checks: (sc) => {
      const m = serviceRate(sc);
      const hang = sc.workers[0].failures.find((f) => f.mode === "hang");
      const d = hang?.probability ?? 0;
      const tau = Number(sc.policies[0].timeout.ttl);
      const q = retryAttemptFailure(d, m, tau);
      return [{ label: "P(faulted) = q³", theory: q ** 3, statistic: (s) => s.faulted / s.ended }];
    },
    exact: (samples) => {
      const times = samples.flatMap((s) => s.failureTimes);
      const worst = times.reduce((w, t) => Math.max(w, Math.abs(t - 90)), 0);
      return {
        label: "every failure at 3τ = 90 s",
        theory: 90,
        observed: times.length > 0 ? 90 + worst : Number.NaN,
        ok: times.length > 0 && worst < 1e-6,
      };
    },
  },
];

/** Runs one replication and reduces it to the quantities theory speaks about. */
export function sampleReplication(sc: Scenario, replication: number): ReplicationSample {
  const submitted = new Map<number, number>();
  const firstPop = new Map<number, number>();
  const s: ReplicationSample = {
    sojourn: [],
    wait: [],
    faulted: 0,
    ended: 0,
    failureTimes: [],
    classWaits: {},
    waitAll: [],
    abandonedWaiting: 0,
  };
  const abandonedAt = new Map<number, number>();
  const classOf = new Map<number, string>();
  runReplication({
    scenario: sc,
    arm: sc.policies[0],
    seed: sc.seed,
    replication,
    sink: {
      request: (r) => {
        if (r.warmup) return;
        submitted.set(r.request_id, r.submitted_s);
        classOf.set(r.request_id, r.user_class);
        if (r.outcome === "open") return;
        if (r.outcome === "abandoned") abandonedAt.set(r.request_id, r.done_s);
        s.ended++;
        if (r.outcome === "completed") s.sojourn.push(r.latency_s);
        else if (r.outcome !== "abandoned") {
          s.faulted++;
          s.failureTimes.push(r.latency_s);
        }
      },
      user: () => {},
      attempt: (a) => {
        if (a.attempt === 1) firstPop.set(a.request_id, a.popped_s);
      },
      worker: () => {},
      sample: () => {},
    },
  });
  for (const [id, t] of submitted) {
    const popped = firstPop.get(id);
    const gaveUp = abandonedAt.get(id);
    if (popped === undefined && gaveUp !== undefined) {
      s.abandonedWaiting++;
      s.waitAll.push(gaveUp - t);
    }
    if (popped === undefined) continue;
    s.waitAll.push(popped - t);
    s.wait.push(popped - t);
    const c = classOf.get(id) as string;
    s.classWaits[c] = s.classWaits[c] ?? [];
    s.classWaits[c].push(popped - t);
  }
  return s;
}

export interface ValidationOptions {
  dir: string;
  /** Overrides every case's replications (at least 25 for the claims in docs/validation.md). */
  replications?: number;
  /** Multiplies every case's horizon and warm-up (smaller for the test suite). */
  horizonScale?: number;
}

export function runValidation(opts: ValidationOptions): ValidationRow[] {
  const rows: ValidationRow[] = [];
  for (const c of VALIDATION_CASES) {
    const sc = loadScenarioFile(join(opts.dir, c.file));
    const scale = opts.horizonScale ?? 1;
    sc.horizon *= scale;
    sc.warmup *= scale;
    const reps = opts.replications ?? sc.replications;
    const samples: ReplicationSample[] = [];
    for (let r = 1; r <= reps; r++) samples.push(sampleReplication(sc, r));
    for (const check of c.checks(sc)) {
      const values = samples.map(check.statistic);
      const ci = tInterval(values);
      rows.push({
        scenario: sc.name,
        check: check.label,
        theory: check.theory,
        mean: mean(values),
        ci95: ci,
        replications: reps,
        ok: ci !== null && ci[0] <= check.theory && check.theory <= ci[1],
      });
    }
    if (c.exact) {
      const e = c.exact(samples);
      rows.push({
        scenario: sc.name,
        check: e.label,
        theory: e.theory,
        mean: e.observed,
        ci95: null,
        replications: reps,
        ok: e.ok,
      });
    }
  }
  return rows;
}

export function formatValidation(rows: ValidationRow[]): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(5) : "—");
  const header = ["scenario", "check", "theory", "simulated mean", "95% interval", "reps", "verdict"];
  const body = rows.map((r) => [
    r.scenario,
    r.check,
    fmt(r.theory),
    fmt(r.mean),
    r.ci95 ? `[${fmt(r.ci95[0])}, ${fmt(r.ci95[1])}]` : "exact",
    String(r.replications),
    r.ok ? "pass" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
