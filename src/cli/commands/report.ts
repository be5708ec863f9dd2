import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import type { SweepSummary } from "../../results/sweep-results.js";

export const reportCommand: CommandModule<object, { dir: string }> = {
  command: "report <dir>",
  describe: "Render the charts (and a run's report.html) again from a result folder of run, sweep or merge",
  builder: (y) => y.positional("dir", { type: "string", demandOption: true, describe: "Result folder" }),
  handler: async (argv) => {
    const sweep = join(argv.dir, "sweep.json");
    if (existsSync(sweep)) {
      let summary: SweepSummary;
      try {
        summary = JSON.parse(readFileSync(sweep, "utf8")) as SweepSummary;
      } catch (e) {
        throw new UserError(`${sweep}: not readable as JSON (${(e as Error).message})`);
      }
      if (!Array.isArray(summary.cells) || !Array.isArray(summary.grids))
        throw new UserError(`${sweep}: not the summary of a sweep (no cells or grids)`);
      const { renderSweepCharts } = await import("../../report/sweep-charts.js");
      const files = await renderSweepCharts(argv.dir, summary);
      process.stdout.write(`wrote ${files.length} files in ${argv.dir}\n`);
      return;
    }
    if (!existsSync(join(argv.dir, "summary.json"))) {
      throw new UserError(`${argv.dir}: not a result folder (no summary.json or sweep.json)`);
    }
    const { renderReport } = await import("../../report/render-report.js");
    const files = await renderReport(argv.dir);
    process.stdout.write(`wrote ${files.length} files in ${argv.dir}\n`);
  },
};
