// Which arm to deploy for one objective, from per-arm per-replication figures (common random numbers:
// replication r of every arm used the same seed, so arms are compared by paired differences).
//
// Feasibility: an arm meets a bound when the one-sided upper confidence bound (level 95 %) of the figure's
// mean is at most the bound, and violates it when the one-sided lower bound is above it; otherwise it is not
// yet shown either way. Only arms shown to meet every bound are ranked. Each check is at its own level,
// without a multiplicity adjustment.
//
// Ranking: subset selection with the paired variances (Nelson, Swann, Goldsman & Song 2001, "Simple
// procedures for selecting the best simulated system when the number of alternatives is large", Operations
// Research 49(6):950–963, the screening step; Kim & Nelson 2006, "Selecting the best system", Handbooks in
// OR & MS 13, ch. 17, with the Bonferroni critical value that holds under any correlation, so under common
// random numbers). Arm i is worse when, for some other ranked arm l, the mean of the paired differences
// x_i − x_l exceeds W_il = t_{1−α/m, n−1} · S_il / √n (m = ranked arms − 1). The arm with the lowest true mean
// is then marked worse with probability at most α, by the union bound over its m comparisons, whatever the
// other means (per-replication figures approximately normal). The recommendation is the baseline (the first
// arm) when it is not eliminated: the burden of proof is on a change. Otherwise the lowest sample mean among the
// arms not marked worse; ties go to the arm listed first.
import type { Objective } from "../scenario/types.js";
import { FIGURES, type FigureName, type FigureValues } from "./figures.js";
import { halfWidth, pairedDifferences, replicationsNeeded, type SampleStats, sampleStats } from "./sample.js";

export interface ArmInput {
  name: string;
  /** Per-replication values of at least the objective's figures, in replication order; NaN where undefined. */
  values: FigureValues;
}

export type ConstraintStatus = "met" | "violated" | "not-shown" | "no-value";

export interface ConstraintCheck {
  figure: FigureName;
  max: number;
  /** The bound is on the arm's figure minus the baseline's, paired by replication (mean, lower, upper too). */
  relative: boolean;
  /** Replications with a value. */
  n: number;
  mean: number | null;
  /** One-sided confidence bounds of the mean at the verdict's level; null with fewer than two values. */
  lower: number | null;
  upper: number | null;
  status: ConstraintStatus;
  /** For "not-shown": replications in all at which the bound would decide, if mean and spread stay; else null. */
  replications_needed: number | null;
}

export type ArmStatus =
  | "recommended"
  /** Not shown worse than any ranked arm: it may still be the best. */
  | "not-separated"
  /** Its difference from the recommended arm is shown smaller than the indifference δ. */
  | "within-indifference"
  /** The same value as the recommended arm in every replication. */
  | "identical"
  | "worse"
  | "infeasible"
  | "not-shown-feasible"
  /** Feasible, but the objective's figure has no value in any replication. */
  | "no-value";

/** This arm minus the recommended arm, over the replications where both have a value. */
export interface Comparison {
  n: number;
  mean: number | null;
  sd: number | null;
  /** mean ∓ W: one-sided bounds at the Bonferroni level 1 − α/m; null with fewer than two pairs. */
  lower: number | null;
  upper: number | null;
}

export interface ReplicationsNeeded {
  /** Replications in all (not more) for the pair to separate or be shown within δ; null: no finite number. */
  total: number | null;
  to: "separate" | "show-within-indifference" | "settle-bounds" | null;
  /** Why there is no number, when there is none. */
  reason: string | null;
}

export interface ArmVerdict {
  name: string;
  status: ArmStatus;
  /** The objective's first figure (`minimise`). */
  objective: { n: number; mean: number | null };
  constraints: ConstraintCheck[];
  /** The figure `vs_recommended` and the status are about: where it was shown worse, or still open. */
  on: FigureName;
  vs_recommended: Comparison | null;
  /** The ranked arm it was shown worse than (the recommended one when it is among them). */
  worse_than: string | null;
  /** For "not-separated" arms (to separate from the recommended one) and "not-shown-feasible" ones. */
  replications_needed: ReplicationsNeeded | null;
}

