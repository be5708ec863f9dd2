// The verdict in a few plain lines for the terminal.
import { FIGURES, type FigureName, formatFigureValue } from "./figures.js";
import {
  type ArmStatus,
  type ArmVerdict,
  type ConstraintCheck,
  objectiveSteps,
  type ReplicationsNeeded,
  type Verdict,
} from "./verdict.js";

function needs(n: ReplicationsNeeded | null): string {
  if (n === null) return "";
  if (n.total === null) return `; no estimate of the replications needed: ${n.reason}`;
  const to =
    n.to === "separate"
      ? "to separate"
      : n.to === "show-within-indifference"
        ? "to show the difference below δ"
        : "to settle its bounds";
  return `; ~${n.total} replications in all ${to}`;
}

function comparison(v: ArmVerdict, first: FigureName, bound: "upper" | "lower" | "both"): string {
  const c = v.vs_recommended;
  if (c === null || c.mean === null) return `${v.name} (no replication in common)`;
  const figure = v.on;
  const on = figure === first ? "" : ` ${FIGURES[figure].label}`;
  const diff = formatFigureValue(figure, c.mean, true);
  if (c.lower === null || c.upper === null) return `${v.name}${on} ${diff} (one pair: no interval)`;
  const lo = formatFigureValue(figure, c.lower, true);
  const hi = formatFigureValue(figure, c.upper, true);
  const range = bound === "upper" ? `up to ${hi}` : bound === "lower" ? `at least ${lo}` : `${lo} to ${hi}`;
  return `${v.name}${on} ${diff} (${range}${needs(v.replications_needed)})`;
}

/** A worse arm against the recommended one; when that pair's bound does not show it, the arm it was shown worse than. */
function worse(v: ArmVerdict, figure: FigureName): string {
  const text = comparison(v, figure, "lower");
  const lower = v.vs_recommended?.lower;
  if (v.worse_than === null || lower === null || lower === undefined || lower > 0) return text;
  return `${text.slice(0, -1)}; shown worse than ${v.worse_than})`;
}

function check(c: ConstraintCheck): string {
  const label = c.relative ? `${FIGURES[c.figure].label} minus the baseline's` : FIGURES[c.figure].label;
  const bound = formatFigureValue(c.figure, c.max);
  if (c.status === "no-value") return `${label}: no value in any replication (${FIGURES[c.figure].undefinedWhen})`;
  const mean = formatFigureValue(c.figure, c.mean);
  if (c.status === "violated")
    return c.lower === null
      ? `${label} ${mean} > ${bound}`
      : `${label} ${mean} > ${bound}, at least ${formatFigureValue(c.figure, c.lower)}`;
  return `${label} ${mean}, up to ${formatFigureValue(c.figure, c.upper)} > ${bound}`;
}

function unmet(v: ArmVerdict): string {
  const reasons = v.constraints.filter(
    (c) => c.status !== "met" && (v.status !== "infeasible" || c.status === "violated"),
  );
  return `${v.name} (${reasons.map(check).join("; ")}${v.status === "not-shown-feasible" ? needs(v.replications_needed) : ""})`;
}

const GROUPS: {
  status: ArmStatus;
  title: string;
  render: (v: ArmVerdict, f: FigureName, verdict: Verdict) => string;
}[] = [
  {
    status: "not-separated",
    title: "cannot be told apart from it",
    // from the lowest mean, how much worse it may be; from a kept baseline, either way
    render: (v, f, verdict) => comparison(v, f, verdict.keeps_baseline ? "both" : "upper"),
  },
  { status: "within-indifference", title: "within δ of it", render: (v, f) => comparison(v, f, "both") },
  { status: "identical", title: "identical to it in every replication", render: (v) => v.name },
  { status: "worse", title: "worse", render: (v, f) => worse(v, f) },
  { status: "infeasible", title: "infeasible", render: (v) => unmet(v) },
  { status: "not-shown-feasible", title: "not shown to meet the bounds", render: (v) => unmet(v) },
  {
    status: "no-value",
    title: "no value",
    render: (v, f) => `${v.name} (${FIGURES[f].label}: ${FIGURES[f].undefinedWhen} in every replication)`,
  },
];

