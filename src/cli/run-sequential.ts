// `run`'s sequential options: --precision (replications until the chosen intervals are narrow enough) and
// --select kn (ranking and selection), each turned into a replication plan. Every mistake is a UserError
// (exit 2) raised before anything runs.
import type { Argv } from "yargs";
import { UserError } from "../errors.js";
import { KnPlan } from "../experiment/kn-selection.js";
import type { ReplicationPlan } from "../experiment/replication-plan.js";
import { PrecisionPlan } from "../experiment/sequential-replications.js";
import { chosenFigures } from "../metrics/decisions.js";
import { formatFigureValue } from "../metrics/figures.js";
import { formatKnStep } from "../metrics/kn.js";
import { formatStop, parsePrecision, requireTargets } from "../metrics/precision.js";
import type { Scenario } from "../scenario/types.js";

export interface SequentialArgs {
  precision?: string;
  "max-replications"?: number;
  select?: string;
  pcs?: number;
  objective?: string;
}

export const DEFAULT_MAX_REPLICATIONS = 100;
export const DEFAULT_PCS = 0.95;
/** Bounds --max-replications as --replications is bounded. */
const MOST_REPLICATIONS = 10000;

/**
 * Figures whose "no value" is an ordinary outcome of a replication (nothing failed, nothing was hit): KN needs
 * a value of every arm in every replication, so it cannot select on them.
 */
const KN_REFUSED = new Set(["affected_latency_s", "time_to_failure_s", "user_failure_latency_s"]);

export function sequentialOptions<T>(y: Argv<T>): Argv<T & SequentialArgs> {
  return y
    .option("precision", {
      type: "string",
      describe:
        "Add replications until every objective figure's 95 % interval is within this half-width: 5% (relative), 2s (figures in seconds), 0.001 (shares, counts), or one of each: 5%,0.0001",
    })
    .option("max-replications", {
      type: "number",
      describe: `With --precision or --select: at most this many replications per arm (default ${DEFAULT_MAX_REPLICATIONS})`,
    })
    .option("select", {
      type: "string",
      describe:
        "Pick the best arm on one objective with a stated probability of correct selection: kn (Kim & Nelson 2001; needs the objective's indifference δ)",
    })
    .option("pcs", {
      type: "number",
      describe: `With --select kn: the probability of correct selection (default ${DEFAULT_PCS})`,
    })
    .option("objective", {
      type: "string",
      describe: "With --select kn: the objective to select on, by name (default: the scenario's first)",
    }) as Argv<T & SequentialArgs>;
}

/** A sequential run: its plan, and what to say when it ends. */
export interface Sequential {
  plan: ReplicationPlan;
  /** The lines to print once the plan has finished. */
  report(): string;
  /** What the --json document adds (how the procedure ended). */
  document(): Record<string, unknown>;
  /** What summary.json adds; none for --precision, whose folder equals a fixed run's. */
  summaryExtra?: () => Record<string, unknown>;
}

function integerOption(name: string, value: number, least: number): number {
  if (!Number.isSafeInteger(value) || value < least || value > MOST_REPLICATIONS)
    throw new UserError(`--${name} must be an integer from ${least} to ${MOST_REPLICATIONS}, got ${value}`);
  return value;
}

/**
 * The plan `argv` asks for, or null for a fixed number of replications. `replications` is the first stage
 * (the scenario's or --replications, at least 2); `arms` are the arms run.
 */
export function sequentialPlan(
  argv: SequentialArgs,
  scenario: Scenario,
  arms: readonly string[],
  replications: number,
): Sequential | null {
  if (argv.precision !== undefined && argv.select !== undefined)
    throw new UserError("--precision and --select are two ways to choose the replications: give one of them");
  if (argv.select === undefined) {
    if (argv.pcs !== undefined) throw new UserError("--pcs goes with --select kn");
    if (argv.objective !== undefined) throw new UserError("--objective goes with --select kn");
  }
  if (argv.precision === undefined && argv.select === undefined) {
    if (argv["max-replications"] !== undefined)
      throw new UserError("--max-replications goes with --precision or --select kn");
    return null;
  }
  const initial = Math.max(2, replications);
  const cap = integerOption("max-replications", argv["max-replications"] ?? DEFAULT_MAX_REPLICATIONS, initial);
  return argv.precision !== undefined
    ? precisionRun(argv.precision, scenario, arms, initial, cap)
    : knRun(argv, scenario, arms, initial, cap);
}

