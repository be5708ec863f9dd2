// `hordesim calibrate --status` on the shipped fixtures, and `hordesim run` on the scenario it wrote
// (scenarios/horde-overloaded.yaml): the three figures within 10 % of the snapshot.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { secantStep } from "../../src/analyze/calibrate-status.js";
import { assignModels, fitStatus, MEAN_PIXELS } from "../../src/analyze/status-fit.js";
import { loadScenarioFile } from "../../src/scenario-file/load.js";
import { cli, root } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-calibrate-status-"));
const PERFORMANCE = "scenarios/status/performance-snapshot.json";
const MODELS = "scenarios/status/models-snapshot.json";
const SHIPPED = join(root, "scenarios/horde-overloaded.yaml");
const SNAPSHOT = {
  queued_requests: 395,
  worker_count: 10,
  thread_count: 10,
  queued_megapixelsteps: 4063,
  past_minute_megapixelsteps: 532,
};

/** The three rows of a printed table, figure → the cells after its label. */
function rows(stdout: string, labels: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split("\n")) {
    const label = labels.find((l) => line.startsWith(l));
    if (label !== undefined)
      out.set(
        label,
        line
          .slice(label.length)
          .trim()
          .split(/\s{3,}/),
      );
  }
  return out;
}

describe("the first guess", () => {
  it("gives a request the snapshot's mean MPS and the fleet the delivered throughput, every thread busy", () => {
    const fit = fitStatus(SNAPSHOT, null, "p.json");
    expect(fit.meanMps).toBeCloseTo(4063 / 395, 12);
    expect(fit.deliveredPerS).toBeCloseTo(532 / 60, 12);
    // 10.286 MPS over 334,233.6 pixels on average: 30.8 → 31 steps
    expect(MEAN_PIXELS).toBeCloseTo(334233.6, 6);
    expect(fit.models).toEqual([{ name: null, share: 1, steps: 31, jobs: null, mps: null }]);
    // 10 threads at 0.862 images/s: 11.60 s a job, 9.60 s of it sampling; median speed m·e^{(σ²+j²)/2} / 9.60
    const sampling = 10 / (532 / 60 / (4063 / 395)) - 2;
    expect(fit.speed).toBeCloseTo(((4063 / 395) * Math.exp((0.15 ** 2 + 0.1 ** 2) / 2)) / sampling, 9);
    // anonymous: the queue over the expiry plus half a sweep; registered: the rest of the capacity less 80 % of them
    expect(fit.anonymousRate).toBeCloseTo(395 / 1230, 12);
    expect(fit.registeredRate).toBeCloseTo(532 / 60 / (4063 / 395) - 0.8 * (395 / 1230), 12);
    expect(fit.workers).toEqual([{ name: "workers", count: 10, threads: 1, models: [] }]);
  });

  it("spreads uneven threads over the workers, and refuses a snapshot it cannot fit", () => {
    const fit = fitStatus({ ...SNAPSHOT, thread_count: 13 }, null, "p.json");
    expect(fit.workers.map((g) => [g.count, g.threads])).toEqual([
      [3, 2],
      [7, 1],
    ]);
    expect(() => fitStatus({ ...SNAPSHOT, queued_requests: 0 }, null, "p.json")).toThrow(
      "p.json: queued_requests: is 0: calibrate --status fits a loaded Horde, with a queue",
    );
    expect(() => fitStatus({ ...SNAPSHOT, past_minute_megapixelsteps: 60000 }, null, "p.json")).toThrow(
      /past_minute_megapixelsteps: 60000 MPS a minute is more than 10 thread\(s\) deliver/,
    );
  });

  it("puts each model on as many workers as its thread count, every worker serving one at least", () => {
    const models = [
      { name: "a", count: 4, queued: 1, jobs: 10 },
      { name: "b", count: 2, queued: 1, jobs: 5 },
      { name: "c", count: 0, queued: 1, jobs: 3 },
    ];
    const groups = assignModels(models, 5, 5);
    const perWorker = groups.flatMap((g) => Array.from({ length: g.count }, () => g.models));
    expect(perWorker).toHaveLength(5);
    expect(perWorker.filter((m) => m.includes("a"))).toHaveLength(4);
    expect(perWorker.filter((m) => m.includes("b"))).toHaveLength(2);
    expect(perWorker.some((m) => m.includes("c"))).toBe(false);
    for (const m of perWorker) expect(m.length).toBeGreaterThan(0);
  });
});

