// The KN fully sequential ranking-and-selection procedure (S.-H. Kim and B. L. Nelson, "A fully sequential
// procedure for indifference-zone selection in simulation", ACM TOMACS 11(3):251–273, 2001), as a pure state
// machine: it says which arms to run for one more replication, takes their values, and eventually selects
// one arm with probability of correct selection ≥ 1 − α whenever the best mean beats every other by at least
// the indifference δ. It allows unequal variances and common random numbers (replication r of every arm
// with the same seed): it only uses the variances of pairwise differences from the first stage.
//
//   η = ½[(2α/(k−1))^(−2/(n0−1)) − 1],  h² = 2η(n0 − 1)
//   S²_il = 1/(n0−1) Σ_j (X_ij − X_lj − (X̄_i(n0) − X̄_l(n0)))²          (first stage, j = 1..n0)
//   at each r ≥ n0 keep i iff X̄_i(r) ≥ X̄_l(r) − W_il(r) for every other surviving l,
//   W_il(r) = max(0, (δ/(2r))(h² S²_il/δ² − r)),
// then run every surviving arm once more; stop when one survives. For minimisation the signs are flipped.
// Every W is 0 once r ≥ h² S²/δ² for all surviving pairs, so from then on only arms with exactly equal
// sample means survive together: the procedure then selects the one listed first (a tie).

export interface KnConfig {
  arms: readonly string[];
  /** First-stage replications, at least 2. */
  n0: number;
  /** δ > 0, in the figure's unit. */
  indifference: number;
  /** 1 − PCS; 0 < α < 1 − 1/k. */
  alpha: number;
  minimise: boolean;
  /** Stop with the survivors after this many replications per arm (no PCS guarantee then). */
  cap?: number;
}

export interface KnElimination {
  arm: number;
  /** The replications each surviving arm had when it was eliminated. */
  at: number;
  by: number;
}

export interface KnState {
  readonly config: KnConfig;
  readonly h2: number;
  /** Replications every surviving arm has run. */
  readonly r: number;
  /** First-stage values per arm, signed so that larger is better. */
  readonly first: readonly (readonly number[])[];
  /** Sums of the signed values of each arm over its r replications. */
  readonly sums: readonly number[];
  /** S²_il of the first stage, once it is complete. */
  readonly s2: readonly (readonly number[])[] | null;
  /** Surviving arms, in the configuration's order. */
  readonly alive: readonly number[];
  readonly eliminations: readonly KnElimination[];
  /** Set when the survivors are tied after every W reached 0. */
  readonly tie: boolean;
}

export type KnStep =
  /** Run these arms for replication `replication` (0-based; the same seed for every arm) and observe them. */
  | { kind: "run"; arms: readonly number[]; replication: number }
  | { kind: "done"; selected: number; replications: number; tie: boolean }
  /** The cap came first: no PCS guarantee. */
  | { kind: "stopped"; survivors: readonly number[]; replications: number };

export function knConstants(k: number, n0: number, alpha: number): { eta: number; h2: number } {
  const eta = 0.5 * ((2 * alpha) / (k - 1)) ** (-2 / (n0 - 1)) - 0.5;
  return { eta, h2: 2 * eta * (n0 - 1) };
}

function validate(c: KnConfig): void {
  const k = c.arms.length;
  if (k < 2) throw new Error("KN needs at least two arms");
  if (!Number.isInteger(c.n0) || c.n0 < 2) throw new Error(`KN needs a first stage n0 ≥ 2, got ${c.n0}`);
  if (!(c.indifference > 0)) throw new Error(`KN needs an indifference δ > 0, got ${c.indifference}`);
  if (!(c.alpha > 0 && c.alpha < 1 - 1 / k)) throw new Error(`KN needs 0 < α < 1 − 1/k, got ${c.alpha}`);
  if (c.cap !== undefined && !(Number.isInteger(c.cap) && c.cap >= c.n0))
    throw new Error(`KN's cap must be an integer of at least n0 (${c.n0}), got ${c.cap}`);
}

export function knStart(config: KnConfig): KnState {
  validate(config);
  const k = config.arms.length;
  return {
    config,
    h2: knConstants(k, config.n0, config.alpha).h2,
    r: 0,
    first: config.arms.map(() => []),
    sums: config.arms.map(() => 0),
    s2: null,
    alive: config.arms.map((_, i) => i),
    eliminations: [],
    tie: false,
  };
}

