// `node dist/src/conformance/compare-cli.js --result DIR [--scenario FILE] [--replications N]`: compares a
// conformance result folder with hordesim (trace-compare.ts, statistics.ts), writes comparison.txt and
// comparison.json there, prints the comparison, and exits 1 when a server decision disagrees with hordesim's
// (2 on bad input). --scenario compares with another version of the run's scenario (measured constants put
// in): it must plan the same users and workers as the one the run played (the folder's scenario.yaml).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ServerReplay } from "../horde/replay.js";
import { createPolicy } from "../policies/registry.js";
import { loadScenarioFile } from "../scenario-file/load.js";
import { type Plan, planRun } from "./plan.js";
import { readResult } from "./result-files.js";
import { checkFigures, formatFigureChecks, realFigures } from "./statistics.js";
import { compareTrace, formatTraceComparison } from "./trace-compare.js";

const { values } = parseArgs({
  options: { result: { type: "string" }, scenario: { type: "string" }, replications: { type: "string" } },
});
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
const played = loadScenarioFile(join(dir, "scenario.yaml"));
const scenario = values.scenario === undefined ? played : loadScenarioFile(values.scenario);
const plan = planRun(scenario);
if (values.scenario !== undefined && !samePlan(plan, planRun(played))) {
  console.error(`conformance compare: ${values.scenario} plans other users or workers than the run played`);
  process.exit(2);
}
const replay = new ServerReplay(scenario, (ctx) => createPolicy(scenario.policies[0], ctx));
const trace = compareTrace(result, plan.submissions, plan.workers, replay, scenario.server.max_faulted_jobs);

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
process.exitCode = trace.decisions.some((d) => d.verdict === "disagree") ? 1 : 0;

/** The same submissions (time, arrival, user, template) and the same workers (name, speed, failure modes). */
function samePlan(a: Plan, b: Plan): boolean {
  const subs = (p: Plan) => JSON.stringify(p.submissions.map((s) => [s.at, s.arrival, s.user, s.kudos, s.template]));
  const workers = (p: Plan) => JSON.stringify(p.workers.map((w) => [w.name, w.speed, w.models, w.failures]));
  return subs(a) === subs(b) && workers(a) === workers(b);
}
