// `node dist/src/conformance/drive-cli.js --url URL --server-log FILE --scenario FILE --minutes N --log FILE`:
// plays the scenario's plan against the server (conformance/run.sh starts it and calls this).
import { parseArgs } from "node:util";
import { loadScenarioFile } from "../scenario-file/load.js";
import { drive } from "./driver.js";
import { planRun } from "./plan.js";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    "server-log": { type: "string" },
    scenario: { type: "string" },
    minutes: { type: "string" },
    log: { type: "string" },
  },
});
const need = (k: keyof typeof values): string => {
  const v = values[k];
  if (typeof v !== "string" || v.length === 0) {
    console.error(`conformance driver: --${k} is required`);
    process.exit(2);
  }
  return v;
};
const scenarioFile = need("scenario");
const minutes = Number(need("minutes"));
if (!(minutes > 0)) {
  console.error(`conformance driver: --minutes must be a positive number, not ${values.minutes}`);
  process.exit(2);
}
const scenario = loadScenarioFile(scenarioFile);
const plan = planRun(scenario);
const result = await drive({
  scenario,
  scenarioName: scenario.name,
  plan,
  url: need("url"),
  serverLog: need("server-log"),
  logFile: need("log"),
  minutes,
});
console.log(`conformance driver: ${result.events} events logged to ${values.log}`);
