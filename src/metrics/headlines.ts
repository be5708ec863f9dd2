// The run's first lines: the recommended arm, then for every arm what changed for users against the baseline,
// in plain words and in the order of the effects that matter (docs/decisions.md §1): users who finally fail,
// the requests a failed job hits (each arm's own, and how many), the users' tail and mean latency, the failed
// submissions users see before a resubmission recovers them, the extra GPU time. Only changes whose 95 % paired
// interval excludes 0 are said, harms as well as gains; "no extra GPU time" is said when the arm is not shown to
// use more. Pure.
import type { ArmReplications } from "./decisions.js";
import { FIGURES } from "./figures.js";
import { type PairedDifference, pairedDifference } from "./intervals.js";
import type { ReplicationStats } from "./replication-stats.js";
import type { ArmStatus, Verdict } from "./verdict.js";
import { noRecommendation, whyKeepBaseline } from "./verdict-text.js";

export type EffectName =
  | "users_failed"
  | "hit_latency"
  | "hit_requests"
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
  /** The same in words, e.g. "requests a failed job hits wait 206 s → 41.2 s (−165 s [−169, −161 s])". */
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
  /**
   * The recommendation (to keep the baseline, and why, when the verdict keeps it), or why there is none (the
   * bound no arm meets and the arm closest to it).
   */
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

/** Seconds in words without a sign: "206 s", "41.2 s". */
const plainSeconds = (x: number) => signedSeconds(x).slice(1);

/** A count with thousands separators: "1,027". */
const count = (n: number) => n.toLocaleString("en-US");

/** The means of a figure over the replications where both arms have a value (their difference is the paired one). */
function meansWhereBoth(
  base: readonly ReplicationStats[],
  arm: readonly ReplicationStats[],
  f: (r: ReplicationStats) => number,
): [number, number] {
  const both = arm.flatMap((r, i) => (i < base.length && Number.isFinite(f(r) - f(base[i])) ? [i] : []));
  const mean = (reps: readonly ReplicationStats[]) => both.reduce((t, i) => t + f(reps[i]), 0) / both.length;
  return [mean(base), mean(arm)];
}

const interval = (ci: [number, number] | null) =>
  ci === null ? "" : ` [${signedSeconds(ci[0]).replace(" s", "")}, ${signedSeconds(ci[1])}]`;

function pairedOn(
  arm: readonly ReplicationStats[],
  base: readonly ReplicationStats[],
  f: (r: ReplicationStats) => number,
) {
  return pairedDifference(arm.map(f), base.map(f));
}

/** The effects of one arm against the baseline, in the order of docs/decisions.md §1. */
export function armEffects(arm: readonly ReplicationStats[], base: readonly ReplicationStats[]): Effect[] {
  const effects: Effect[] = [];
  const add = (effect: EffectName, d: PairedDifference, text: string) =>
    effects.push({ effect, harm: (d.diff ?? 0) > 0, difference: d.diff ?? 0, ci95: d.ci95, text });

  const finallyFailed = pairedOn(arm, base, (r) => r.users_failed);
  const [usersBefore, usersAfter] = [sum(base, (r) => r.users_failed), sum(arm, (r) => r.users_failed)];
  if (finallyFailed.significant)
    add(
      "users_failed",
      finallyFailed,
      `users whose request finally failed ${count(usersBefore)} → ${count(usersAfter)}`,
    );

  // each arm's own hit requests (docs/decisions.md §5): a failure a rule moves to another request is counted there
  const hitLatency = pairedOn(arm, base, (r) => r.affected_latency_s);
  const hitCount = pairedOn(arm, base, (r) => r.affected);
  const [hitBefore, hitAfter] = [sum(base, (r) => r.affected), sum(arm, (r) => r.affected)];
  if (hitLatency.diff !== null && hitLatency.significant) {
    const [before, after] = meansWhereBoth(base, arm, (r) => r.affected_latency_s);
    const many = hitCount.significant ? "" : `, ${count(hitAfter)} of them (baseline ${count(hitBefore)})`;
    add(
      "hit_latency",
      hitLatency,
      `requests a failed job hits wait ${plainSeconds(before)} → ${plainSeconds(after)} (${signedSeconds(hitLatency.diff)}${interval(hitLatency.ci95)})${many}`,
    );
  }
  if (hitCount.diff !== null && hitCount.significant)
    add(
      "hit_requests",
      hitCount,
      `${hitCount.diff > 0 ? "more" : "fewer"} requests hit by a failed job: ${count(hitBefore)} → ${count(hitAfter)}`,
    );

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
      `failed requests ${count(before)} → ${count(after)}${recovered}${failed.significant ? "" : " (within noise)"}`,
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
  affected_latency_s: "the requests a failed job hits",
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
export function headlines(verdict: Verdict, arms: readonly ArmReplications[]): Headlines {
  const base = arms[0];
  return {
    objective: verdict.objective.name,
    baseline: base?.policy ?? "",
    replications: verdict.replications,
    recommended: verdict.recommended,
    sentence:
      verdict.recommended === null
        ? `no recommendation: ${noRecommendation(verdict)}`
        : verdict.keeps_baseline
          ? `recommended: keep ${verdict.recommended} (the baseline): ${whyKeepBaseline(verdict)}`
          : `recommended: ${verdict.recommended}`,
    arms: arms.map((a, i) => {
      const s = standing(verdict, a.policy, i);
      return {
        name: a.policy,
        status: s.status,
        standing: s.words,
        effects: i === 0 ? [] : armEffects(a.reps, base.reps),
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
