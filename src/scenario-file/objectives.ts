// The `objectives:` block: what "the best arm" means for this scenario. Each objective minimises one
// per-replication figure (src/metrics/figures.ts) subject to upper bounds on others, with an indifference δ
// (differences smaller than δ do not matter).
import { z } from "zod";
import { FIGURE_NAMES, FIGURE_INFO as FIGURES, type FigureName, type FigureUnit } from "../scenario/figures.js";
import type { Objective, ObjectiveConstraint } from "../scenario/types.js";
import { parseDuration } from "../scenario/units.js";
import { describe } from "./messages.js";
import { strict } from "./strict.js";

const NUMBER = /^\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*$/;
const PERCENT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/;

const EXAMPLE: Record<FigureUnit, string> = {
  seconds: "a duration such as 60s or 2m (or a number of seconds)",
  fraction: "a share such as 0.001 or 0.1%",
  count: "a number such as 1000",
};

/** A value written in a figure's unit: seconds (or a duration), a share (or a percentage), a count. NaN if not. */
export function parseFigureValue(unit: FigureUnit, value: number | string): number {
  if (typeof value === "number") return value >= 0 ? value : Number.NaN;
  if (unit === "seconds") return parseDuration(value);
  const percent = PERCENT.exec(value);
  if (unit === "fraction" && percent !== null) return Number(percent[1]) / 100;
  const number = NUMBER.exec(value);
  return number === null ? Number.NaN : Number(number[1]);
}

function valueIssue(name: FigureName, value: number): string | null {
  if (!Number.isFinite(value)) return `expected ${EXAMPLE[FIGURES[name].unit]}`;
  if (FIGURES[name].unit === "fraction" && value > 1) return "a share is at most 1 (100%)";
  return null;
}

const BOUND = /^\s*(<=|≤)\s*(.*)$/;
/** After the `<=`: `baseline` or `baseline + VALUE`, a bound relative to the first arm. */
const RELATIVE = /^\s*baseline\s*(?:\+\s*(.*))?$/;
/** For editors: the start of what BOUND accepts (the value after it is checked against the figure's unit). */
export const BOUND_PATTERN = "^\\s*(<=|≤)\\s*\\S";

/**
 * `"<= 0.1%"`, `"<= 60s"`, `"<= 1000"`: the figure's upper bound in its own unit; `"<= baseline"`,
 * `"<= baseline + 0.01%"`: at most the baseline's (the first arm's) plus a margin, paired by replication.
 */
function boundSchema(name: FigureName) {
  const example = FIGURES[name].unit === "fraction" ? "0.1%" : FIGURES[name].unit === "seconds" ? "60s" : "1000";
  const form = `an upper bound such as "<= ${example}" or "<= baseline + ${example}"`;
  return z
    .string({ error: (iss) => `expected ${form}, got ${describe(iss.input)}` })
    .transform((raw, ctx) => {
      const m = BOUND.exec(raw);
      if (m === null) {
        const lower = /^\s*(>=|≥|>)/.test(raw);
        ctx.addIssue({
          code: "custom",
          message: lower
            ? `only upper bounds (<=): every figure is better when lower, got ${describe(raw)}`
            : `expected ${form}, got ${describe(raw)}`,
        });
        return z.NEVER;
      }
      const relative = RELATIVE.exec(m[2]);
      const max = relative === null ? parseFigureValue(FIGURES[name].unit, m[2]) : relativeMargin(name, relative[1]);
      const issue = valueIssue(name, max);
      if (issue !== null) {
        ctx.addIssue({
          code: "custom",
          message: `${issue} after ${relative === null ? "<=" : "<= baseline +"}, got ${describe(raw)}`,
        });
        return z.NEVER;
      }
      return { max, relative: relative !== null };
    })
    .meta({
      description: `${FIGURES[name].label}: "<= BOUND" or "<= baseline + MARGIN", each ${EXAMPLE[FIGURES[name].unit]}`,
      pattern: BOUND_PATTERN,
    });
}

/** The margin after `baseline +` (0 when there is none). */
function relativeMargin(name: FigureName, margin: string | undefined): number {
  return margin === undefined ? 0 : parseFigureValue(FIGURES[name].unit, margin);
}

