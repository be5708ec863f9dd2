// Sequential replications to a target precision, as a pure controller: given the per-replication values so
// far it says whether to stop and how many replications to add. The decision depends only on the values.
//
// The stopping rule is Law's sequential procedure for a specified precision (A. M. Law, Simulation Modeling
// and Analysis, 5th ed., McGraw-Hill 2015, §9.4.1): after n ≥ n0 replications, with the half-width
// δ(n) = t_{n−1, 1−α/2} · S(n)/√n of the 100(1−α) % interval,
//   relative error γ:  stop when δ(n)/|X̄(n)| ≤ γ' = γ/(1 + γ) (the adjusted γ' makes the actual relative
//                      error |X̄ − μ|/|μ| at most γ; Law recommends n0 ≥ 10 and γ ≤ 0.15),
//   absolute error β:  stop when δ(n) ≤ β;
// every chosen (arm, figure) must meet its target. Where Law adds one replication at a time, the controller
// adds up to `batch` at once: as many as the current variance says are still needed (his approximate
// n*(β) = min{i ≥ n : t_{i−1, 1−α/2} · S(n)/√i ≤ β}), at least one, at most `batch` and the cap.
import { UserError } from "../errors.js";
import { FIGURES, type FigureName } from "./figures.js";
import { halfWidth, replicationsNeeded, sampleStats } from "./sample.js";
import type { ArmInput } from "./verdict.js";

export type PrecisionTarget =
  /** "5%": the half-width at most 5 % of |mean| (Law's γ). */
  | { kind: "relative"; gamma: number }
  /** "2s": the half-width at most 2 s, for figures in seconds. */
  | { kind: "seconds"; half_width: number }
  /** "0.001": the half-width at most 0.001 in the figure's own unit, for figures not in seconds (shares, counts). */
  | { kind: "absolute"; half_width: number };

export interface Precision {
  text: string;
  targets: PrecisionTarget[];
}

/** Law's recommended first stage for the relative procedure. */
export const DEFAULT_INITIAL_REPLICATIONS = 10;

const FORMS =
  "a relative half-width such as 5%, one in seconds such as 2s (for figures in seconds), or a number such as 0.001 (for shares and counts), or one of each kind, comma-separated (5%,0.0001)";

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|min|h)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600 };
const NUMBER = /^(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)$/;

function parseTarget(part: string, text: string): PrecisionTarget {
  const bad = (why: string) => new UserError(`--precision ${JSON.stringify(text)}: ${why}`);
  const percent = /^(\d+(?:\.\d+)?|\.\d+)%$/.exec(part);
  if (percent !== null) {
    const gamma = Number(percent[1]) / 100;
    if (!(gamma > 0 && gamma < 1))
      throw bad(`a relative half-width must be more than 0% and less than 100%, got ${part}`);
    return { kind: "relative", gamma };
  }
  const duration = DURATION.exec(part);
  if (duration !== null) {
    const seconds = Number(duration[1]) * UNIT_SECONDS[duration[2]];
    if (!(seconds > 0)) throw bad(`a half-width must be more than 0, got ${part}`);
    return { kind: "seconds", half_width: seconds };
  }
  const number = NUMBER.exec(part);
  if (number !== null) {
    const value = Number(number[1]);
    if (!(value > 0)) throw bad(`a half-width must be more than 0, got ${part}`);
    return { kind: "absolute", half_width: value };
  }
  throw bad(`expected ${FORMS}, got ${JSON.stringify(part)}`);
}

/** `--precision 5%`, `2s`, `0.001`, or one of each kind comma-separated (`2s,5%`); a UserError otherwise. */
export function parsePrecision(text: string): Precision {
  const parts = text
    .split(",")
    .map((p) => p.replace(/\s+/g, ""))
    .filter((p) => p !== "");
  if (parts.length === 0) throw new UserError(`--precision: expected ${FORMS}, got ${JSON.stringify(text)}`);
  const targets: PrecisionTarget[] = [];
  for (const part of parts) {
    const t = parseTarget(part, text);
    if (targets.some((u) => u.kind === t.kind))
      throw new UserError(`--precision ${JSON.stringify(text)}: more than one ${t.kind} target`);
    targets.push(t);
  }
  return { text, targets };
}

/**
 * The target that governs a figure: the one in its own kind of unit (a duration for figures in seconds, a
 * plain number for shares and counts), else the relative one. So `5%,0.0001` asks 5 % of every latency and
 * ±0.0001 of a failure rate, whose mean is too close to 0 for a relative target.
 */
export function targetFor(precision: Precision, figure: FigureName): PrecisionTarget | null {
  const of = (kind: PrecisionTarget["kind"]) => precision.targets.find((t) => t.kind === kind);
  return of(FIGURES[figure].unit === "seconds" ? "seconds" : "absolute") ?? of("relative") ?? null;
}

/** A UserError naming the figures `precision` gives no target for. */
export function requireTargets(precision: Precision, figures: readonly FigureName[]): void {
  const missing = figures.filter((f) => targetFor(precision, f) === null);
  if (missing.length === 0) return;
  const seconds = FIGURES[missing[0]].unit === "seconds";
  throw new UserError(
    `--precision ${precision.text} gives no target for ${missing.join(", ")} (${seconds ? "in seconds" : "not in seconds"}): add ${seconds ? "a duration" : "a number in its own unit"} (${precision.text},${seconds ? "2s" : "0.001"}) or a relative one (${precision.text},5%)`,
  );
}

