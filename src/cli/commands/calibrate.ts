import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { CommandModule } from "yargs";
import { calibrateLogs } from "../../analyze/calibrate-logs.js";
import { UserError } from "../../errors.js";
import { Output, type QuietArgs, quietOption } from "../output.js";

interface CalibrateArgs extends QuietArgs {
  logs: string[];
  out: string;
  replay: boolean;
  force: boolean;
  name?: string;
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: "calibrate <logs..>",
  describe:
    "Estimate a scenario from horde.log files: arrivals, request shapes, one group per worker with its speed and failures",
  builder: (y) =>
    quietOption(
      y
        .positional("logs", { type: "string", array: true, demandOption: true, describe: "horde.log files" })
        .option("out", { alias: "o", type: "string", demandOption: true, describe: "Scenario YAML file to write" })
        .option("replay", {
          type: "boolean",
          default: false,
          describe: "Exact arrival times (trace replay) instead of hourly rates",
        })
        .option("force", { type: "boolean", default: false, describe: "Replace an existing --out file" })
        .option("name", { type: "string", describe: "Scenario name (default: calibrated-LOGNAME)" }),
    ),
  handler: async (argv) => {
    if (existsSync(argv.out) && !argv.force) {
      throw new UserError(
        `${argv.out} already exists: nothing was written. Use --force to replace it, or --out another file.`,
      );
    }
    const { calibration: c, yaml } = await calibrateLogs(argv.logs, { replay: argv.replay, name: argv.name });
    const tmp = `${argv.out}.partial-${process.pid}`;
    try {
      writeFileSync(tmp, yaml);
      renameSync(tmp, argv.out);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new UserError(`${argv.out}: cannot write (${(e as Error).message})`);
    }
    const hang = c.workers.filter((w) => w.hang !== null || w.fault !== null).length;
    new Output(argv).result(
      `wrote ${argv.out}: ${c.requests.total} requests over ${c.horizonHours} h in ${c.streams.length} arrival stream(s)${c.replay ? " (exact times)" : ""}, ${c.workers.length} workers (${hang} with failures)\n` +
        `run the policies on this day: hordesim run ${argv.out}`,
    );
  },
};