const subjectTo = strict(
  Object.fromEntries(FIGURE_NAMES.map((name) => [name, boundSchema(name).optional()])) as Record<
    FigureName,
    z.ZodOptional<ReturnType<typeof boundSchema>>
  >,
).describe('Upper bounds on figures, {FIGURE: "<= BOUND"}; an arm is feasible when it is shown to meet every one');

const minimise = z.enum(FIGURE_NAMES).describe("The figure to minimise (every figure is better when lower)");
const indifferenceValue = z
  .union([z.number(), z.string()])
  .optional()
  .describe(
    "δ, in the minimised figure's unit (2s, 0.01%, 5): differences smaller than this do not matter (default 0: none given)",
  );

/** δ in `figure`'s unit (0 when not given), or an issue at `path` and NaN. */
function indifferenceOf(
  figure: FigureName,
  raw: number | string | undefined,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): number {
  if (raw === undefined) return 0;
  const value = parseFigureValue(FIGURES[figure].unit, raw);
  const issue = valueIssue(figure, value);
  if (issue === null) return value;
  ctx.addIssue({ code: "custom", path, message: `${issue} (the unit of ${figure}), got ${describe(raw)}` });
  return Number.NaN;
}

const step = strict({ minimise, indifference: indifferenceValue }).describe(
  "A further effect, judged only among the arms the ones before it could not tell apart",
);

const objective = strict({
  name: z.string().min(1).describe("Name of the objective, for the verdict"),
  minimise,
  subject_to: subjectTo.prefault({}),
  indifference: indifferenceValue,
  next: z
    .array(step)
    .optional()
    .describe("Further effects in order of importance, each judged among the arms the ones before it kept"),
}).transform((o, ctx): Objective => {
  const indifference = indifferenceOf(o.minimise, o.indifference, ctx, ["indifference"]);
  const then = (o.next ?? []).map((t, i) => ({
    minimise: t.minimise,
    indifference: indifferenceOf(t.minimise, t.indifference, ctx, ["next", i, "indifference"]),
  }));
  if (Number.isNaN(indifference) || then.some((t) => Number.isNaN(t.indifference))) return z.NEVER;
  const constraints: ObjectiveConstraint[] = [];
  for (const figure of FIGURE_NAMES) {
    const bound = o.subject_to[figure];
    if (bound !== undefined)
      constraints.push(bound.relative ? { figure, max: bound.max, relative: true } : { figure, max: bound.max });
  }
  return {
    name: o.name,
    minimise: o.minimise,
    subject_to: constraints,
    indifference,
    ...(then.length > 0 ? { next: then } : {}),
  };
});

/**
 * The objective when a scenario names none: what users feel, most important first (docs/decisions.md §1).
 * An arm must not make more users finally fail than the baseline does (beyond one in 10,000); then the
 * latency of the requests a failed job hits in each arm (the ones a policy is for, wherever its failures
 * land), the users' tail and mean latency,
 * the failed submissions users see before a resubmission recovers them, and the extra GPU time. Each δ is a
 * difference nobody would notice: an arm within it of the best is equivalent, not worse.
 */
export const DEFAULT_OBJECTIVES: z.input<typeof objective>[] = [
  {
    name: "what-users-feel",
    subject_to: { user_failure_rate: "<= baseline + 0.01%" },
    minimise: "affected_latency_s",
    indifference: "10s",
    next: [
      { minimise: "user_latency_p99_s", indifference: "2s" },
      { minimise: "user_latency_mean_s", indifference: "0.5s" },
      { minimise: "failure_rate", indifference: "0.01%" },
      { minimise: "wasted_gpu_s", indifference: "600s" },
    ],
  },
];

export const objectivesSchema = z
  .array(objective)
  .min(1)
  .prefault(DEFAULT_OBJECTIVES)
  .describe("What the best arm is: each objective minimises one figure subject to upper bounds on others");

/** DEFAULT_OBJECTIVES resolved: what a scenario without an objectives block gets. */
export const DEFAULT_OBJECTIVE_LIST: Objective[] = objectivesSchema.parse(undefined);
