import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { Interrupted, UserError } from "../errors.js";
import { HORDESIM_VERSION } from "../version.js";
import { analyzeCommand } from "./commands/analyze.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { checkRuleCommand } from "./commands/check-rule.js";
import { mergeCommand } from "./commands/merge.js";
import { queryCommand } from "./commands/query.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { sweepCommand } from "./commands/sweep.js";
import { validateCommand } from "./commands/validate.js";
import { suggestOptions } from "./suggest.js";

const debug = process.argv.includes("--debug");

function fail(err: unknown): never {
  if (err instanceof Interrupted) {
    process.stderr.write(`hordesim: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof UserError) {
    process.stderr.write(`hordesim: ${err.message}\n`);
    process.exit(2);
  }
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hordesim: internal error: ${message}${debug ? "" : " (run with --debug for details)"}\n`);
  process.exit(1);
}

process.on("unhandledRejection", fail);
// A reader that stops early (`hordesim schema | head -1`) closes the pipe: the rest of the output is not wanted.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  fail(err);
});

try {
  const cli = yargs(hideBin(process.argv));
  await cli
    .scriptName("hordesim")
    .usage("$0 <command> [options]\n\nA discrete-event simulator of the AI Horde's job scheduling.")
    .command(runCommand)
    .command(validateCommand)
    .command(schemaCommand)
    .command(reportCommand)
    .command(analyzeCommand)
    .command(calibrateCommand)
    .command(sweepCommand)
    .command(mergeCommand)
    .command(queryCommand)
    .command(checkRuleCommand)
    .option("debug", { type: "boolean", default: false, describe: "Print stack traces of internal errors" })
    .group(["help", "version", "debug"], "General:")
    .demandCommand(
      1,
      "Name a command: run, sweep, merge, query, validate, schema, report, analyze, calibrate or check-rule.",
    )
    .strict()
    .recommendCommands()
    .example(
      "$0 run scenarios/incident-2025-09-29.yaml",
      "compare the incident day's ten policy arms (about half a minute)",
    )
    .example("$0 validate my-horde.yaml", "check a scenario: problems, requests no worker takes, the offered load")
    .example(
      '$0 query results/incident-2025-09-29 "SELECT policy, count(*) FROM requests GROUP BY ALL"',
      "SQL over a run's records",
    )
    .example("$0 analyze horde.log --out analysis", "the incident report, from the server's log")
    .epilogue("Every command and option: docs/commands.md. Writing a scenario: docs/scenarios.md.")
    .help()
    .alias("h", "help")
    .version(HORDESIM_VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err) fail(err);
      // the options of the command being parsed: yargs fills the one instance with them
      // getOptions is public in yargs but missing from its typings
      const known = Object.keys((cli as unknown as { getOptions(): { key: object } }).getOptions().key);
      process.stderr.write(`hordesim: ${msg}${suggestOptions(msg, known)}\nRun "hordesim --help" for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
} catch (err) {
  fail(err);
}
