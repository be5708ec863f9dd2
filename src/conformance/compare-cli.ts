// `node dist/src/conformance/compare-cli.js --result DIR [--replications N]`: compares a conformance result
// folder with hordesim (trace-compare.ts, statistics.ts), writes comparison.txt and comparison.json there,
// prints the comparison, and exits 1 when a server decision disagrees with hordesim's (2 on bad input).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ServerReplay } from "../horde/replay.js";
import { createPolicy } from "../policies/registry.js";
import { loadScenarioFile } from "../scenario-file/load.js";
import { planRun } from "./plan.js";
import { readResult } from "./result-files.js";
import { checkFigures, formatFigureChecks, realFigures } from "./statistics.js";
import { compareTrace, formatTraceComparison } from "./trace-compare.js";

const { values } = parseArgs({ options: { result: { type: "string" }, replications: { type: "string" } } });
const dir = values.result;
if (dir === undefined || !existsSync(join(dir, "driver.jsonl"))) {
  console.error(
    `conformance compare: --result DIR must name a result folder with driver.jsonl (got ${dir ?? "nothing"})`,
  );
  process.exit(2);
}
const outputs = ["comparison.txt", "comparison.json"].map((f) => join(dir, f));
const existing = outputs.find((f) => existsSync(f));
if (existing !== undefined) {
  console.error(`conformance compare: ${existing} exists (nothing is overwritten)`);
  process.exit(2);
}
let result: ReturnType<typeof readResult>;
try {
  result = readResult(dir);
} catch (err) {
  console.error(`conformance compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const scenario = loadScenarioFile(join(dir, "scenario.yaml"));
const plan = planRun(scenario);
const replay = new ServerReplay(scenario, (ctx) => createPolicy(scenario.policies[0], ctx));
const trace = compareTrace(result, plan.submissions, plan.workers, replay);

const start = result.events.find((e) => e.ev === "start");
const seconds = start?.ev === "start" ? start.minutes * 60 : scenario.horizon;
const hanging = plan.workers.filter((w) => w.failures.some((f) => f.mode === "hang")).map((w) => w.name);
const replications = Number(values.replications ?? scenario.replications);
const figures = checkFigures(scenario, realFigures(result, trace.sweeps, hanging), seconds, replications, hanging);

const text = `${formatTraceComparison(trace)}\n${formatFigureChecks(figures, replications)}`;
writeFileSync(outputs[0], text, { flag: "wx" });
writeFileSync(
  outputs[1],
  `${JSON.stringify({ decisions: trace.decisions, sweeps: trace.sweeps, figures }, null, 1)}\n`,
  {
    flag: "wx",
  },
);
process.stdout.write(text);
process.exit(trace.decisions.some((d) => d.verdict === "disagree") ? 1 : 0);
