import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import {
  describeGrids,
  enumerateCells,
  type GridInput,
  gridsFromScenario,
  parseSetOption,
  resolveGrids,
  validateCells,
} from "../../experiment/sweep-grid.js";
import { paretoCells } from "../../metrics/pareto.js";
import { runSweep, type SweepCharts, type SweepOutcome } from "../../results/run-sweep.js";
import type { Shard } from "../../results/sweep-folder.js";
import { formatSweepTable } from "../../results/sweep-results.js";
import { loadReferencedModules } from "../../user-rules/load.js";
import { readScenarioText, readScenarioYaml, scenarioSha256, validateScenarioData } from "../../scenario-file/load.js";
import { folderFiles, folderLines, Output, type OutputArgs, outputOptions } from "../output.js";
import { RunProgress } from "../progress.js";
import { defaultOutDir, parseJobs } from "./run.js";

interface SweepArgs extends OutputArgs {
  scenario: string;
  set?: string[];
  seed?: number;
  replications?: number;
  policy?: string[];
  out?: string;
  force: boolean;
  resume: boolean;
  shard?: string;
  jobs?: string | number;
  charts: boolean;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m === null ? Number.NaN : Number(m[1]);
  const count = m === null ? Number.NaN : Number(m[2]);
  if (!(index >= 1 && count >= 1 && index <= count && count <= 100000))
    throw new UserError(`--shard ${text}: expected I/N with 1 ≤ I ≤ N (e.g. --shard 2/8)`);
  return { index, count };
}

function checkCount(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new UserError(`--${name} must be an integer from ${min} to ${max}, got ${value}`);
  return v;
}

