import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { readJsonFile } from "../../results/json-file.js";
import type { SweepSummary } from "../../results/sweep-results.js";
import { folderFiles, folderLines, Output, type QuietArgs, quietOption } from "../output.js";

export const reportCommand: CommandModule<object, { dir: string } & QuietArgs> = {
  command: "report <dir>",
  describe: "Render the charts (and a run's report.html) again from a result folder of run, sweep or merge",
  builder: (y) => quietOption(y.positional("dir", { type: "string", demandOption: true, describe: "Result folder" })),
  handler: async (argv) => {
    const output = new Output(argv);
    const wrote = (files: string[]) =>
      output.result(`wrote ${files.length} files in ${argv.dir}`, ...folderLines(folderFiles(argv.dir)).slice(1));
    const sweep = join(argv.dir, "sweep.json");
    if (existsSync(sweep)) {
      const file = readJsonFile(sweep);
      const summary = file.value as SweepSummary;
      if (
        summary === null ||
        typeof summary !== "object" ||
        !Array.isArray(summary.cells) ||
        !Array.isArray(summary.grids)
      )
        throw new UserError(`${file.at("")}: not the summary of a sweep (no cells or grids); the file is damaged`);
      const { renderSweepCharts } = await import("../../report/sweep-charts.js");
      wrote(await renderSweepCharts(argv.dir, summary));
      return;
    }
    if (!existsSync(join(argv.dir, "summary.json"))) {
      throw new UserError(`${argv.dir}: not a result folder (no summary.json or sweep.json)`);
    }
    const { renderReport } = await import("../../report/render-report.js");
    wrote(await renderReport(argv.dir));
  },
};
