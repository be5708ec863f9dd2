// The horde.log writer reads a request or job only while the model tells it of an event naming it, so a run
// that frees ended entities (what `hordesim run --horde-log` does) writes the same log as one that keeps them.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReplication } from "../../src/experiment/run-replication.js";
import { HordeLogWriter } from "../../src/results/horde-log-writer.js";
import { parseScenario } from "../../src/scenario-file/load.js";
import { DAY_YAML } from "../analyze/simulated-day.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(retainEnded: boolean): string {
  const scenario = parseScenario(DAY_YAML, "day.yaml");
  const path = join(dir, `horde-${retainEnded}.log`);
  const writer = new HordeLogWriter(path, scenario.start_time);
  const noop = () => {};
  runReplication({
    scenario,
    arm: scenario.policies[0],
    seed: 3,
    replication: 1,
    sink: { request: noop, user: noop, attempt: noop, worker: noop, sample: noop },
    observe: (model) => writer.observer(model),
    retainEnded,
  });
  writer.close();
  return readFileSync(path, "utf8");
}

describe("horde.log with ended entities freed", () => {
  it("is the same log, line for line, as with every entity kept", () => {
    const kept = writeLog(true);
    const freed = writeLog(false);
    expect(kept.split("\n").length).toBeGreaterThan(1000);
    expect(kept).toMatch(/stale/i);
    expect(freed).toBe(kept);
  });
});
