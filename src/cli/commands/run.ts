import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { formatDecisionSections } from "../../metrics/decision-summary.js";
import { formatHeadlines } from "../../metrics/headlines.js";
import { formatModelTable } from "../../metrics/load-summary.js";
import { formatTargetTable } from "../../metrics/status-targets.js";
import { formatComparisonTable } from "../../metrics/summary.js";
import { leftoverPartials } from "../../results/output-folder.js";
import { RECORD_FORMATS, RECORDS_CHOICES, type RecordFormat, type RecordsChoice } from "../../results/record-files.js";
import type { RunSummary } from "../../results/run-folder.js";
import { scenarioSha256 } from "../../scenario-file/load.js";
import { loadScenarioWithModules } from "../../user-rules/load.js";
import { folderFiles, folderLines, Output, type OutputArgs, outputOptions } from "../output.js";
import { RunProgress } from "../progress.js";
import { type SequentialArgs, sequentialOptions, sequentialPlan } from "../run-sequential.js";

interface RunArgs extends OutputArgs, SequentialArgs {
  scenario: string;
  seed?: number;
  replications?: number;
  out?: string;
  force: boolean;
  "horde-log": boolean;
  policy?: string[];
  charts: boolean;
  jobs?: string;
  records: RecordsChoice;
  format: RecordFormat;
}

export const MAX_JOBS = 64;

/**
 * results/NAME, or the first free results/NAME-2, -3, ...: a default run never touches an earlier folder.
 * `free` says whether a path may be taken (by default: nothing is there).
 */
export function defaultOutDir(name: string, free = (p: string) => !existsSync(p)): string {
  const base = join("results", name.replace(/[^A-Za-z0-9._-]+/g, "-"));
  if (free(base)) return base;
  for (let i = 2; ; i++) if (free(`${base}-${i}`)) return `${base}-${i}`;
}

