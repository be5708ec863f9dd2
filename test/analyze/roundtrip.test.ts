import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../src/analyze/analyze-logs.js";
import { calibrateLogs } from "../../src/analyze/calibrate-logs.js";
import { loadScenarioFile, parseScenario } from "../../src/scenario-file/load.js";
import { abortShares, countBy, DAY_YAML, simulateDay } from "./simulated-day.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-roundtrip-"));
const scenario = parseScenario(DAY_YAML, "roundtrip.yaml");
const log = join(dir, "horde.log");
const day = simulateDay(scenario, 1, log);

describe("the simulator's own horde.log, analyzed", async () => {
  const { analyzer: a, stats } = await analyzeLogs([log]);
  const names = day.workers.map((w) => w.worker_name);

  it("has every kind of abort to check", () => {
    for (const end of ["stale_abort", "late_discarded", "reported_fault", "completed"])
      expect(
        day.attempts.some((x) => x.end === end),
        end,
      ).toBe(true);
    expect(stats.problemCount).toBe(0);
  });

  it("gives per worker exactly the aborts (stale, late-discarded and reported), pops and deliveries of the run", () => {
    const aborts = countBy(
      day.attempts,
      (x) => x.end === "stale_abort" || x.end === "late_discarded" || x.end === "reported_fault",
    );
    const pops = countBy(day.attempts, () => true);
    const completed = countBy(day.attempts, (x) => x.end === "completed");
    for (const name of names) {
      const w = a.workers.get(name);
      expect(w?.aborts ?? 0, name).toBe(aborts.get(name) ?? 0);
      expect(w?.pops ?? 0, name).toBe(pops.get(name) ?? 0);
      expect(w?.deliveries ?? 0, name).toBe(completed.get(name) ?? 0);
    }
    // workers.csv counts a late-discarded job among its stale aborts already
    for (const w of day.workers) {
      expect(a.workers.get(w.worker_name)?.aborts ?? 0).toBe(w.stale_aborts + w.reported_faults);
      expect(a.workers.get(w.worker_name)?.deliveries ?? 0).toBe(w.completed);
    }
  });

  it("tells the reported faults (20 s after the pop) from the timeouts", () => {
    const faults = countBy(day.attempts, (x) => x.end === "reported_fault");
    const timeouts = countBy(day.attempts, (x) => x.end === "stale_abort" || x.end === "late_discarded");
    for (const name of names) {
      expect(a.workers.get(name)?.reportedFaults ?? 0, name).toBe(faults.get(name) ?? 0);
      expect(a.workers.get(name)?.timeouts ?? 0, name).toBe(timeouts.get(name) ?? 0);
    }
  });

  it("finds the requests faulted by 3 strikes", () => {
    expect(day.strikes).toBeGreaterThan(0);
    expect(a.faulted.length).toBe(day.strikes);
  });

  it("keeps state for open jobs and recent requests only", () => {
    expect(a.openState).toEqual({ jobs: 0, requests: 0 });
  });
});

/**
 * Tolerance on each worker's share of all aborts: the log's own shares against the calibrated scenario's,
 * averaged over REPS replications. One replication alone varies far more (±0.15: who wins the race to pop a
 * request depends on the workers' poll phases, drawn per replication).
 */
const SHARE_TOLERANCE = 0.1;
const REPS = 4;

