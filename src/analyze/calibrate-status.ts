// `hordesim calibrate --status`: a scenario whose simulated steady state matches a /status snapshot. The first
// guess (status-fit.ts) is tuned by simulation with the scenario's seed over the written horizon and
// replications (6 h, 5 replications: about a second a run here), so that `hordesim run` prints the tuned
// figures: secant steps in log space on the workers' speed for the delivered MPS/s and on the anonymous rate
// for the queued requests, until both are within TUNE_TOLERANCE. Then one confirming run with other seeds
// (CHECK_SEED): how far the figures move when the 10-odd workers' speeds and the arrivals are drawn afresh.
// (Tuning on a 3 h horizon was tried: the queue's fill-up overshoots for about an hour, and it left the 6 h
// queue 4 % high.)
import { runUnit } from "../experiment/run-unit.js";
import { percent, relativeDifference, type StatusAverages } from "../metrics/status-targets.js";
import type { Scenario } from "../scenario/types.js";
import { UserError } from "../errors.js";
import { parseScenario, ScenarioError } from "../scenario-file/load.js";
import { n4 } from "./scenario-yaml.js";
import { fitStatus, JITTER, OVERHEAD_S, SPEED_SIGMA, type StatusFit } from "./status-fit.js";
import { type StatusYamlOptions, statusScenarioYaml } from "./status-scenario-yaml.js";
import {
  fieldPlace,
  type ModelStatus,
  type PerformanceSnapshot,
  readModelsSnapshot,
  readPerformanceSnapshot,
} from "./status-snapshot.js";

/** The acceptance bound of the match. */
export const MATCH_TOLERANCE = 0.1;
/** Tuning stops when both tuned figures are this close: room for the confirming run's other seeds and horizon. */
const TUNE_TOLERANCE = 0.02;
const MAX_STEPS = 8;
const WRITTEN = { horizonHours: 6, warmupHours: 1, replications: 5 };
const CHECK_SEED = 1001;

export interface StatusCalibrateOptions {
  performanceFile: string;
  modelsFile: string | null;
  name: string;
  source: string | null;
  command: string;
}

export interface FigureMatch {
  label: string;
  simulated: number;
  snapshot: number;
  relative: number | null;
}

export interface StatusCalibrationResult {
  fit: StatusFit;
  yaml: string;
  scenario: Scenario;
  /** Simulation runs of the tuning, the confirming run not counted. */
  steps: number;
  /** The last tuning run: what `hordesim run` prints for the horde arm (the scenario's seed). */
  tuned: FigureMatch[];
  /** The confirming run: the same with seed CHECK_SEED. */
  confirmed: FigureMatch[];
  checkSeed: number;
}

function loadYaml(yaml: string, performanceFile: string): Scenario {
  try {
    return parseScenario(yaml, "calibrated scenario");
  } catch (e) {
    // a snapshot's figures can ask for more than a run may hold (a queue of 1e12): the snapshot's fault
    const beyond = e instanceof ScenarioError ? e.problems.find((p) => /the limit is/.test(p.message)) : undefined;
    if (beyond !== undefined)
      throw new UserError(
        `${fieldPlace(performanceFile, "queued_requests")}: queued_requests: the fitted scenario is too large to run: ${beyond.path}: ${beyond.message}`,
      );
    throw new Error(`the calibrated scenario does not load (a bug): ${(e as Error).message}`);
  }
}

/** The baseline arm's figures, averaged over the scenario's replications. */
function simulate(scenario: Scenario, seed = scenario.seed): StatusAverages {
  const arm = scenario.policies[0];
  const sum = { queued_requests: 0, queued_mps: 0, delivered_mps_per_s: 0 };
  for (let rep = 1; rep <= scenario.replications; rep++) {
    const { status } = runUnit({ scenario, arm, seed, replication: rep });
    sum.queued_requests += status.queued_requests;
    sum.queued_mps += status.queued_mps;
    sum.delivered_mps_per_s += status.delivered_mps_per_s;
  }
  const n = scenario.replications;
  return {
    queued_requests: sum.queued_requests / n,
    queued_mps: sum.queued_mps / n,
    delivered_mps_per_s: sum.delivered_mps_per_s / n,
  };
}

/**
 * One secant step in log space towards ln(target): from the last two (ln x, ln y) points, or with the
 * elasticity d ln y / d ln x given for the first step; a step changes x by at most a factor 2.
 */
export function secantStep(points: readonly [number, number][], target: number, elasticity: number): number {
  const [x1, y1] = points[points.length - 1];
  let slope = elasticity;
  if (points.length >= 2) {
    const [x0, y0] = points[points.length - 2];
    const s = (Math.log(y1) - Math.log(y0)) / (Math.log(x1) - Math.log(x0));
    if (Number.isFinite(s) && s > 0.05) slope = s;
  }
  const step = (Math.log(target) - Math.log(y1)) / slope;
  return x1 * Math.exp(Math.max(-Math.LN2, Math.min(Math.LN2, step)));
}