/** The --jobs value: an integer from 1 to MAX_JOBS (1 when not given). */
export function parseJobs(value: unknown): number {
  if (value === undefined) return 1;
  const text = String(value).trim();
  const jobs = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw new UserError(`--jobs must be an integer from 1 to ${MAX_JOBS}, got ${JSON.stringify(String(value))}`);
  }
  return jobs;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: "run <scenario>",
  describe:
    "Run a scenario: every policy arm over the same replications; print the comparison and write a result folder",
  builder: (y) =>
    outputOptions(
      sequentialOptions(
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file" })
          .option("seed", { type: "number", describe: "Base seed (default: the scenario's)" })
          .option("replications", {
            alias: "r",
            type: "number",
            describe: "Replications per arm (default: the scenario's)",
          })
          .option("out", {
            alias: "o",
            type: "string",
            describe: "Result folder (default: results/NAME, never reused)",
          })
          .option("force", { type: "boolean", default: false, describe: "Replace an existing --out folder" })
          .option("horde-log", {
            type: "boolean",
            default: false,
            describe: "Also write horde.log in the server's format",
          })
          .option("policy", { alias: "p", type: "string", array: true, describe: "Run only this arm (repeatable)" })
          .option("charts", {
            type: "boolean",
            default: true,
            describe: "Render charts and report.html (--no-charts to skip)",
          })
          .option("records", {
            type: "string",
            choices: RECORDS_CHOICES,
            default: "requests" as RecordsChoice,
            describe:
              "Record tables to write: requests (requests, workers, samples, and the jobs of requests that went wrong), all (every job and the users table too), none",
          })
          .option("format", {
            type: "string",
            choices: RECORD_FORMATS,
            default: "parquet" as RecordFormat,
            describe: "Format of the record tables: parquet (zstd) or csv",
          })
          .option("jobs", {
            alias: "j",
            type: "string",
            describe: `Worker threads running the replications, 1 to ${MAX_JOBS} (default 1; the result folder is the same for any value)`,
          }),
      ),
    )
      .example("$0 run scenarios/incident-2025-09-29.yaml", "every arm, the scenario's replications; results/NAME")
      .example("$0 run my.yaml --replications 20 --seed 7 --jobs 2", "more replications, another seed, two threads")
      .example("$0 run my.yaml --policy horde --policy heartbeat+exclude", "only these two arms")
      .example("$0 run my.yaml --precision 5% --max-replications 50", "replicate until every interval is within 5 %"),
  handler: async (argv) => {
    const scenario = await loadScenarioWithModules(argv.scenario);
    const text = readFileSync(argv.scenario, "utf8");
    const seed = argv.seed ?? scenario.seed;
    const replications = argv.replications ?? scenario.replications;
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new UserError(`--seed must be a non-negative integer, got ${argv.seed}`);
    if (!Number.isSafeInteger(replications) || replications < 1 || replications > 10000) {
      throw new UserError(`--replications must be an integer from 1 to 10000, got ${argv.replications}`);
    }
    const jobs = parseJobs(argv.jobs);
    let arms = scenario.policies;
    if (argv.policy !== undefined && argv.policy.length > 0) {
      const names = new Set(arms.map((a) => a.name));
      const unknown = argv.policy.filter((p) => !names.has(p));
      if (unknown.length > 0) {
        throw new UserError(
          `--policy ${unknown.join(", ")}: no such arm in ${argv.scenario} (arms: ${[...names].join(", ")})`,
        );
      }
      arms = arms.filter((a) => argv.policy?.includes(a.name));
    }
    const sequential = sequentialPlan(
      argv,
      scenario,
      arms.map((a) => a.name),
      replications,
    );
    const out = argv.out ?? defaultOutDir(scenario.name);
    const output = new Output(argv);
    for (const left of leftoverPartials(dirname(out)))
      output.warn(
        `hordesim: ${left} is left from a run that was killed (its process is gone); not used: remove it with rm -r ${left}`,
      );
    // Ctrl-C or SIGTERM: stop after the running replication, remove the partial folder, exit 130 / 143;
    // a second signal exits at once (the exit hook still removes the partial folder)
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(signal === "SIGTERM" ? 143 : 130);
      controller.abort(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const progress = new RunProgress(output.progressStream, "run");
    const started = performance.now();
    let events = 0;
    let summary: RunSummary;
    if (sequential === null) progress.start(arms.length * replications, arms.length * replications);
    try {
      // loaded here, not at start-up: it brings DuckDB, which every other command can do without
      const { runExperiment } = await import("../../results/run-folder.js");
      summary = await runExperiment({
        scenario,
        scenarioText: text,
        scenarioSha256: scenarioSha256(text),
        seed,
        replications,
        arms,
        out,
        force: argv.force,
        records: argv.records,
        format: argv.format,
        jobs,
        plan: sequential?.plan,
        summaryExtra: sequential?.summaryExtra,
        onBatch: (units) => {
          if (sequential === null) return;
          progress.stop();
          progress.start(units, units);
        },
        signal: controller.signal,
        onProgress: (_done, _total, ev) => {
          events += ev;
          progress.tick(ev);
        },
        // horde.log holds one run, as a server's log would: the first arm's first replication.
        hordeLog: argv["horde-log"],
        afterRuns: async (folder) => {
          if (argv.charts) {
            const { renderReport } = await import("../../report/render-report.js");
            await renderReport(folder.dir);
          }
        },
      });
    } finally {
      progress.stop();
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
    const seconds = (performance.now() - started) / 1000;
    const files = folderFiles(out);
    const perModel = summary.policies[0] === undefined ? null : formatModelTable(summary.policies[0]);
    output.result(
      ...(summary.headlines === null || summary.headlines === undefined
        ? []
        : [formatHeadlines(summary.headlines), ""]),
      formatComparisonTable(summary),
      ...(perModel === null ? [] : ["", perModel]),
      ...(summary.targets === undefined ? [] : ["", formatTargetTable(summary.targets, summary.replications)]),
      "",
      formatDecisionSections(summary, sequential?.report() ?? null),
      "",
    );
    output.note(
      `${arms.length} arm(s) × ${summary.replications} replication(s): ${events.toLocaleString("en-US")} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds).toLocaleString("en-US")} events/s)`,
    );
    output.result(...folderLines(files));
    output.document({
      ...files,
      ...sequential?.document(),
      summary: JSON.parse(readFileSync(join(out, "summary.json"), "utf8")),
    });
  },
};
