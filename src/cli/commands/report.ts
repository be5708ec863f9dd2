import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../errors.js";

export const reportCommand: CommandModule<object, { dir: string }> = {
  command: "report <dir>",
  describe: "Render the charts and report.html again from a result folder",
  builder: (y) => y.positional("dir", { type: "string", demandOption: true, describe: "Result folder of a run" }),
  handler: async (argv) => {
    if (!existsSync(join(argv.dir, "summary.json"))) {
      throw new UserError(`${argv.dir}: not a result folder (no summary.json)`);
    }
    const { renderReport } = await import("../../report/render-report.js");
    const files = await renderReport(argv.dir);
    process.stdout.write(`wrote ${files.length} files in ${argv.dir}\n`);
  },
};
