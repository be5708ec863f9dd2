// The run's first lines: the recommended arm, then for every arm what changed for users against the baseline,
// in plain words and in the order of the effects that matter (docs/decisions.md §1): users who finally fail,
// the requests a failed job hits, the users' tail and mean latency, the failed submissions users see before
// a resubmission recovers them, the extra GPU time. Only changes whose 95 % paired interval excludes 0 are
// said, harms as well as gains; "no extra GPU time" is said when the arm is not shown to use more. Pure.
import type { ArmReplications } from "./decisions.js";
import { FIGURES } from "./figures.js";
import { type PairedDifference, pairedDifference } from "./intervals.js";
import type { ArmPairedEstimate } from "./paired-collector.js";
import type { ReplicationStats } from "./replication-stats.js";
import type { ArmStatus, Verdict } from "./verdict.js";
import { noRecommendation } from "./verdict-text.js";

export type EffectName =
  | "users_failed"
  | "hit_latency"
  | "user_latency_p99"
  | "user_latency_mean"
  | "failed_requests"
  | "extra_gpu";

/** One change against the baseline: arm − baseline (per replication, or pooled where said), its interval. */
export interface Effect {
  effect: EffectName;
  /** Better for users (or cheaper) when false. */
  harm: boolean;
  difference: number;
  ci95: [number, number] | null;
  /** The same in words, e.g. "−190 s for the 0.14 % of requests a failed job hits". */
  text: string;
}

export interface ArmHeadline {
  name: string;
  /** The verdict's status; "baseline" for the first arm when it is not recommended. */
  status: ArmStatus | "baseline";
  /** Words for the status, e.g. "worse on failed submissions than heartbeat+exclude". */
  standing: string;
  effects: Effect[];
}

export interface Headlines {
  objective: string;
  baseline: string;
  replications: number;
  recommended: string | null;
  /** The recommendation, or why there is none (the bound no arm meets and the arm closest to it). */
  sentence: string;
  arms: ArmHeadline[];
}

const sum = (reps: readonly ReplicationStats[], f: (r: ReplicationStats) => number) =>
  reps.reduce((t, r) => t + f(r), 0);

const failedRequests = (r: ReplicationStats) => r.faulted + r.expired;

/** Seconds in words, three significant digits, with a real minus sign: "−190 s", "+0.282 s". */
export function signedSeconds(x: number): string {
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.max(Math.abs(x), 1e-9))));
  const text = Math.abs(x).toFixed(Math.min(digits, 3));
  return `${x < 0 ? "−" : "+"}${text} s`;
}

/** A share as a percentage with two significant digits: "0.14 %". */
function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return "0 %";
  const digits = Math.max(0, 1 - Math.floor(Math.log10(Math.abs(p))));
  return `${p.toFixed(Math.min(digits, 6))} %`;
}

const interval = (ci: [number, number] | null) =>
  ci === null ? "" : ` [${signedSeconds(ci[0]).replace(" s", "")}, ${signedSeconds(ci[1])}]`;

const excludesZero = (ci: [number, number] | null) => ci !== null && (ci[0] > 0 || ci[1] < 0);

function pairedOn(
  arm: readonly ReplicationStats[],
  base: readonly ReplicationStats[],
  f: (r: ReplicationStats) => number,
) {
  return pairedDifference(arm.map(f), base.map(f));
}

/** The effects of one arm against the baseline, in the order of docs/decisions.md §1. */
export function armEffects(
  arm: readonly ReplicationStats[],
  base: readonly ReplicationStats[],
  paired: ArmPairedEstimate | null,
): Effect[] {
  const effects: Effect[] = [];
  const add = (effect: EffectName, d: PairedDifference, text: string) =>
    effects.push({ effect, harm: (d.diff ?? 0) > 0, difference: d.diff ?? 0, ci95: d.ci95, text });

  const finallyFailed = pairedOn(arm, base, (r) => r.users_failed);
  const [usersBefore, usersAfter] = [sum(base, (r) => r.users_failed), sum(arm, (r) => r.users_failed)];
  if (finallyFailed.significant)
    add("users_failed", finallyFailed, `users whose request finally failed ${usersBefore} → ${usersAfter}`);

  if (paired !== null && paired.mean !== null && excludesZero(paired.ci95)) {
    const hit = paired.replications.reduce((t, r) => t + r.hit, 0);
    const requests = paired.replication_numbers.reduce((t, r) => t + (base[r - 1]?.requests ?? 0), 0);
    const share = requests > 0 ? ` the ${percent(hit / requests)} of` : "";
    add(
      "hit_latency",
      { diff: paired.mean, ci95: paired.ci95, significant: true, n: paired.n },
      `${signedSeconds(paired.mean)}${interval(paired.ci95)} for${share} requests a failed job hits`,
    );
  }

  for (const [effect, f, label] of [
    ["user_latency_p99", (r: ReplicationStats) => r.user_latency.p99, "p99 latency"],
    ["user_latency_mean", (r: ReplicationStats) => r.user_latency.mean, "mean latency"],
  ] as const) {
    const d = pairedOn(arm, base, f);
    if (d.diff !== null && d.significant) add(effect, d, `${label} ${signedSeconds(d.diff)}`);
  }

  // a count that changed is said even when the change is within noise (and then says so)
  const failed = pairedOn(arm, base, failedRequests);
  const [before, after] = [sum(base, failedRequests), sum(arm, failedRequests)];
  if (failed.diff !== null && before !== after) {
    const recovered = after > before && usersAfter === 0 ? ", all recovered by a resubmission" : "";
    add(
      "failed_requests",
      failed,
      `failed requests ${before} → ${after}${recovered}${failed.significant ? "" : " (within noise)"}`,
    );
  }

  const gpu = pairedOn(arm, base, (r) => r.wasted_gpu_s);
  if (gpu.diff !== null) {
    const gpuSeconds = Math.round(Math.abs(gpu.diff)).toLocaleString("en-US");
    add(
      "extra_gpu",
      gpu,
      !gpu.significant || gpu.diff === 0
        ? "no extra GPU time"
        : gpu.diff > 0
          ? `extra GPU time +${gpuSeconds} GPU-s a replication`
          : `wasted GPU time −${gpuSeconds} GPU-s a replication`,
    );
  }
  return effects;
}