/** One effect judged, in the objective's order, among the arms the effects before it kept. */
export interface VerdictStep {
  figure: FigureName;
  indifference: number;
  /** The arms judged on it (in the scenario's order); empty when it was skipped. */
  ranked: string[];
  /** The lowest mean among them not shown worse than another. */
  best: string | null;
  /** Shown worse, by more than δ (or not shown within δ), than another arm judged here: no further. */
  dropped: string[];
  /** Why no arm was judged on it, when none was. */
  skipped: string | null;
}

export interface Verdict {
  objective: Objective;
  level: number;
  /** The most replications any arm has. */
  replications: number;
  recommended: string | null;
  /**
   * The recommendation is to keep the baseline (the first arm, of several): it was not eliminated, so no other
   * arm is shown better than it (by more than δ); the arms left beside it are compared with it.
   */
  keeps_baseline: boolean;
  /**
   * Replications in all after which every open question would be settled if means and spreads stayed as
   * estimated: each not-separated arm against the recommended one, and the bounds of each arm not shown
   * feasible whose mean is lower than the recommended one's. Null if some never would.
   */
  replications_to_decide: number | null;
  method: { feasibility: string; ranking: string; replications_needed: string };
  /** The objective's effects in order: `minimise`, then each of `next`. */
  steps: VerdictStep[];
  arms: ArmVerdict[];
  notes: string[];
}

const num = (x: number) => (Number.isFinite(x) ? x : null);

function valuesOf(arm: ArmInput, figure: FigureName): readonly number[] {
  const v = arm.values[figure];
  if (v === undefined) throw new Error(`the verdict needs ${figure} for arm ${arm.name}`);
  return v;
}

function checkConstraint(
  values: readonly number[],
  c: { figure: FigureName; max: number; relative: boolean },
  level: number,
): ConstraintCheck {
  const s = sampleStats(values);
  const base = { ...c, n: s.n, mean: num(s.mean), lower: null, upper: null, replications_needed: null };
  if (s.n === 0) return { ...base, status: "no-value" };
  const hw = halfWidth(s, level);
  if (hw === null) return { ...base, status: s.mean <= c.max ? "met" : "violated" };
  const lower = s.mean - hw;
  const upper = s.mean + hw;
  const status: ConstraintStatus = upper <= c.max ? "met" : lower > c.max ? "violated" : "not-shown";
  return {
    ...base,
    lower,
    upper,
    status,
    replications_needed:
      status === "not-shown" ? replicationsNeeded(s.sd, Math.abs(c.max - s.mean), level, s.n + 1) : null,
  };
}

function feasibility(checks: ConstraintCheck[]): ArmStatus | null {
  if (checks.some((c) => c.status === "violated")) return "infeasible";
  if (checks.some((c) => c.status !== "met")) return "not-shown-feasible";
  return null;
}

interface Ranked {
  index: number;
  x: readonly number[];
  own: SampleStats;
}

/** The objective's effects in order. */
export function objectiveSteps(o: Objective): { figure: FigureName; indifference: number }[] {
  return [
    { figure: o.minimise, indifference: o.indifference },
    ...(o.next ?? []).map((t) => ({ figure: t.minimise, indifference: t.indifference })),
  ];
}

/** Bonferroni subset selection among `ranked` (at least one): who is shown worse than whom, and the best. */
function screen(ranked: readonly Ranked[], alpha: number, level: number) {
  const m = ranked.length - 1;
  const screenLevel = m > 0 ? 1 - alpha / m : level;
  // worse[i] = the ranked arms arm i is shown worse than.
  const worse = new Map<number, number[]>();
  let missingPairs = false;
  for (const a of ranked) {
    for (const b of ranked) {
      if (a === b) continue;
      const s = sampleStats(pairedDifferences(a.x, b.x));
      const w = halfWidth(s, screenLevel);
      if (w === null) {
        missingPairs = true;
        continue;
      }
      if (s.mean > w) worse.set(a.index, [...(worse.get(a.index) ?? []), b.index]);
    }
  }
  let rec = lowest(ranked.filter((r) => !worse.has(r.index)));
  const inconsistent = rec === null;
  if (rec === null) rec = lowest(ranked) as Ranked;
  return { rec, worse, screenLevel, missingPairs, inconsistent };
}

