import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { CommandModule } from "yargs";
import { calibrateLogs } from "../../analyze/calibrate-logs.js";
import { calibrateStatus, formatMatchTable } from "../../analyze/calibrate-status.js";
import { UserError } from "../../errors.js";
import { Output, type QuietArgs, quietOption } from "../output.js";

interface CalibrateArgs extends QuietArgs {
  logs?: string[];
  status?: string;
  models?: string;
  source?: string;
  out?: string;
  replay: boolean;
  force: boolean;
  name?: string;
}

function writeWhole(out: string, text: string): void {
  const tmp = `${out}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`${out}: cannot write (${(e as Error).message})`);
  }
}

/** Exactly one of the logs or --status, and the options that go with each. */
function checkSources(argv: CalibrateArgs): "logs" | "status" {
  const logs = (argv.logs ?? []).length > 0;
  const status = argv.status !== undefined;
  if (logs === status) {
    throw new UserError(
      logs
        ? "give either horde.log files or --status, not both"
        : "nothing to calibrate from: give horde.log files (hordesim calibrate LOG... --out FILE) or a status snapshot (hordesim calibrate --status FILE)",
    );
  }
  if (!status && argv.models !== undefined) throw new UserError("--models goes with --status");
  if (!status && argv.source !== undefined) throw new UserError("--source goes with --status");
  if (status && argv.replay) throw new UserError("--replay goes with horde.log files, not --status");
  if (!status && argv.out === undefined) throw new UserError("--out is required with horde.log files");
  return status ? "status" : "logs";
}

function refuseExisting(out: string, force: boolean): void {
  if (existsSync(out) && !force) {
    throw new UserError(
      `${out} already exists: nothing was written. Use --force to replace it, or --out another file.`,
    );
  }
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: "calibrate [logs..]",
  describe:
    "Estimate a scenario from horde.log files (arrivals, request shapes, one group per worker), or from a saved /status snapshot (--status)",
  builder: (y) =>
    quietOption(
      y
        .positional("logs", { type: "string", array: true, describe: "horde.log files" })
        .option("status", {
          type: "string",
          describe: "A saved answer of GET /api/v2/status/performance: fit a scenario to its queue and throughput",
        })
        .option("models", {
          type: "string",
          describe: "With --status: a saved answer of GET /api/v2/status/models (per-model shares and workers)",
        })
        .option("source", {
          type: "string",
          describe: "With --status: where the snapshot comes from, written into the scenario's comments",
        })
        .option("out", {
          alias: "o",
          type: "string",
          describe: "Scenario YAML file to write (required with logs; with --status default calibrated-FILE.yaml)",
        })
        .option("replay", {
          type: "boolean",
          default: false,
          describe: "Exact arrival times (trace replay) instead of hourly rates",
        })
        .option("force", { type: "boolean", default: false, describe: "Replace an existing --out file" })
        .option("name", { type: "string", describe: "Scenario name (default: calibrated-LOGNAME or calibrated-FILE)" }),
    ),
  handler: async (argv) => {
    const output = new Output(argv);
    if (checkSources(argv) === "status") {
      const status = argv.status as string;
      const stem = `calibrated-${basename(status)
        .replace(/\.json$/, "")
        .replace(/[^A-Za-z0-9._-]+/g, "-")}`;
      const out = argv.out ?? `${stem}.yaml`;
      refuseExisting(out, argv.force);
      const command = [
        "hordesim calibrate --status",
        status,
        ...(argv.models === undefined ? [] : ["--models", argv.models]),
      ].join(" ");
      const started = performance.now();
      const result = calibrateStatus({
        performanceFile: status,
        modelsFile: argv.models ?? null,
        name: argv.name ?? stem,
        source: argv.source ?? null,
        command,
      });
      writeWhole(out, result.yaml);
      output.note(
        `${result.steps} tuning run(s) and a confirming run in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      output.result(
        `wrote ${out}: ${result.fit.workers.reduce((s, g) => s + g.count, 0)} workers, ${result.fit.models.length} request model(s), registered and anonymous users`,
        "",
        `simulated vs snapshot: the horde arm, ${result.scenario.replications} replications of ${result.scenario.horizon / 3600} h, time-average after a ${result.scenario.warmup / 3600} h warm-up`,
        `(simulated: the scenario's seed ${result.scenario.seed}, as hordesim run prints it; seed ${result.checkSeed}: the confirming run, other workers and arrivals)`,
        formatMatchTable(result.tuned, result.confirmed, result.checkSeed),
        "",
        `run every policy arm on it: hordesim run ${out}`,
      );
      return;
    }
    const out = argv.out as string;
    refuseExisting(out, argv.force);
    const { calibration: c, yaml } = await calibrateLogs(argv.logs ?? [], { replay: argv.replay, name: argv.name });
    writeWhole(out, yaml);
    const hang = c.workers.filter((w) => w.hang !== null || w.fault !== null).length;
    output.result(
      `wrote ${out}: ${c.requests.total} requests over ${c.horizonHours} h in ${c.streams.length} arrival stream(s)${c.replay ? " (exact times)" : ""}, ${c.workers.length} workers (${hang} with failures)\n` +
        `run the policies on this day: hordesim run ${out}`,
    );
  },
};