const LABEL: Record<string, string> = {
  user_failure_rate: "users who finally failed",
  hit_latency_change_s: "the requests a failed job hits",
  user_latency_p99_s: "users' p99 latency",
  user_latency_mean_s: "users' mean latency",
  failure_rate: "failed requests",
  wasted_gpu_s: "extra GPU time",
};

function standing(v: Verdict, name: string, index: number): { status: ArmStatus | "baseline"; words: string } {
  const a = v.arms.find((x) => x.name === name);
  if (a === undefined) return { status: "baseline", words: "not judged" };
  const on = LABEL[a.on] ?? FIGURES[a.on].label;
  const words: Record<ArmStatus, string> = {
    recommended: "recommended",
    "not-separated": `cannot be told apart from the recommended arm on ${on}`,
    "within-indifference": "equivalent to the recommended arm (every difference within its δ)",
    identical: "identical to the recommended arm",
    worse: `worse on ${on}${a.worse_than === null ? "" : ` than ${a.worse_than}`}`,
    infeasible: `breaks a bound (${a.constraints
      .filter((c) => c.status === "violated")
      .map((c) => LABEL[c.figure] ?? FIGURES[c.figure].label)
      .join(", ")})`,
    "not-shown-feasible": "not shown to meet the bounds yet",
    "no-value": "no value to judge",
  };
  if (index === 0 && a.status !== "recommended") return { status: "baseline", words: `baseline; ${words[a.status]}` };
  return { status: a.status, words: words[a.status] };
}

/** The headlines of a run: the first verdict's recommendation and every arm's effects against the first arm. */
export function headlines(
  verdict: Verdict,
  arms: readonly ArmReplications[],
  paired: readonly (ArmPairedEstimate | null)[],
): Headlines {
  const base = arms[0];
  return {
    objective: verdict.objective.name,
    baseline: base?.policy ?? "",
    replications: verdict.replications,
    recommended: verdict.recommended,
    sentence:
      verdict.recommended === null
        ? `no recommendation: ${noRecommendation(verdict)}`
        : `recommended: ${verdict.recommended}`,
    arms: arms.map((a, i) => {
      const s = standing(verdict, a.policy, i);
      return {
        name: a.policy,
        status: s.status,
        standing: s.words,
        effects: i === 0 ? [] : armEffects(a.reps, base.reps, paired[i] ?? null),
      };
    }),
  };
}

/** The first lines `run` prints: the recommendation, then one line per arm (the recommended one first). */
export function formatHeadlines(h: Headlines): string {
  const width = Math.max(...h.arms.map((a) => a.name.length));
  const order = [...h.arms].sort((a, b) => Number(b.name === h.recommended) - Number(a.name === h.recommended));
  const lines = [
    `${h.sentence} (objective ${h.objective}, ${h.replications} replication${h.replications === 1 ? "" : "s"}; docs/decisions.md)`,
    `what changes for users against ${h.baseline} (95 % paired intervals; counts are totals over the replications):`,
  ];
  for (const a of order) {
    if (a.name === h.baseline && a.name !== h.recommended) continue;
    const said =
      a.effects.length === 0
        ? a.name === h.baseline
          ? "the baseline: no change"
          : "no change shown"
        : a.effects.map((e) => e.text).join("; ");
    lines.push(`  ${a.name.padEnd(width)}  ${a.standing}: ${said}`);
  }
  const base = h.arms.find((a) => a.name === h.baseline);
  if (base !== undefined && base.name !== h.recommended) lines.push(`  ${base.name.padEnd(width)}  ${base.standing}`);
  return lines.join("\n");
}