const lowest = (cands: readonly Ranked[]) =>
  cands.reduce<Ranked | null>((best, c) => (best === null || c.own.mean < best.own.mean ? c : best), null);

/** Arm r against `rec` on one figure: its comparison and how it stands, δ and the level given. */
function compare(r: Ranked, rec: Ranked, delta: number, screenLevel: number) {
  const d = sampleStats(pairedDifferences(r.x, rec.x));
  const w = halfWidth(d, screenLevel);
  const comparison: Comparison = {
    n: d.n,
    mean: num(d.mean),
    sd: num(d.sd),
    lower: w === null ? null : d.mean - w,
    upper: w === null ? null : d.mean + w,
  };
  const stand: "identical" | "within-indifference" | "open" =
    w !== null && d.sd === 0 && d.mean === 0
      ? "identical"
      : w !== null && delta > 0 && d.mean - w > -delta && d.mean + w < delta
        ? "within-indifference"
        : "open";
  return { d, comparison, stand };
}

export interface DecideOptions {
  /** The level of every bound and interval. */
  level?: number;
  /**
   * The first arm is the baseline a change must beat: recommended whenever the elimination keeps it (default).
   * False where the first arm is only the first listed (a sweep's best arm on one figure).
   */
  keepBaseline?: boolean;
}

/**
 * The verdict for one objective. `arms` in the scenario's order (the baseline first). With `next`, the effects
 * are judged in order: each keeps the arms not shown worse on it (or shown within its δ of its best), and the
 * next judges only those. The recommendation is the baseline when it is kept, else the kept arm with the lowest
 * mean on the first effect.
 */
