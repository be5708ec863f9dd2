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
/** For editors: the start of what BOUND accepts (the value after it is checked against the figure's unit). */
export const BOUND_PATTERN = "^\\s*(<=|≤)\\s*\\S";

/** `"<= 0.1%"`, `"<= 60s"`, `"<= 1000"`: the figure's upper bound in its own unit. */
function boundSchema(name: FigureName) {
  const form = `an upper bound such as "<= ${FIGURES[name].unit === "fraction" ? "0.1%" : FIGURES[name].unit === "seconds" ? "60s" : "1000"}"`;
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
      const max = parseFigureValue(FIGURES[name].unit, m[2]);
      const issue = valueIssue(name, max);
      if (issue !== null) {
        ctx.addIssue({ code: "custom", message: `${issue} after <=, got ${describe(raw)}` });
        return z.NEVER;
      }
      return max;
    })
    .meta({
      description: `${FIGURES[name].label}: "<= BOUND", BOUND ${EXAMPLE[FIGURES[name].unit]}`,
      pattern: BOUND_PATTERN,
    });
}

const subjectTo = strict(
  Object.fromEntries(FIGURE_NAMES.map((name) => [name, boundSchema(name).optional()])) as Record<
    FigureName,
    z.ZodOptional<ReturnType<typeof boundSchema>>
  >,
).describe('Upper bounds on figures, {FIGURE: "<= BOUND"}; an arm is feasible when it is shown to meet every one');

const objective = strict({
  name: z.string().min(1).describe("Name of the objective, for the verdict"),
  minimise: z.enum(FIGURE_NAMES).describe("The figure to minimise (every figure is better when lower)"),
  subject_to: subjectTo.prefault({}),
  indifference: z
    .union([z.number(), z.string()])
    .optional()
    .describe(
      "δ, in the minimised figure's unit (2s, 0.01%, 5): differences smaller than this do not matter (default 0: none given)",
    ),
}).transform((o, ctx): Objective => {
  let indifference = 0;
  if (o.indifference !== undefined) {
    indifference = parseFigureValue(FIGURES[o.minimise].unit, o.indifference);
    const issue = valueIssue(o.minimise, indifference);
    if (issue !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["indifference"],
        message: `${issue} (the unit of ${o.minimise}), got ${describe(o.indifference)}`,
      });
      return z.NEVER;
    }
  }
  const constraints: ObjectiveConstraint[] = [];
  for (const figure of FIGURE_NAMES) {
    const max = o.subject_to[figure];
    if (max !== undefined) constraints.push({ figure, max });
  }
  return { name: o.name, minimise: o.minimise, subject_to: constraints, indifference };
});

/**
 * The objective when a scenario names none: the mean latency users see, with at most 0.1 % of users failing.
 * The mean counts every second every user waits, so it moves when a policy shortens the waits of the few
 * requests a failure hits, which p50 and p90 never see and p99 sees noisily; its per-replication values are
 * means of thousands of requests, close to normal, as the intervals and the KN procedure assume. The bound
 * stops an arm from looking fast by failing the slow requests (a failed request has no latency to count);
 * 0.1 % is the common "three nines" availability target, far above what any shipped arm fails.
 */
export const DEFAULT_OBJECTIVES: z.input<typeof objective>[] = [
  { name: "user-latency", minimise: "user_latency_mean_s", subject_to: { user_failure_rate: "<= 0.1%" } },
];

export const objectivesSchema = z
  .array(objective)
  .min(1)
  .prefault(DEFAULT_OBJECTIVES)
  .describe("What the best arm is: each objective minimises one figure subject to upper bounds on others");

/** DEFAULT_OBJECTIVES resolved: what a scenario without an objectives block gets. */
export const DEFAULT_OBJECTIVE_LIST: Objective[] = objectivesSchema.parse(undefined);