export interface SequentialOptions {
  precision: Precision;
  /** The figures whose intervals must reach the target (the objective's figures). */
  figures: readonly FigureName[];
  /** First stage n0, at least 2. */
  initial: number;
  /** At most this many replications in all. */
  cap: number;
  /** At most this many replications added at once. */
  batch: number;
  /** Of the two-sided intervals (default 0.95). */
  level?: number;
}

export interface PrecisionCheck {
  arm: string;
  figure: FigureName;
  /** Replications with a value. */
  n: number;
  mean: number | null;
  half_width: number | null;
  /** The half-width to reach: β, or γ'·|mean| with γ' = γ/(1+γ). */
  target: number | null;
  reached: boolean;
  /** False when the figure has no value in any replication (e.g. no request hit by a failed job): left out. */
  measurable: boolean;
  /** Replications in all at which the target would be reached if the spread stayed; null: no finite number. */
  estimated_total: number | null;
}

export type SequentialDecision =
  | { stop: true; reason: "precision" | "cap"; replications: number; checks: PrecisionCheck[] }
  | { stop: false; more: number; replications: number; checks: PrecisionCheck[] };

function validate(o: SequentialOptions): void {
  if (!Number.isInteger(o.initial) || o.initial < 2)
    throw new UserError(`the first stage needs at least 2 replications, got ${o.initial}`);
  if (!Number.isInteger(o.cap) || o.cap < o.initial)
    throw new UserError(`the replication cap must be at least the first stage (${o.initial}), got ${o.cap}`);
  if (!Number.isInteger(o.batch) || o.batch < 1) throw new UserError(`the batch must be at least 1, got ${o.batch}`);
  requireTargets(o.precision, o.figures);
}

function check(arm: string, figure: FigureName, values: readonly number[], o: SequentialOptions, p: number) {
  const s = sampleStats(values);
  const target = targetFor(o.precision, figure) as PrecisionTarget;
  const hw = halfWidth(s, p);
  const goal =
    s.n === 0
      ? null
      : target.kind === "relative"
        ? (target.gamma / (1 + target.gamma)) * Math.abs(s.mean)
        : target.half_width;
  const reached = hw !== null && goal !== null && hw <= goal;
  return {
    arm,
    figure,
    n: s.n,
    mean: s.n === 0 ? null : s.mean,
    half_width: hw,
    target: goal,
    reached,
    measurable: s.n > 0,
    estimated_total: reached
      ? values.length
      : goal === null
        ? null
        : replicationsNeeded(s.sd, goal, p, values.length + 1),
  };
}

/** Whether to stop, and if not how many replications to add to every arm (they all run the same ones). */
export function nextStep(options: SequentialOptions, arms: readonly ArmInput[]): SequentialDecision {
  validate(options);
  const p = 1 - (1 - (options.level ?? 0.95)) / 2;
  const lengths = new Set(arms.flatMap((a) => options.figures.map((f) => a.values[f]?.length)));
  if (lengths.size !== 1 || lengths.has(undefined))
    throw new Error("every arm needs the same replications of every chosen figure");
  const n = [...lengths][0] as number;
  const checks = arms.flatMap((a) => options.figures.map((f) => check(a.name, f, a.values[f] ?? [], options, p)));
  if (n < options.initial) return { stop: false, more: options.initial - n, replications: n, checks };
  const open = checks.filter((c) => c.measurable && !c.reached);
  if (open.length === 0) return { stop: true, reason: "precision", replications: n, checks };
  if (n >= options.cap) return { stop: true, reason: "cap", replications: n, checks };
  const needed = Math.max(...open.map((c) => c.estimated_total ?? Number.POSITIVE_INFINITY));
  const more = Math.min(options.batch, options.cap - n, Math.max(1, needed - n));
  return { stop: false, more, replications: n, checks };
}

/** One line (or a few) for the terminal when the sequential procedure stops. */
export function formatStop(d: SequentialDecision & { stop: true }, precision: Precision): string {
  const unmeasured = d.checks.filter((c) => !c.measurable).map((c) => `${c.arm} ${c.figure}`);
  const lines =
    d.reason === "precision"
      ? [
          `precision ${precision.text} reached after ${d.replications} replications: every chosen interval is within its target`,
        ]
      : [
          `precision ${precision.text} not reached: stopped at the cap of ${d.replications} replications; still wide:`,
          ...d.checks
            .filter((c) => c.measurable && !c.reached)
            .map(
              (c) =>
                `  ${c.arm} ${c.figure}: ±${c.half_width === null ? "?" : fmt(c.half_width)} for a target of ±${c.target === null ? "?" : fmt(c.target)}${c.estimated_total === null ? "" : ` (~${c.estimated_total} replications)`}`,
            ),
        ];
  if (unmeasured.length > 0) lines.push(`no value in any replication, left out: ${unmeasured.join(", ")}`);
  return lines.join("\n");
}

const fmt = (x: number) => String(Number(x.toPrecision(3)));