/** The report's sweep charts, loaded only when wanted (vega and resvg cost about half a second to load). */
export function sweepCharts(wanted: boolean): SweepCharts | undefined {
  if (!wanted) return undefined;
  return async (dir, summary) => {
    const { renderSweepCharts } = await import("../../report/sweep-charts.js");
    await renderSweepCharts(dir, summary);
  };
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: "sweep <scenario>",
  describe:
    "Run a grid of settings for each policy arm (--set or the scenario's sweep: block); tables, intervals and charts",
  builder: (y) =>
    outputOptions(
      y
        .positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file" })
        .option("set", {
          type: "string",
          array: true,
          describe:
            "PATH=V1,V2,… to sweep (repeatable; replaces the scenario's sweep: block), e.g. server.ttl.floor=60s,150s",
        })
        .option("replications", {
          alias: "r",
          type: "number",
          describe: "Replications per cell (default: the scenario's)",
        })
        .option("seed", {
          type: "number",
          describe: "Base seed (default: the scenario's); every cell uses the same seeds",
        })
        .option("policy", { alias: "p", type: "string", array: true, describe: "Sweep only this arm (repeatable)" })
        .option("out", {
          alias: "o",
          type: "string",
          describe: "Result folder (default: results/NAME-sweep, never reused)",
        })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "Replace an existing --out folder or discard an interrupted one",
        })
        .option("resume", {
          type: "boolean",
          default: false,
          describe: "Finish the interrupted sweep in --out, skipping its finished runs",
        })
        .option("shard", {
          type: "string",
          describe: "Run only share I of N (I/N) into a partial folder; join them with hordesim merge",
        })
        .option("jobs", {
          alias: "j",
          type: "string",
          describe: "Worker threads (default 1); results are identical for every value",
        })
        .option("charts", { type: "boolean", default: true, describe: "Render the charts (--no-charts to skip)" }),
    )
      .example("$0 sweep scenarios/sweep-ttl.yaml --out /tmp/sw", "the scenario's sweep: grids")
      .example("$0 sweep my.yaml --set server.ttl.floor=60s,150s,300s --jobs 2", "one setting over three values"),
  handler: async (argv) => {
    const text = readScenarioText(argv.scenario);
    const yaml = readScenarioYaml(text, argv.scenario);
    await loadReferencedModules(yaml);
    const scenario = validateScenarioData(yaml.data, yaml);
    const inputs: GridInput[] =
      argv.set !== undefined && argv.set.length > 0
        ? [{ params: argv.set.map(parseSetOption) }]
        : gridsFromScenario(yaml);
    if (inputs.length === 0)
      throw new UserError(`${argv.scenario} has no sweep: block: give the settings to sweep with --set PATH=V1,V2,…`);
    if (argv.policy !== undefined) {
      const names = scenario.policies.map((a) => a.name);
      const unknown = argv.policy.filter((p) => !names.includes(p));
      if (unknown.length > 0)
        throw new UserError(
          `--policy ${unknown.join(", ")}: no such arm in ${argv.scenario} (arms: ${names.join(", ")})`,
        );
    }
    const grids = resolveGrids(yaml, inputs, scenario.policies, argv.policy);
    validateCells(yaml, grids, enumerateCells(describeGrids(grids)));
    const seed = checkCount("seed", argv.seed, scenario.seed, 0, Number.MAX_SAFE_INTEGER);
    const replications = checkCount("replications", argv.replications, scenario.replications, 1, 10000);
    const shard = argv.shard === undefined ? { index: 1, count: 1 } : parseShard(argv.shard);
    const jobs = parseJobs(argv.jobs);
    if (argv.resume && argv.out === undefined)
      throw new UserError("--resume needs --out: the folder of the sweep to finish");
    if (argv.resume && argv.force) throw new UserError("--resume and --force contradict each other: choose one");
    const suffix = shard.count > 1 ? `-sweep-shard-${shard.index}-of-${shard.count}` : "-sweep";
    // a folder with an interrupted sweep beside it is not free either
    const free = (p: string) => !existsSync(p) && !existsSync(`${p}.partial`);
    const out = argv.out ?? defaultOutDir(`${scenario.name}${suffix}`, free);

    const output = new Output(argv);
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      controller.abort();
      output.warn(
        "\nhordesim: stopping once the running run(s) finish (again to stop at once; finished runs are kept)",
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const progress = new RunProgress(output.progressStream, "sweep");
    const started = performance.now();
    let outcome: SweepOutcome;
    try {
      outcome = await runSweep({
        yaml,
        text,
        sha256: scenarioSha256(text),
        name: scenario.name,
        grids,
        seed,
        replications,
        shard,
        out,
        force: argv.force,
        resume: argv.resume,
        jobs,
        charts: sweepCharts(argv.charts),
        signal: controller.signal,
        onStart: (todo, total) => progress.start(todo, total),
        onUnit: (u) => progress.tick(u.events),
      });
    } finally {
      progress.stop();
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
    const seconds = (performance.now() - started) / 1000;
    const rerun = `hordesim sweep ${process.argv
      .slice(3)
      .filter((a) => a !== "--resume")
      .join(" ")}`;
    switch (outcome.state) {
      case "complete-already":
        output.note(`${out} is already complete: nothing to do`);
        output.result(...folderLines(folderFiles(out)));
        output.document(sweepDocument(out, shard.count > 1 ? shard : null));
        return;
      case "interrupted":
        output.warn(
          `interrupted: ${outcome.done} of ${outcome.total} runs are saved in ${outcome.dir}; finish with:\n  ${rerun.includes("--out") ? rerun : `${rerun} --out ${out}`} --resume`,
        );
        process.exitCode = 130;
        return;
      case "shard-done":
        output.note(summaryLine(outcome.units, outcome.resumed, outcome.events, seconds));
        output.result(
          `shard ${shard.index}/${shard.count} in ${out}; join all shards with: hordesim merge DIR… --out OUT`,
        );
        output.document(sweepDocument(out, shard));
        return;
      case "done": {
        const front = paretoCells(outcome.summary.cells);
        output.result(formatSweepTable(outcome.summary, front));
        output.note(summaryLine(outcome.cells.length * replications, outcome.resumed, outcome.events, seconds));
        output.result(...folderLines(folderFiles(out)));
        output.document(sweepDocument(out, null));
        return;
      }
    }
  },
};

/**
 * The --json document of a sweep or merge folder: where it is, its charts, and sweep.json; a shard has no
 * summary of its own (merge the shards for one).
 */
export function sweepDocument(out: string, shard: Shard | null) {
  return {
    out,
    charts: folderFiles(out).charts,
    shard,
    summary: shard === null ? JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) : null,
  };
}

function summaryLine(units: number, resumed: number, events: number, seconds: number): string {
  const earlier = resumed > 0 ? ` (${resumed} from the interrupted try)` : "";
  return `${units} run(s)${earlier}: ${events.toLocaleString("en-US")} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 1e-9)).toLocaleString("en-US")} events/s)`;
}