/** "users whose request finally failed ≤ baseline + 0.0100 %", "user p99 latency ≤ 60.0 s". */
export function boundText(c: { figure: FigureName; max: number; relative?: boolean }): string {
  const label = FIGURES[c.figure].label;
  if (c.relative !== true) return `${label} ≤ ${formatFigureValue(c.figure, c.max)}`;
  return `${label} ≤ the baseline's${c.max > 0 ? ` + ${formatFigureValue(c.figure, c.max)}` : ""}`;
}

/** A few lines: the objective, the recommendation, the arms by status, how it was judged. */
export function formatVerdict(v: Verdict): string {
  const o = v.objective;
  const f = o.minimise;
  const bounds = o.subject_to.map(boundText);
  const then = (o.next ?? []).map(
    (t) =>
      `${FIGURES[t.minimise].label}${t.indifference > 0 ? ` (δ ${formatFigureValue(t.minimise, t.indifference)})` : ""}`,
  );
  const lines = [
    `${o.name}: minimise ${FIGURES[f].label}${bounds.length > 0 ? ` subject to ${bounds.join(", ")}` : ""}; δ ${
      o.indifference > 0 ? formatFigureValue(f, o.indifference) : "not given"
    }${then.length > 0 ? `; then ${then.join(", then ")}` : ""}; ${v.replications} replication${v.replications === 1 ? "" : "s"}`,
  ];
  const rec = v.arms.find((a) => a.status === "recommended");
  const mean = rec === undefined ? "" : formatFigureValue(f, rec.objective.mean);
  lines.push(
    rec === undefined
      ? `  no recommendation: ${noRecommendation(v)}`
      : v.keeps_baseline
        ? `  recommended: keep ${rec.name} (the baseline, ${mean}): ${whyKeepBaseline(v)}`
        : `  recommended: ${rec.name} (${mean})`,
  );
  for (const g of GROUPS) {
    const arms = v.arms.filter((a) => a.status === g.status);
    if (arms.length > 0) lines.push(`  ${g.title}: ${arms.map((a) => g.render(a, f, v)).join(", ")}`);
  }
  if (v.replications_to_decide !== null && v.replications_to_decide > v.replications)
    lines.push(`  ~${v.replications_to_decide} replications in all would settle every open comparison`);
  lines.push(
    `  how: feasible = every bound met by its one-sided ${Math.round(v.level * 100)} % confidence bound; worse = shown worse than another feasible arm by paired differences (Bonferroni subset selection, Nelson et al. 2001)${
      then.length > 0 ? ", and not within δ of it; each effect judges only the arms the ones before it kept" : ""
    }`,
  );
  for (const n of v.notes) lines.push(`  note: ${n}`);
  return lines.join("\n");
}

/** Why the verdict keeps the baseline: no other arm is shown better than it (by more than an effect's δ). */
export function whyKeepBaseline(v: Verdict): string {
  const delta = objectiveSteps(v.objective).some((s) => s.indifference > 0);
  return `no other arm is shown better than it${delta ? " by more than δ" : ""}`;
}

/**
 * Why no arm is recommended, in one sentence: the bound no arm meets and the arm closest to it, or that no
 * arm has a value.
 */
export function noRecommendation(v: Verdict): string {
  const checks = v.arms.flatMap((a) => a.constraints.map((c) => ({ arm: a.name, c })));
  const unmetFigures = v.objective.subject_to.filter((b) =>
    checks.every(({ c }) => c.figure !== b.figure || c.status !== "met"),
  );
  const bound = unmetFigures[0];
  if (bound === undefined) {
    if (v.arms.some((a) => a.status === "not-shown-feasible")) return "no arm is shown to meet every bound at once";
    return `no arm has a value of ${FIGURES[v.objective.minimise].label} (${FIGURES[v.objective.minimise].undefinedWhen})`;
  }
  const closest = checks
    .filter(({ c }) => c.figure === bound.figure && c.mean !== null)
    .reduce<{ arm: string; c: ConstraintCheck } | null>(
      (best, x) => (best === null || (x.c.mean as number) < (best.c.mean as number) ? x : best),
      null,
    );
  const head = `no arm is shown to meet ${boundText(bound)}`;
  if (closest === null) return `${head}: no arm has a value of it`;
  const mean = formatFigureValue(bound.figure, closest.c.mean, bound.relative === true);
  return `${head}; the closest is ${closest.arm} (${mean}${bound.relative === true ? " against the baseline" : ""})`;
}