describe("a secant step in log space", () => {
  it("lands on the target of a power law y = c·x^k in one step from two points", () => {
    const y = (x: number) => 3 * x ** 0.7;
    const x = secantStep(
      [
        [1, y(1)],
        [1.2, y(1.2)],
      ],
      y(1.5),
      1,
    );
    expect(x).toBeCloseTo(1.5, 9);
  });

  it("uses the elasticity given for the first step, and moves by a factor 2 at most", () => {
    expect(secantStep([[2, 10]], 20, 0.5)).toBeCloseTo(4, 9); // ln 2 / 0.5 = 2 ln 2, capped at ln 2
    expect(secantStep([[2, 10]], 11, 1)).toBeCloseTo(2.2, 9);
  });
});

describe("hordesim calibrate --status", () => {
  it("writes the shipped scenario byte for byte, and prints the three figures within 10 %", () => {
    const out = join(dir, "overloaded.yaml");
    const source = readFileSync(SHIPPED, "utf8").match(/^# Source: ([\s\S]*?)\n# The snapshot/m)?.[1];
    expect(source).toBeDefined();
    const r = cli(
      "calibrate",
      "--status",
      PERFORMANCE,
      "--models",
      MODELS,
      "--out",
      out,
      "--name",
      "horde-overloaded",
      "--source",
      (source as string).replace(/\n# /g, " "),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(SHIPPED, "utf8"));
    const table = rows(r.stdout, ["queued requests", "queued MPS", "delivered MPS/s"]);
    expect(table.size).toBe(3);
    for (const [label, cells] of table) {
      expect(cells[3], label).toBe("yes");
      expect(Math.abs(Number.parseFloat(cells[2].replace("−", "-")))).toBeLessThanOrEqual(10);
    }
    expect(r.stdout).toContain(`hordesim run ${out}`);
    // every policy arm of the incident scenario
    const incident = loadScenarioFile(join(root, "scenarios/incident-2025-09-29.yaml"));
    expect(loadScenarioFile(out).policies).toEqual(incident.policies);
  }, 60_000);

  it("refuses a bad snapshot with one message and exit 2, and writes nothing", () => {
    const bad = join(dir, "truncated.json");
    writeFileSync(bad, '{"queued_requests": 395, "worker_count": 1');
    const out = join(dir, "never.yaml");
    const r = cli("calibrate", "--status", bad, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`hordesim: ${bad}:1:43: not valid JSON: unexpected end of the file (truncated?)`);
    expect(() => readFileSync(out)).toThrow();
  });

  it("needs exactly one of horde.log files or --status, and --models only with --status", () => {
    const none = cli("calibrate");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nothing to calibrate from");
    const both = cli("calibrate", "some.log", "--status", PERFORMANCE);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("either horde.log files or --status, not both");
    const models = cli("calibrate", "some.log", "--out", join(dir, "x.yaml"), "--models", MODELS);
    expect(models.code).toBe(2);
    expect(models.stderr).toContain("--models goes with --status");
  });
});

describe("hordesim run scenarios/horde-overloaded.yaml", () => {
  it("exits 0 and prints the three figures of the baseline within 10 % of the snapshot", () => {
    const out = join(dir, "run");
    const r = cli("run", "scenarios/horde-overloaded.yaml", "--policy", "horde", "--no-charts", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.split("\n").findIndex((l) => l.startsWith("simulated vs snapshot"));
    expect(header).toBeGreaterThan(0);
    const table = r.stdout.split("\n").slice(header);
    expect(table[3]).toMatch(/^snapshot\s+395\s+4063\s+8\.867$/);
    const horde = table[4];
    expect(horde.startsWith("horde")).toBe(true);
    const diffs = [...horde.matchAll(/([+−-]?\d+\.\d) %/g)].map((m) => Number(m[1].replace("−", "-")));
    expect(diffs).toHaveLength(3);
    for (const d of diffs) expect(Math.abs(d)).toBeLessThanOrEqual(10);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.targets.policies[0].figures.map((f: { figure: string }) => f.figure)).toEqual([
      "queued_requests",
      "queued_mps",
      "delivered_mps_per_s",
    ]);
    for (const f of summary.targets.policies[0].figures) expect(Math.abs(f.relative_diff)).toBeLessThanOrEqual(0.1);
  }, 60_000);
});
