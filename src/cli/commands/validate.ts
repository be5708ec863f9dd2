import type { CommandModule } from "yargs";
import { loadScenarioFile } from "../../scenario-file/load.js";
import { Output, type QuietArgs, quietOption } from "../output.js";

export const validateCommand: CommandModule<object, { file: string } & QuietArgs> = {
  command: "validate <file>",
  describe: "Check a scenario file; print every problem as file:line:col",
  builder: (y) =>
    quietOption(y.positional("file", { type: "string", demandOption: true, describe: "Scenario YAML file" })),
  handler: (argv) => {
    const scenario = loadScenarioFile(argv.file);
    const workers = scenario.workers.reduce((n, g) => n + g.count, 0);
    new Output(argv).result(
      `${argv.file}: ok — "${scenario.name}", ${scenario.arrivals.length} arrival stream(s), ${workers} worker(s) in ${scenario.workers.length} group(s), ${scenario.policies.length} policy arm(s): ${scenario.policies.map((p) => p.name).join(", ")}`,
    );
  },
};
