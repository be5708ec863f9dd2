// Inputs that cannot fit are refused before anything runs, with the limit named and the place in the file:
// an endless or huge scenario file, bytes that are not UTF-8, an unknown YAML tag, too many queue samples or
// workers, and a status snapshot whose queue would make a scenario beyond the limits.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { calibrateStatus } from "../../src/analyze/calibrate-status.js";
import { UserError } from "../../src/errors.js";
import { MAX_SCENARIO_BYTES, MAX_SAMPLES, MAX_WORKERS } from "../../src/scenario-file/limits.js";
import { parseScenario, readScenarioText, ScenarioError } from "../../src/scenario-file/load.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-limits-"));
const root = join(import.meta.dirname, "..", "..");
const SMALL = readFileSync(join(root, "test", "cli", "fixtures", "small.yaml"), "utf8");

function refusal(text: string): string {
  try {
    parseScenario(text, "s.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error("the scenario was accepted");
}

describe("scenario files that cannot be read as a scenario", () => {
  it.runIf(process.platform === "linux")("/dev/zero is read no further than the limit and refused", () => {
    expect(() => readScenarioText("/dev/zero")).toThrow(
      new RegExp(`^/dev/zero: larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB, the limit of a scenario file`),
    );
  });

  it("a file over the limit is refused", () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, `${SMALL}\n#${"x".repeat(MAX_SCENARIO_BYTES)}\n`);
    expect(() => readScenarioText(big)).toThrow(/larger than 8 MiB/);
  });

  it("bytes that are not UTF-8 are placed by line and column", () => {
    const bad = join(dir, "latin1.yaml");
    writeFileSync(
      bad,
      Buffer.concat([Buffer.from("name: x\ndescription: caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    );
    expect(() => readScenarioText(bad)).toThrow(/^.*latin1\.yaml:2:17: not a text file \(it is not valid UTF-8 here\)/);
  });

  it("an unknown YAML tag is refused at its place", () => {
    const text = SMALL.replace("horizon: 2h", "horizon: !custom 2h");
    expect(refusal(text)).toMatch(/^s\.yaml:3:10: YAML tag !custom is not known/);
  });
});

describe("scenarios that would not fit in memory", () => {
  it("too many queue samples: named with the limit, at sample_interval", () => {
    const message = refusal(SMALL.replace("sample_interval: 5m", "sample_interval: 0.000001s"));
    expect(message).toMatch(/^s\.yaml:6:18: sample_interval: would take 7\.20e\+9 queue samples per replication/);
    expect(message).toContain(`the limit is ${MAX_SAMPLES.toLocaleString("en-US")}`);
  });

  it("2 million workers in 20 groups: named with the limit", () => {
    const groups = Array.from({ length: 20 }, (_, i) => `  - { name: g${i}, count: 100000, speed: 2 }`).join("\n");
    const text = SMALL.replace(/workers:\n[\s\S]*?policies:/, `workers:\n${groups}\npolicies:`);
    expect(refusal(text)).toMatch(
      new RegExp(`workers: 2,000,000 workers in all; the limit is ${MAX_WORKERS.toLocaleString("en-US")}`),
    );
  });

  it("150,000 requests a second on 3 workers for 1000 s: the requests a replication would submit, with the limit", () => {
    const text = SMALL.replace("rate: 120/h", "rate: 150000/s").replace("horizon: 2h", "horizon: 1000s");
    expect(refusal(text)).toMatch(
      /arrivals: would submit about 1\.50e\+8 requests per replication over the horizon; the limit is 5e\+6/,
    );
  });

  it("a status snapshot with a queue of 1e12 is refused at queued_requests", () => {
    const snapshot = JSON.parse(readFileSync(join(root, "scenarios", "status", "performance-snapshot.json"), "utf8"));
    const file = join(dir, "queue-1e12.json");
    writeFileSync(file, JSON.stringify({ ...snapshot, queued_requests: 1e12, queued_megapixelsteps: 1e13 }, null, 2));
    const run = () =>
      calibrateStatus({ performanceFile: file, modelsFile: null, name: "q", source: null, command: "" });
    expect(run).toThrow(UserError);
    expect(run).toThrow(/queue-1e12\.json:2:22: queued_requests: the fitted scenario is too large to run: arrivals/);
  });
});