export function decide(objective: Objective, arms: readonly ArmInput[], options: DecideOptions = {}): Verdict {
  const level = options.level ?? 0.95;
  const keepBaseline = options.keepBaseline ?? true;
  const alpha = 1 - level;
  const notes: string[] = [];
  const { minimise } = objective;
  const steps = objectiveSteps(objective);
  const replications = Math.max(0, ...arms.map((a) => valuesOf(a, minimise).length));
  const baseline = arms[0];
  const out: ArmVerdict[] = arms.map((arm) => {
    const own = sampleStats(valuesOf(arm, minimise));
    const constraints = objective.subject_to.map((c) => {
      const relative = c.relative === true;
      const values = valuesOf(arm, c.figure);
      return checkConstraint(
        relative ? pairedDifferences(values, valuesOf(baseline, c.figure)) : values,
        { figure: c.figure, max: c.max, relative },
        level,
      );
    });
    const status = feasibility(constraints) ?? "not-separated";
    return {
      name: arm.name,
      status,
      objective: { n: own.n, mean: num(own.mean) },
      constraints,
      on: minimise,
      vs_recommended: null,
      worse_than: null,
      replications_needed: null,
    };
  });

  let kept = arms.map((_, i) => i).filter((i) => out[i].status === "not-separated");
  const judged: VerdictStep[] = [];
  let missingPairs = false;
  let inconsistent = false;
  /** Per step: the ranked arms' values and the level their comparisons use. */
  const stepData: { ranked: Map<number, Ranked>; screenLevel: number }[] = [];
  /** Per dropped arm: the step it was dropped on and the arms it was shown worse than there. */
  const droppedOn = new Map<number, { step: number; by: number[] }>();
  steps.forEach((step, k) => {
    const ranked: Ranked[] = [];
    for (const index of kept) {
      const x = valuesOf(arms[index], step.figure);
      const own = sampleStats(x);
      if (own.n > 0) ranked.push({ index, x, own });
    }
    const info: VerdictStep = { ...step, ranked: [], best: null, dropped: [], skipped: null };
    judged.push(info);
    stepData.push({ ranked: new Map(ranked.map((r) => [r.index, r])), screenLevel: level });
    if (ranked.length === 0) {
      info.skipped = kept.length === 0 ? "no arm left to judge" : "no arm has a value";
      return;
    }
    if (k === 0) {
      // an arm without a value of the first effect cannot be ranked on it while others can
      for (const i of kept) if (!stepData[0].ranked.has(i)) out[i].status = "no-value";
      kept = ranked.map((r) => r.index);
    }
    if (ranked.length === 1 && k > 0) {
      info.ranked = [arms[ranked[0].index].name];
      info.best = info.ranked[0];
      return;
    }
    const s = screen(ranked, alpha, level);
    missingPairs ||= s.missingPairs && replications > 1;
    inconsistent ||= s.inconsistent;
    stepData[k].screenLevel = s.screenLevel;
    info.ranked = ranked.map((r) => arms[r.index].name);
    info.best = arms[s.rec.index].name;
    const drop = new Set<number>();
    for (const r of ranked) {
      if (r === s.rec) continue;
      const by = s.worse.get(r.index);
      const { comparison, stand } = compare(r, s.rec, step.indifference, s.screenLevel);
      if (by === undefined || stand !== "open") continue;
      drop.add(r.index);
      droppedOn.set(r.index, { step: k, by });
      const v = out[r.index];
      v.status = "worse";
      v.on = step.figure;
      v.vs_recommended = comparison;
      v.worse_than = arms[by.includes(s.rec.index) ? s.rec.index : by[0]].name;
    }
    info.dropped = [...drop].map((i) => arms[i].name);
    kept = kept.filter((i) => !drop.has(i));
  });
  if (inconsistent)
    notes.push(
      "every ranked arm is shown worse than another on the replications both have a value: missing values make the comparisons inconsistent",
    );

  const first = stepData.find((d) => d.ranked.size > 0)?.ranked ?? new Map<number, Ranked>();
  const candidates = kept.map((i) => first.get(i)).filter((r): r is Ranked => r !== undefined);
  // the burden of proof is on a change: a baseline no arm beat (by more than δ) stays
  const keptBaseline = keepBaseline && arms.length > 1 ? (candidates.find((r) => r.index === 0) ?? null) : null;
  const rec = keptBaseline ?? lowest(candidates);
  if (rec === null) for (const i of kept) out[i].status = "no-value";
  if (rec !== null) {
    out[rec.index].status = "recommended";
    for (const i of kept) {
      if (i === rec.index) continue;
      settle(out[i], i, rec.index);
    }
  }
  if (keptBaseline !== null) for (const [i, at] of droppedOn) againstBaseline(out[i], i, at);

  /**
   * A dropped arm against the kept baseline on the effect it was dropped on, rather than against that effect's
   * best: the baseline when it was shown worse than it, else the arm it was shown worse than.
   */
  function againstBaseline(v: ArmVerdict, i: number, at: { step: number; by: number[] }): void {
    const a = stepData[at.step].ranked.get(i);
    const b = stepData[at.step].ranked.get(0);
    if (a === undefined || b === undefined) return;
    v.vs_recommended = compare(a, b, steps[at.step].indifference, stepData[at.step].screenLevel).comparison;
    if (at.by.includes(0)) v.worse_than = arms[0].name;
  }

  /** A kept arm against the recommended one: identical or within δ on every effect judged, else open on the first that is not. */
  function settle(v: ArmVerdict, i: number, recIndex: number): void {
    let status: ArmStatus = "identical";
    let shown: { on: FigureName; comparison: Comparison } | null = null;
    for (let k = 0; k < steps.length; k++) {
      const a = stepData[k].ranked.get(i);
      const b = stepData[k].ranked.get(recIndex);
      if (a === undefined || b === undefined) continue;
      const { d, comparison, stand } = compare(a, b, steps[k].indifference, stepData[k].screenLevel);
      shown ??= { on: steps[k].figure, comparison };
      if (stand === "identical") continue;
      if (stand === "within-indifference") {
        if (status === "identical") {
          status = "within-indifference";
          shown = { on: steps[k].figure, comparison };
        }
        continue;
      }
      v.status = "not-separated";
      v.on = steps[k].figure;
      v.vs_recommended = comparison;
      v.replications_needed = pairNeeds(d, steps[k].indifference, stepData[k].screenLevel);
      return;
    }
    v.status = status;
    if (shown !== null) {
      v.on = shown.on;
      v.vs_recommended = shown.comparison;
    }
  }

  if (replications === 1) notes.push("one replication: no intervals, every figure is judged on its single value");
  if (missingPairs)
    notes.push("some pairs of arms have fewer than two replications where both have a value: they are not compared");
  for (const step of judged)
    if (step.skipped !== null && kept.length > 0)
      notes.push(`${FIGURES[step.figure].label}: not judged (${step.skipped})`);
  const recMean = rec === null ? Number.POSITIVE_INFINITY : rec.own.mean;
  for (const v of out) {
    if (v.status === "not-shown-feasible") v.replications_needed = boundsNeeds(v.constraints);
  }
  const open = out
    .filter(
      (v) =>
        v.status === "not-separated" ||
        (v.status === "not-shown-feasible" && (v.objective.mean === null || v.objective.mean < recMean)),
    )
    .map((v) => v.replications_needed?.total ?? null);
  return {
    objective,
    level,
    replications,
    recommended: rec === null ? null : arms[rec.index].name,
    keeps_baseline: keptBaseline !== null,
    replications_to_decide:
      open.length === 0 ? replications : open.some((n) => n === null) ? null : Math.max(...(open as number[])),
    method: {
      feasibility: `a bound is met when the one-sided ${pct(level)} upper confidence bound of the mean is at most the bound, violated when the lower one is above it; a bound relative to the baseline is on the paired differences arm − baseline (a non-inferiority test with the bound's margin); only arms shown to meet every bound are ranked`,
      ranking: `an arm is worse when its mean paired difference from another ranked arm exceeds t(1 − ${fmtAlpha(alpha)}/m, n − 1) · S/√n, m = ranked arms − 1 (Bonferroni subset selection, Nelson et al. 2001): the truly best arm is kept with probability ≥ ${pct(level)}; equivalent (not worse) when that interval of its difference from the best lies inside ±δ; with several effects, each judges only the arms the ones before it kept; ${
        keepBaseline
          ? "the baseline (the first arm) is recommended when it is kept (the burden of proof is on a change), else the kept arm with the lowest mean on the first effect"
          : "the kept arm with the lowest mean on the first effect is recommended"
      }, ties to the arm listed first`,
      replications_needed:
        "the smallest N with t(p, N − 1) · S/√N below the margin (≈ (t·S/margin)²), margin = |mean difference| to separate, δ − mean difference to show it within δ, |bound − mean| to settle a bound; S as estimated so far",
    },
    steps: judged,
    arms: out,
    notes,
  };
}