function matches(f: StatusAverages, p: PerformanceSnapshot, deliveredPerS: number): FigureMatch[] {
  const row = (label: string, simulated: number, snapshot: number) => ({
    label,
    simulated,
    snapshot,
    relative: relativeDifference(simulated, snapshot),
  });
  return [
    row("queued requests", f.queued_requests, p.queued_requests),
    row("queued MPS", f.queued_mps, p.queued_megapixelsteps),
    row("delivered MPS/s", f.delivered_mps_per_s, deliveredPerS),
  ];
}

export function calibrateStatus(o: StatusCalibrateOptions): StatusCalibrationResult {
  const performance = readPerformanceSnapshot(o.performanceFile);
  const models: ModelStatus[] | null = o.modelsFile === null ? null : readModelsSnapshot(o.modelsFile);
  const fit = fitStatus(performance, models, o.performanceFile);
  const base: StatusYamlOptions = {
    name: o.name,
    command: o.command,
    performanceFile: o.performanceFile,
    modelsFile: o.modelsFile,
    source: o.source,
    ...WRITTEN,
    fitted: [],
    confirmed: [],
  };
  // the values as the YAML writes them (4 significant digits), so what was simulated is what is written
  const written = (x: number) => Number(n4(x));
  const speedPoints: [number, number][] = [];
  const ratePoints: [number, number][] = [];
  let steps = 0;
  let last: StatusAverages | null = null;
  for (; steps < MAX_STEPS; ) {
    fit.speed = written(fit.speed);
    fit.anonymousRate = written(fit.anonymousRate * 3600) / 3600;
    fit.registeredRate = written(fit.registeredRate * 3600) / 3600;
    last = simulate(loadYaml(statusScenarioYaml(fit, base), o.performanceFile));
    steps++;
    const delivered = relativeDifference(last.delivered_mps_per_s, fit.deliveredPerS) ?? 1;
    const queued = relativeDifference(last.queued_requests, performance.queued_requests) ?? 1;
    if (Math.abs(delivered) < TUNE_TOLERANCE && Math.abs(queued) < TUNE_TOLERANCE) break;
    if (steps === MAX_STEPS) break;
    speedPoints.push([fit.speed, Math.max(1e-9, last.delivered_mps_per_s)]);
    ratePoints.push([fit.anonymousRate, Math.max(1e-9, last.queued_requests)]);
    // delivered = threads × m / (m / s + overhead): d ln delivered / d ln s = (m / s) / (m / s + overhead)
    const sampling = (fit.meanMps * Math.exp((SPEED_SIGMA ** 2 + JITTER ** 2) / 2)) / fit.speed;
    fit.speed = secantStep(speedPoints, fit.deliveredPerS, sampling / (sampling + OVERHEAD_S));
    // the anonymous queue is about their rate × the expiry
    fit.anonymousRate = secantStep(ratePoints, performance.queued_requests, 1);
  }
  const tuned = matches(last as StatusAverages, performance, fit.deliveredPerS);
  const fitted = [
    `Fitted by simulation (the horde arm, this file's seed, horizon, warm-up and replications, ${steps} run(s)): ` +
      `worker speed median ${n4(fit.speed)} MPS/s for the delivered MPS/s, anonymous rate ${n4(fit.anonymousRate * 3600)}/h for the queued requests; ` +
      `registered rate ${n4(fit.registeredRate * 3600)}/h, from the first guess: the delivered images per second less ${n4(fit.imagesPerS - fit.registeredRate)}/s left to anonymous users.`,
    `Last run: ${tuned.map((m) => `${m.label} ${n4(m.simulated)} (${percent(m.relative)})`).join(", ")}.`,
  ];
  const options: StatusYamlOptions = { ...base, fitted, confirmed: [] };
  const scenario = loadYaml(statusScenarioYaml(fit, options), o.performanceFile);
  const confirmed = matches(simulate(scenario, CHECK_SEED), performance, fit.deliveredPerS);
  options.confirmed = [
    `Confirming run with seed ${CHECK_SEED} (other workers' speeds, other arrivals): ${confirmed
      .map((m) => `${m.label} ${n4(m.simulated)} (${percent(m.relative)})`)
      .join(", ")}.`,
  ];
  const yaml = statusScenarioYaml(fit, options);
  return { fit, yaml, scenario: loadYaml(yaml, o.performanceFile), steps, tuned, confirmed, checkSeed: CHECK_SEED };
}

/** The three figures side by side: simulated (and with other seeds), snapshot, differences, within the bound or not. */
export function formatMatchTable(
  tuned: readonly FigureMatch[],
  check: readonly FigureMatch[],
  checkSeed: number,
): string {
  const within = (r: FigureMatch) => r.relative !== null && Math.abs(r.relative) <= MATCH_TOLERANCE;
  const cells = tuned.map((r, i) => [
    r.label,
    n4(r.simulated),
    n4(r.snapshot),
    percent(r.relative),
    within(r) ? "yes" : "NO",
    `${n4(check[i].simulated)} (${percent(check[i].relative)})`,
  ]);
  const header = ["", "simulated", "snapshot", "difference", `within ${MATCH_TOLERANCE * 100} %`, `seed ${checkSeed}`];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("   ");
  return [line(header), ...cells.map(line)].join("\n");
}
