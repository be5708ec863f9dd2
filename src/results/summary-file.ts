// The shape of summary.json (the run's headline figures) as the report reads it, and a tolerant normaliser:
// a missing or null number becomes null, so that every chart and table can show "n/a" instead of throwing.

import type { Headlines } from "../metrics/headlines.js";
import type { Estimate } from "../metrics/intervals.js";
import type { Verdict } from "../metrics/verdict.js";

/** A figure averaged over replications, with its 95 % Student-t interval (null with one replication). */
export type { Estimate };

export interface LatencyEstimates {
  mean: Estimate;
  p50: Estimate;
  p90: Estimate;
  p99: Estimate;
  max: Estimate;
}

/** A paired difference (arm − baseline) over common-random-number replications. */
export interface PairedDiff {
  diff: number | null;
  ci95: [number, number] | null;
  significant: boolean | null;
  n: number | null;
}

export const VS_BASELINE_KEYS = [
  "success_rate",
  "latency_mean_s",
  "latency_p99_s",
  "time_to_failure_s",
  "affected_latency_s",
  "wasted_gpu_s",
  "user_success_rate",
  "user_latency_p99_s",
] as const;
export type VsBaselineKey = (typeof VS_BASELINE_KEYS)[number];

export interface PolicySummary {
  name: string;
  requests: number | null;
  completed: number | null;
  faulted: number | null;
  expired: number | null;
  abandoned: number | null;
  open: number | null;
  success_rate: Estimate;
  latency_s: LatencyEstimates;
  time_to_failure_s: Estimate;
  attempts_per_request: Estimate;
  wasted_gpu_s: Estimate;
  hedges: Estimate;
  /** Requests hit by at least one failed job (stale abort, reported fault, late result), per replication. */
  affected: Estimate;
  /** Mean submit-to-end latency (s) of those requests that ended. */
  affected_latency_s: Estimate;
  user: { success_rate: Estimate; latency_s: LatencyEstimates };
  vs_baseline: Record<VsBaselineKey, PairedDiff> | null;
}

export interface Summary {
  scenario: { name: string; sha256: string };
  seed: number | null;
  replications: number | null;
  warmup_s: number | null;
  horizon_s: number | null;
  /** The first policy is the baseline. */
  policies: PolicySummary[];
  /** The verdict per objective of the scenario (metrics/decisions.ts: decideAll), when the run wrote one. */
  decisions: Verdict[] | null;
  /** The recommendation and every arm's changes in words (metrics/headlines.ts), when the run wrote them. */
  headlines: Headlines | null;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

export function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function interval(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const lo = num(v[0]);
  const hi = num(v[1]);
  return lo === null || hi === null ? null : [lo, hi];
}

function estimate(v: unknown): Estimate {
  // a bare number is accepted as a mean without interval
  if (typeof v === "number") return { mean: num(v), ci95: null };
  const o = obj(v);
  return { mean: num(o.mean), ci95: interval(o.ci95) };
}

function latency(v: unknown): LatencyEstimates {
  const o = obj(v);
  return {
    mean: estimate(o.mean),
    p50: estimate(o.p50),
    p90: estimate(o.p90),
    p99: estimate(o.p99),
    max: estimate(o.max),
  };
}

function pairedDiff(v: unknown): PairedDiff {
  const o = obj(v);
  return {
    diff: num(o.diff),
    ci95: interval(o.ci95),
    significant: typeof o.significant === "boolean" ? o.significant : null,
    n: num(o.n),
  };
}

function policy(v: unknown, index: number): PolicySummary {
  const o = obj(v);
  const user = obj(o.user);
  const vs = o.vs_baseline;
  let vsBaseline: Record<VsBaselineKey, PairedDiff> | null = null;
  if (vs !== null && typeof vs === "object") {
    const vo = obj(vs);
    vsBaseline = Object.fromEntries(VS_BASELINE_KEYS.map((k) => [k, pairedDiff(vo[k])])) as Record<
      VsBaselineKey,
      PairedDiff
    >;
  }
  return {
    name: typeof o.name === "string" && o.name !== "" ? o.name : `policy ${index + 1}`,
    requests: num(o.requests),
    completed: num(o.completed),
    faulted: num(o.faulted),
    expired: num(o.expired),
    abandoned: num(o.abandoned),
    open: num(o.open),
    success_rate: estimate(o.success_rate),
    latency_s: latency(o.latency_s),
    time_to_failure_s: estimate(o.time_to_failure_s),
    attempts_per_request: estimate(o.attempts_per_request),
    wasted_gpu_s: estimate(o.wasted_gpu_s),
    hedges: estimate(o.hedges),
    affected: estimate(o.affected),
    affected_latency_s: estimate(o.affected_latency_s),
    user: { success_rate: estimate(user.success_rate), latency_s: latency(user.latency_s) },
    vs_baseline: vsBaseline,
  };
}

/** Reads the parsed JSON of summary.json into a Summary, filling what is missing with nulls. */
export function normalizeSummary(raw: unknown): Summary {
  const o = obj(raw);
  const sc = obj(o.scenario);
  const policies = Array.isArray(o.policies) ? o.policies.map(policy) : [];
  return {
    scenario: {
      name: typeof sc.name === "string" ? sc.name : "unnamed scenario",
      sha256: typeof sc.sha256 === "string" ? sc.sha256 : "",
    },
    seed: num(o.seed),
    replications: num(o.replications),
    warmup_s: num(o.warmup_s),
    horizon_s: num(o.horizon_s),
    policies,
    decisions: Array.isArray(o.decisions) ? o.decisions.filter(isVerdict) : null,
    headlines: isHeadlines(o.headlines) ? o.headlines : null,
  };
}

/** Enough of the headlines' shape for the report to render them. */
function isHeadlines(v: unknown): v is Headlines {
  const o = obj(v);
  return (
    typeof o.sentence === "string" &&
    typeof o.baseline === "string" &&
    Array.isArray(o.arms) &&
    o.arms.every((a) => {
      const x = obj(a);
      return typeof x.name === "string" && typeof x.standing === "string" && Array.isArray(x.effects);
    })
  );
}

/** Enough of a verdict's shape for the report to render it; anything else is left out. */
function isVerdict(v: unknown): v is Verdict {
  const o = obj(v);
  const objective = obj(o.objective);
  return (
    typeof objective.name === "string" &&
    typeof objective.minimise === "string" &&
    Array.isArray(objective.subject_to) &&
    Array.isArray(o.arms) &&
    o.arms.every((a) => typeof obj(a).name === "string" && typeof obj(a).status === "string") &&
    Array.isArray(o.notes)
  );
}
