import type { CommandModule } from "yargs";
import { paretoCells } from "../../metrics/pareto.js";
import { mergeSweep } from "../../results/merge-sweep.js";
import { formatSweepTable } from "../../results/sweep-results.js";
import { folderFiles, folderLines, Output, type OutputArgs, outputOptions } from "../output.js";
import { sweepCharts, sweepDocument } from "./sweep.js";

interface MergeArgs extends OutputArgs {
  dirs: string[];
  out: string;
  force: boolean;
  charts: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: "merge <dirs..>",
  describe: "Join the folders of all shards of a sweep (--shard I/N) into the folder the unsharded sweep writes",
  builder: (y) =>
    outputOptions(
      y
        .positional("dirs", { type: "string", array: true, demandOption: true, describe: "The shard folders" })
        .option("out", { alias: "o", type: "string", demandOption: true, describe: "The merged result folder" })
        .option("force", { type: "boolean", default: false, describe: "Replace an existing --out folder" })
        .option("charts", { type: "boolean", default: true, describe: "Render the charts (--no-charts to skip)" }),
    ),
  handler: async (argv) => {
    const output = new Output(argv);
    const { summary } = await mergeSweep(argv.dirs, argv.out, { force: argv.force, charts: sweepCharts(argv.charts) });
    output.result(formatSweepTable(summary, paretoCells(summary.cells)), ...folderLines(folderFiles(argv.out)));
    output.document(sweepDocument(argv.out, null));
  },
};