export function knNext(s: KnState): KnStep {
  if (s.alive.length === 1) return { kind: "done", selected: s.alive[0], replications: s.r, tie: false };
  if (s.tie) return { kind: "done", selected: s.alive[0], replications: s.r, tie: true };
  if (s.s2 !== null && s.config.cap !== undefined && s.r >= s.config.cap)
    return { kind: "stopped", survivors: s.alive, replications: s.r };
  return { kind: "run", arms: s.alive, replication: s.r };
}

/** The state after the arms of knNext(s) ran replication `replication`; `values` in the order of its arms. */
export function knObserve(s: KnState, replication: number, values: readonly number[]): KnState {
  const step = knNext(s);
  if (step.kind !== "run" || step.replication !== replication || values.length !== step.arms.length)
    throw new Error(`KN expected replication ${s.r} of arms ${s.alive.join(", ")}`);
  if (!values.every(Number.isFinite))
    throw new Error(`KN needs a finite value of every arm in every replication (replication ${replication})`);
  const sign = s.config.minimise ? -1 : 1;
  const sums = [...s.sums];
  const inFirstStage = s.r < s.config.n0;
  const first = inFirstStage ? s.first.map((f) => [...f]) : s.first;
  step.arms.forEach((arm, j) => {
    sums[arm] += sign * values[j];
    if (inFirstStage) (first[arm] as number[]).push(sign * values[j]);
  });
  const r = s.r + 1;
  if (r < s.config.n0) return { ...s, r, sums, first };
  const s2 = s.s2 ?? firstStageVariances(first);
  return screen({ ...s, r, sums, first, s2 });
}

function firstStageVariances(first: readonly (readonly number[])[]): number[][] {
  const n0 = first[0].length;
  return first.map((xi) =>
    first.map((xl) => {
      let mean = 0;
      for (let j = 0; j < n0; j++) mean += xi[j] - xl[j];
      mean /= n0;
      let ss = 0;
      for (let j = 0; j < n0; j++) ss += (xi[j] - xl[j] - mean) ** 2;
      return ss / (n0 - 1);
    }),
  );
}

/** W_il(r) of Kim & Nelson, times r: compared with the difference of the sums, exact for equal means. */
function rW(s: KnState, i: number, l: number): number {
  const delta = s.config.indifference;
  const s2 = (s.s2 as readonly (readonly number[])[])[i][l];
  return Math.max(0, (delta / 2) * ((s.h2 * s2) / delta ** 2 - s.r));
}

function screen(s: KnState): KnState {
  const old = s.alive;
  const eliminations = [...s.eliminations];
  const alive = old.filter((i) => {
    for (const l of old) {
      if (l === i) continue;
      // X̄_i(r) < X̄_l(r) − W_il(r), multiplied by r.
      if (s.sums[i] < s.sums[l] - rW(s, i, l)) {
        eliminations.push({ arm: i, at: s.r, by: l });
        return false;
      }
    }
    return true;
  });
  const tie = alive.length > 1 && alive.every((i) => alive.every((l) => l === i || rW(s, i, l) === 0));
  return { ...s, alive, eliminations, tie };
}

/** The result in words, for the terminal. */
export function formatKnStep(step: KnStep, config: KnConfig): string {
  const pcs = `${Number(((1 - config.alpha) * 100).toFixed(4))} %`;
  const delta = `δ = ${config.indifference}`;
  switch (step.kind) {
    case "done":
      return step.tie
        ? `KN: ${config.arms[step.selected]} selected after ${step.replications} replications, tied in mean with the other survivors (every arm within ${delta} of the best is a correct selection; PCS ≥ ${pcs})`
        : `KN: ${config.arms[step.selected]} selected after ${step.replications} replications with PCS ≥ ${pcs} (indifference ${delta}; Kim & Nelson 2001)`;
    case "stopped":
      return `KN: stopped at the cap of ${step.replications} replications with ${step.survivors.map((i) => config.arms[i]).join(", ")} still in: no arm selected, no PCS guarantee`;
    case "run":
      return `KN: run ${step.arms.map((i) => config.arms[i]).join(", ")} for replication ${step.replication + 1}`;
  }
}
