import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { Output, type QuietArgs, quietOption } from "../output.js";

interface CheckRuleArgs extends QuietArgs {
  file: string;
  runs: number;
  seed: number;
  constants: string;
}

/** Exit code of a rule that breaks an invariant (2 is bad input, as everywhere). */
export const CHECK_FAILED = 1;

export const checkRuleCommand: CommandModule<object, CheckRuleArgs> = {
  command: "check-rule <file>",
  describe:
    "Check a rule or failure mode of your own against the scheduler's invariants in generated scenarios; print a failing one as YAML",
  builder: (y) =>
    quietOption(
      y
        .positional("file", { type: "string", demandOption: true, describe: "The rule's module (.ts or .js)" })
        .option("runs", { type: "number", default: 100, describe: "Generated scenarios to try" })
        .option("seed", { type: "number", default: 1, describe: "Seed of the generator (same seed, same scenarios)" })
        .option("constants", {
          type: "string",
          default: "",
          describe: 'The rule\'s constants as YAML, e.g. "min_speed: 0.3, window: 10m" (default: its defaults)',
        }),
    ),
  handler: async (argv) => {
    if (!Number.isSafeInteger(argv.runs) || argv.runs < 1 || argv.runs > 100_000)
      throw new UserError(`--runs must be an integer from 1 to 100000, got ${argv.runs}`);
    if (!Number.isSafeInteger(argv.seed)) throw new UserError(`--seed must be an integer, got ${argv.seed}`);
    // loaded here, not at start-up: fast-check and the generators are for this command only
    const { checkRule } = await import("../../experiment/check-rule.js");
    const { loadModuleFile } = await import("../../user-rules/load.js");
    const module = await loadModuleFile(argv.file);
    const output = new Output(argv);
    const what = module.kind === "failure" ? "failure mode" : `${module.kind} rule`;
    const result = await checkRule({ module, constants: argv.constants, runs: argv.runs, seed: argv.seed });
    if (result.failure === null) {
      output.result(
        `${argv.file}: ok — the ${what} kept every invariant in ${result.runs} generated scenarios (invariants, lazy = naive polling, same seed same records)`,
      );
      return;
    }
    const f = result.failure;
    process.stdout.write(
      [
        `${argv.file}: FAILED — ${f.property}`,
        ...f.problems.map((p) => `  ${p}`),
        "",
        `The smallest failing scenario found (run it from this folder with: hordesim run FILE.yaml -r 1):`,
        "",
        f.scenarioYaml,
      ].join("\n"),
    );
    process.exitCode = CHECK_FAILED;
  },
};
