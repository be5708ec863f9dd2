import { basename } from "node:path";
import { UserError } from "../errors.js";
import type { Scenario } from "../scenario/types.js";
import { parseScenario } from "../scenario-file/load.js";
import { analyzeLogs, type LogAnalysis } from "./analyze-logs.js";
import { type Calibration, calibrate } from "./calibration.js";
import { CalibrationCollector } from "./calibration-collector.js";
import { scenarioYaml } from "./scenario-yaml.js";

export interface CalibrateOptions {
  /** Exact arrival times instead of hourly rates. */
  replay: boolean;
  /** The scenario's name (default: calibrated-FILE). */
  name?: string;
}

export interface CalibrationResult {
  analysis: LogAnalysis;
  calibration: Calibration;
  yaml: string;
  /** The YAML parsed back: what `hordesim run` will read. */
  scenario: Scenario;
}

/** Reads the logs once and writes a scenario that loads (checked here, before anything is written). */
export async function calibrateLogs(files: readonly string[], opts: CalibrateOptions): Promise<CalibrationResult> {
  const collector = new CalibrationCollector(opts.replay);
  const analysis = await analyzeLogs(files, collector);
  if (analysis.analyzer.requests === 0) {
    throw new UserError(`${files.join(", ")}: no job was popped in the log: nothing to calibrate from`);
  }
  const calibration = calibrate(analysis.analyzer, collector, analysis.files, opts.replay);
  if (calibration.streams.length === 0) {
    throw new UserError(
      `${files.join(", ")}: no request's size shows (no abort, faulted or delivery line for a popped request): nothing to calibrate from`,
    );
  }
  const name =
    opts.name ??
    `calibrated-${basename(files[0])
      .replace(/\.(bz2|gz)$/, "")
      .replace(/[^A-Za-z0-9._-]+/g, "-")}`;
  const yaml = scenarioYaml(calibration, name);
  let scenario: Scenario;
  try {
    scenario = parseScenario(yaml, "calibrated scenario");
  } catch (e) {
    throw new Error(`the calibrated scenario does not load (a bug): ${(e as Error).message}`);
  }
  return { analysis, calibration, yaml, scenario };
}
