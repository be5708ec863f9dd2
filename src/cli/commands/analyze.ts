import type { CommandModule } from "yargs";
import { analyzeLogs } from "../../analyze/analyze-logs.js";
import { summaryDocument, summaryText } from "../../analyze/summary-text.js";
import { writeAnalysis } from "../../analyze/write-analysis.js";
import { diskError } from "../../results/disk-errors.js";
import { OutputFolder } from "../../results/output-folder.js";
import { Output, type OutputArgs, outputOptions } from "../output.js";

interface AnalyzeArgs extends OutputArgs {
  logs: string[];
  out?: string;
  force: boolean;
  charts: boolean;
}

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: "analyze <logs..>",
  describe:
    "Read horde.log files (plain, .bz2 or .gz, merged in time order): stale aborts per worker and configuration, timelines, faulted requests, deliveries",
  builder: (y) =>
    outputOptions(
      y
        .positional("logs", { type: "string", array: true, demandOption: true, describe: "horde.log files" })
        .option("out", {
          alias: "o",
          type: "string",
          describe: "Also write analysis.md, CSV tables and a chart into this new folder",
        })
        .option("force", { type: "boolean", default: false, describe: "Replace an existing --out folder" })
        .option("charts", { type: "boolean", default: true, describe: "Render the chart (--no-charts to skip)" }),
    ).example(
      "$0 analyze horde.log horde.log.2025-09-29.bz2 --out analysis",
      "timeouts and reported faults per worker, timelines, analysis.md",
    ),
  handler: async (argv) => {
    const output = new Output(argv);
    const folder = argv.out === undefined ? null : OutputFolder.open(argv.out, { force: argv.force });
    try {
      const analysis = await analyzeLogs(argv.logs);
      // the folder is written before anything is printed: a failure prints the error alone
      let written: string[] | null = null;
      try {
        if (folder !== null) written = await writeAnalysis(analysis, folder, argv.charts);
      } catch (err) {
        throw diskError(err, folder?.dir ?? "", "the analysis was not saved (free some space and run it again)");
      }
      output.result(summaryText(analysis, argv.logs).replace(/\n$/, ""));
      if (written !== null) output.result(`wrote ${written.length} files in ${argv.out}`);
      output.document({ ...summaryDocument(analysis, argv.logs), out: argv.out ?? null });
    } finally {
      folder?.abort();
    }
  },
};