describe("calibrate on a simulated day, then simulate the calibrated scenario", async () => {
  const { yaml, calibration, scenario: calibrated } = await calibrateLogs([log], { replay: false });
  const file = join(dir, "calibrated.yaml");
  writeFileSync(file, yaml);

  it("writes a scenario that loads, with one group per worker and the incident's arms", () => {
    const loaded = loadScenarioFile(file);
    expect(loaded).toEqual(calibrated);
    expect(loaded.workers.map((w) => w.name).sort()).toEqual(day.workers.map((w) => w.worker_name).sort());
    expect(loaded.workers.every((w) => w.count === 1)).toBe(true);
    expect(loaded.policies.map((p) => p.name)).toContain("heartbeat+exclude");
    expect(loaded.horizon).toBe(24 * 3600);
    expect(calibration.ratio).toMatchObject({ learned: true });
    expect(calibration.ratio.value).toBeCloseTo(0.1, 3);
    const hangs = loaded.workers.find((w) => w.name === "hangs");
    expect(hangs?.failures.map((f) => f.mode)).toEqual(["hang"]);
    expect(hangs?.failures[0].probability).toBeGreaterThan(0.03);
    expect(hangs?.failures[0].probability).toBeLessThan(0.09);
    expect(loaded.workers.find((w) => w.name === "faults")?.failures.map((f) => f.mode)).toEqual(["fault"]);
    const xl = loaded.workers.find((w) => w.name === "xl-1");
    expect(xl?.speed).toMatchObject({ kind: "lognormal" });
    const median = xl?.speed.kind === "lognormal" ? xl.speed.median : Number.NaN;
    expect(median).toBeGreaterThan(2.3);
    expect(median).toBeLessThan(2.7);
    expect(xl?.overhead).toMatchObject({ kind: "constant" });
    expect(loaded.workers.find((w) => w.name === "sd-1")?.models).toEqual(["512x512x30@k_euler_a"]);
    expect(yaml).toContain("# requests first popped in each hour of the log");
  });

  it(`gives per-worker abort shares within ${SHARE_TOLERANCE} of the log's`, () => {
    const want = abortShares(day.attempts);
    const simulated = [];
    for (let rep = 1; rep <= REPS; rep++) simulated.push(...simulateDay(calibrated, rep).attempts);
    const got = abortShares(simulated);
    expect([...want.keys()].sort()).toEqual(["blackhole", "faults", "hangs", "late"]);
    for (const name of new Set([...want.keys(), ...got.keys()])) {
      expect(Math.abs((got.get(name) ?? 0) - (want.get(name) ?? 0)), name).toBeLessThanOrEqual(SHARE_TOLERANCE);
    }
  });

  it("--replay keeps every request's first pop as its arrival time", async () => {
    const replay = await calibrateLogs([log], { replay: true });
    const replayFile = join(dir, "replay.yaml");
    writeFileSync(replayFile, replay.yaml);
    const loaded = loadScenarioFile(replayFile);
    const times = loaded.arrivals.flatMap((s) => s.times ?? []);
    expect(times.length).toBe(replay.calibration.requests.total);
    expect(loaded.arrivals.every((s) => s.times !== null)).toBe(true);
    const popped = new Set(day.attempts.map((x) => x.request_id)).size;
    expect(times.length).toBe(popped);
  });
});

describe("the incident scenario's day, as the acceptance check runs it", async () => {
  const incident = loadScenarioFile(join(import.meta.dirname, "..", "..", "scenarios", "incident-2025-09-29.yaml"));
  const incidentLog = join(dir, "incident.log");
  const run = simulateDay(incident, 1, incidentLog);
  const { analyzer: a } = await analyzeLogs([incidentLog]);

  it("reports the per-worker abort counts of workers.csv and timelines of requests aborted twice or more", () => {
    for (const w of run.workers) {
      expect(a.workers.get(w.worker_name)?.aborts ?? 0, w.worker_name).toBe(w.stale_aborts + w.reported_faults);
      expect(a.workers.get(w.worker_name)?.pops ?? 0, w.worker_name).toBe(w.pops);
    }
    const twice = new Map<number, number>();
    const logged = new Set(["stale_abort", "late_discarded", "reported_fault"]);
    for (const x of run.attempts) if (logged.has(x.end)) twice.set(x.request_id, (twice.get(x.request_id) ?? 0) + 1);
    expect(a.timelines.length).toBe([...twice.values()].filter((k) => k >= 2).length);
    expect(a.timelines.every((tl) => tl.entries.some((e) => e.event === "abort" && e.cause === "timeout"))).toBe(true);
  });
});