function precisionRun(text: string, scenario: Scenario, arms: readonly string[], initial: number, cap: number) {
  const precision = parsePrecision(text);
  const figures = chosenFigures(scenario.objectives);
  requireTargets(precision, figures);
  // The batch does not depend on --jobs, so neither does the number of replications it stops at.
  const plan = new PrecisionPlan(arms, { precision, figures, initial, cap, batch: initial });
  const result = () => {
    if (plan.result === null) throw new Error("the --precision run has not finished");
    return plan.result;
  };
  return {
    plan,
    report: () => formatStop(result(), precision),
    document: () => ({ precision: { target: precision.text, ...result() } }),
  };
}

function knRun(argv: SequentialArgs, scenario: Scenario, arms: readonly string[], n0: number, cap: number) {
  if (argv.select !== "kn")
    throw new UserError(`--select ${JSON.stringify(argv.select)}: the one procedure is kn (Kim & Nelson 2001)`);
  const names = scenario.objectives.map((o) => o.name);
  const objective =
    argv.objective === undefined ? scenario.objectives[0] : scenario.objectives.find((o) => o.name === argv.objective);
  if (objective === undefined)
    throw new UserError(`--objective ${argv.objective}: no such objective (objectives: ${names.join(", ")})`);
  if (!(objective.indifference > 0))
    throw new UserError(
      `--select kn needs an indifference δ: objective ${objective.name} gives none; add one to it in the scenario's objectives: block (e.g. indifference: 1s), the smallest difference in ${objective.minimise} worth acting on`,
    );
  if (KN_REFUSED.has(objective.minimise))
    throw new UserError(
      `--select kn cannot select on ${objective.minimise}: it has no value in a replication where nothing failed, and KN needs a value of every arm in every replication`,
    );
  if (arms.length < 2) throw new UserError(`--select kn needs at least two arms, got ${arms.length}`);
  const pcs = argv.pcs ?? DEFAULT_PCS;
  if (!(pcs > 1 / arms.length && pcs < 1))
    throw new UserError(
      `--pcs must be more than 1/${arms.length} (a random pick among ${arms.length} arms) and less than 1, got ${pcs}`,
    );
  const config = {
    arms,
    n0,
    indifference: objective.indifference,
    alpha: 1 - pcs,
    minimise: true,
    cap,
  };
  const plan = new KnPlan(config, objective.minimise);
  const result = () => {
    if (plan.result === null) throw new Error("the --select kn run has not finished");
    return plan.result;
  };
  const selection = () => {
    const r = result();
    return {
      method: "KN fully sequential indifference-zone selection (Kim & Nelson 2001, ACM TOMACS 11(3):251–273)",
      objective: objective.name,
      figure: objective.minimise,
      indifference: objective.indifference,
      pcs,
      first_stage: n0,
      max_replications: cap,
      selected: r.kind === "done" ? arms[r.selected] : null,
      tie: r.kind === "done" ? r.tie : false,
      survivors: r.kind === "stopped" ? r.survivors.map((i) => arms[i]) : null,
      eliminations: plan.state.eliminations.map((e) => ({
        arm: arms[e.arm],
        after_replications: e.at,
        by: arms[e.by],
      })),
    };
  };
  return {
    plan,
    report: () => {
      const lines = [
        formatKnStep(result(), config),
        `  objective ${objective.name}: minimise ${objective.minimise}, δ = ${formatFigureValue(objective.minimise, objective.indifference)}`,
      ];
      for (const e of plan.state.eliminations)
        lines.push(`  ${arms[e.arm]} out after ${e.at} replications (behind ${arms[e.by]})`);
      return lines.join("\n");
    },
    document: () => ({ selection: selection() }),
    summaryExtra: () => ({ selection: selection() }),
  };
}