function boundsNeeds(checks: ConstraintCheck[]): ReplicationsNeeded {
  const open = checks.filter((c) => c.status !== "met");
  if (open.some((c) => c.status === "no-value"))
    return { total: null, to: null, reason: "a bounded figure has no value in any replication" };
  const needs = open.map((c) => c.replications_needed);
  if (needs.some((n) => n === null))
    return { total: null, to: null, reason: "a bounded figure's mean is at its bound, or its spread is unknown" };
  return { total: Math.max(...(needs as number[])), to: "settle-bounds", reason: null };
}

function pairNeeds(d: SampleStats, delta: number, p: number): ReplicationsNeeded {
  if (d.n < 2)
    return {
      total: null,
      to: null,
      reason: "fewer than two replications where both have a value: no estimate of the spread yet",
    };
  // against a kept baseline the difference may be negative: the arm may yet be shown better than it
  const size = Math.abs(d.mean);
  const separate = size > 0 ? replicationsNeeded(d.sd, size, p, d.n + 1) : null;
  const within = delta > 0 && size < delta ? replicationsNeeded(d.sd, delta - size, p, d.n + 1) : null;
  if (separate !== null && (within === null || separate <= within))
    return { total: separate, to: "separate", reason: null };
  if (within !== null) return { total: within, to: "show-within-indifference", reason: null };
  return {
    total: null,
    to: null,
    reason:
      size === 0
        ? "the mean difference is 0: no number of replications separates them if it really is"
        : "more than a million replications",
  };
}

const pct = (level: number) => `${Number((level * 100).toFixed(4))} %`;
const fmtAlpha = (alpha: number) => String(Number(alpha.toFixed(6)));

/** The per-replication values `decide` needs from each arm, read by figure name. */
export function objectiveFigures(objective: Objective): FigureName[] {
  return [
    ...new Set([...objectiveSteps(objective).map((s) => s.figure), ...objective.subject_to.map((c) => c.figure)]),
  ];
}

/** Words for a figure, e.g. for the verdict's text. */
export const figureLabel = (f: FigureName) => FIGURES[f].label;
