// npm run bench: the benchmark suite. Every case runs in a fresh child process (bench/case.ts), so each
// peak RSS is that run's own. Prints one table and writes results/bench.json, split per case into
// deterministic fields (the same on every machine and every run) and timings.
//
//   npm run bench                 the whole suite (a couple of minutes)
//   npm run bench -- --quick      smaller sizes, a smoke run of every case (seconds; figures not meaningful)
//   npm run bench -- --repeat 3   each timed case three times, keeping the fastest (for a busy machine)
//   npm run bench -- --engine     only the engine cases and the ceilings at their event-list sizes (writes
//                                 results/bench-engine.json, not results/bench.json)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaseSpec } from "./case.js";
import { repoFile } from "./horde.js";

const quick = process.argv.includes("--quick");
const engineOnly = process.argv.includes("--engine");
const repeatAt = process.argv.indexOf("--repeat");
const REPEAT = repeatAt > 0 ? Math.max(1, Number(process.argv[repeatAt + 1]) || 1) : 1;
const CASE_JS = fileURLToPath(new URL("./case.js", import.meta.url));

/** The targets of issue 6, and of issue 16 (results: written day ÷ model-only day, wall, size, incident run). */
const TARGETS = {
  dayWall: 10,
  dayRssMb: 1024,
  engineVsCeiling: 0.5,
  vsSimpy: 20,
  resultsVsModel: 1.3,
  resultsWall: 10,
  resultsMb: 150,
  incidentWall: 20,
};

// ------------------------------------------------------------------------------------------- sizes

const HOLD_SIZES = [100, 1_000, 10_000, 100_000];
const holdOps = (size: number) =>
  quick ? 200_000 : size <= 1_000 ? 8_000_000 : size <= 10_000 ? 5_000_000 : 3_000_000;
const QUEUE_CUSTOMERS = quick ? 100_000 : 4_000_000;
const SIMPY_CUSTOMERS = quick ? 20_000 : 200_000;
/** M/M/c of scenarios/validation/mmc.yaml: λ = 2/s, μ = 1/s, c = 3. */
const MMC = { lambda: 2, mu: 1, servers: 3 };
const MM1 = { lambda: 0.8, mu: 1, servers: 1 };
/** The Horde on mmc.yaml, run long enough to time: λ = 2/s for this many seconds. */
const MMC_HORIZON = quick ? 20_000 : 200_000;
const DAY = "bench/horde-day.yaml";
/** Horde day: 24 h; --quick runs 1 % of the traffic on 10 % of the fleet. */
const DAY_RATE = quick ? 0.01 : 1;
const DAY_WORKERS = quick ? 0.1 : 1;
const DAY_ARMS = ["horde", "reputation", "hedge"];
/**
 * The busy day (issue 15): scenarios/horde-2023-03.yaml, queue-bound at its evening peak, with its traffic and
 * fleet both ×4.5 so that it submits about a million requests at the same load.
 */
const BUSY = "scenarios/horde-2023-03.yaml";
const BUSY_SCALE = quick ? 0.05 : 4.5;
const BUSY_ARMS = ["horde", "progressive", "heartbeat+exclude"];

// ------------------------------------------------------------------------------------------- running

interface Row {
  section: string;
  name: string;
  deterministic: Record<string, unknown>;
  timing: Record<string, number>;
  note?: string;
}

/** Runs the case REPEAT times, each in a fresh process: the fastest run, with the highest peak RSS seen. */
function child(spec: CaseSpec): Record<string, unknown> {
  let best: Record<string, unknown> | null = null;
  let rss = 0;
  for (let i = 0; i < REPEAT; i++) {
    const r = childOnce(spec);
    rss = Math.max(rss, num(r, "peak_rss_mb"));
    if (best !== null && num(r, "events" in r ? "events" : "ops") !== num(best, "events" in best ? "events" : "ops")) {
      throw new Error(`bench case ${JSON.stringify(spec)} is not deterministic`);
    }
    if (best === null || num(r, "wall_s") < num(best, "wall_s")) best = r;
  }
  return { ...(best as Record<string, unknown>), peak_rss_mb: rss };
}

function childOnce(spec: CaseSpec): Record<string, unknown> {
  const res = spawnSync(process.execPath, [CASE_JS, JSON.stringify(spec)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (res.status !== 0) {
    throw new Error(`bench case ${JSON.stringify(spec)} failed (${res.status}):\n${res.stderr}`);
  }
  const lines = res.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== "number") throw new Error(`bench: ${key} is not a number in ${JSON.stringify(o)}`);
  return v;
}

/** Which python3 has simpy: the one on PATH, else Debian's own (python3-simpy3 installs there). */
function findPython(): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import simpy"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}

const rows: Row[] = [];
const started = Date.now();
const holds = new Map<number, number>();

function holdRow(size: number, section: string): number {
  const known = holds.get(size);
  if (known !== undefined) return known;
  progress(`hold at ${size} pending events`);
  const r = child({ kind: "hold", size, ops: holdOps(size) });
  const rate = num(r, "ops_per_s");
  holds.set(size, rate);
  rows.push({
    section,
    name: `hold, ${size} pending`,
    deterministic: { size, ops: r.ops, checksum: r.checksum },
    timing: { wall_s: num(r, "wall_s"), ops_per_s: rate, peak_rss_mb: num(r, "peak_rss_mb") },
  });
  return rate;
}

/** The ceiling at an event-list size: the hold benchmark at that size (rounded, at least 1). */
function ceilingAt(meanSize: number): { size: number; rate: number } {
  const size = Math.max(1, Math.round(meanSize));
  return { size, rate: holdRow(size, "ceiling at size") };
}

// (a) The ceiling.
if (!engineOnly) for (const size of HOLD_SIZES) holdRow(size, "ceiling");

// (b) The engine alone.
const engine: Record<string, { customersPerS: number; ratio: number }> = {};
for (const [label, p, pregenerated] of [
  ["M/M/1", MM1, false],
  ["M/M/c", MMC, false],
  ["M/M/c, variates drawn beforehand", MMC, true],
] as const) {
  progress(`engine ${label}`);
  const r = child({ kind: "queue", ...p, customers: QUEUE_CUSTOMERS, seed: 1, pregenerated });
  const ceiling = ceilingAt(num(r, "mean_event_list"));
  const ratio = num(r, "events_per_s") / ceiling.rate;
  engine[label] = { customersPerS: num(r, "customers_per_s"), ratio };
  rows.push({
    section: "engine",
    name: `${label} on Simulator (λ=${p.lambda}, μ=${p.mu}, c=${p.servers})`,
    deterministic: {
      ...p,
      pregenerated,
      customers: r.customers,
      events: r.events,
      mean_wait: r.mean_wait,
      mean_event_list: r.mean_event_list,
    },
    timing: {
      wall_s: num(r, "wall_s"),
      events_per_s: num(r, "events_per_s"),
      customers_per_s: num(r, "customers_per_s"),
      vs_ceiling: ratio,
      peak_rss_mb: num(r, "peak_rss_mb"),
    },
    note: pregenerated
      ? `engine alone (no RNG in the loop); ceiling: hold at ${ceiling.size}`
      : `ceiling: hold at ${ceiling.size}${holds.has(100) ? `; at 100: ${((num(r, "events_per_s") / (holds.get(100) ?? Number.NaN)) * 100).toFixed(0)} %` : ""}`,
  });
}

const engineVerdict = {
  target: `engine M/M/c ≥ ${TARGETS.engineVsCeiling * 100} % of the ceiling at its event-list size`,
  measured: `${(engine["M/M/c"].ratio * 100).toFixed(0)} % (engine alone, variates drawn beforehand: ${(engine["M/M/c, variates drawn beforehand"].ratio * 100).toFixed(0)} %)`,
  met: engine["M/M/c"].ratio >= TARGETS.engineVsCeiling,
};
const verdicts: { target: string; measured: string; met: boolean | null }[] = [];
if (engineOnly) {
  verdicts.push(engineVerdict);
} else {
  rest();
}
for (const v of verdicts) {
  rows.push({
    section: "target",
    name: v.target,
    deterministic: {},
    timing: {},
    note: `${v.measured}: ${v.met === null ? "not measured" : v.met ? "met" : "MISSED"}`,
  });
}

/** Everything after the engine cases: the Horde model, the Horde day, SimPy, cost growth, the verdicts. */
function rest(): void {
  // (c) The Horde model on scenarios/validation/mmc.yaml.
  progress("Horde model on mmc.yaml");
  const mmc = child({
    kind: "horde",
    file: "scenarios/validation/mmc.yaml",
    arm: "fifo",
    seed: 1,
    horizon: MMC_HORIZON,
  });
  {
    const ceiling = ceilingAt(num(mmc, "mean_event_list"));
    rows.push({
      section: "horde",
      name: `mmc.yaml (M/M/3), ${MMC_HORIZON} s`,
      deterministic: pick(mmc, ["events", "requests", "completed", "jobs", "mean_event_list"]),
      timing: {
        wall_s: num(mmc, "wall_s"),
        events_per_s: num(mmc, "events_per_s"),
        customers_per_s: num(mmc, "completed_per_s"),
        vs_ceiling: num(mmc, "events_per_s") / ceiling.rate,
        peak_rss_mb: num(mmc, "peak_rss_mb"),
      },
      note: `ceiling: hold at ${ceiling.size}`,
    });
  }

  // (d) A Horde day.
  const day: Record<string, Record<string, unknown>> = {};
  for (const arm of DAY_ARMS) {
    progress(`Horde day, ${arm}`);
    const r = child({ kind: "horde", file: DAY, arm, seed: 1, rateScale: DAY_RATE, workerScale: DAY_WORKERS });
    day[arm] = r;
  }
  const policyArms = DAY_ARMS.filter((a) => a !== "horde");
  const costliest = policyArms.reduce((a, b) => (num(day[b], "wall_s") > num(day[a], "wall_s") ? b : a));
  for (const arm of DAY_ARMS) {
    const r = day[arm];
    const ceiling = ceilingAt(num(r, "mean_event_list"));
    rows.push({
      section: "horde day",
      name: `${num(r, "requests")} requests, ${num(r, "workers")} workers, arm ${arm}`,
      deterministic: { arm, ...pick(r, ["workers", "events", "requests", "completed", "jobs", "mean_event_list"]) },
      timing: {
        wall_s: num(r, "wall_s"),
        events_per_s: num(r, "events_per_s"),
        customers_per_s: num(r, "completed_per_s"),
        vs_ceiling: num(r, "events_per_s") / ceiling.rate,
        peak_rss_mb: num(r, "peak_rss_mb"),
      },
      note:
        arm === "horde"
          ? `baseline; ceiling: hold at ${ceiling.size}`
          : arm === costliest
            ? "slowest policy arm in this run"
            : undefined,
    });
  }

  // (d′) The busy day: the model under a queue of thousands, many models and kudos classes.
  const busy: Record<string, Record<string, unknown>> = {};
  for (const arm of BUSY_ARMS) {
    progress(`busy day, ${arm}`);
    busy[arm] = child({ kind: "horde", file: BUSY, arm, seed: 1, rateScale: BUSY_SCALE, workerScale: BUSY_SCALE });
    const r = busy[arm];
    rows.push({
      section: "busy day",
      name: `${num(r, "requests")} requests, ${num(r, "workers")} workers, arm ${arm}`,
      deterministic: { arm, ...pick(r, ["workers", "events", "requests", "completed", "jobs", "mean_event_list"]) },
      timing: {
        wall_s: num(r, "wall_s"),
        events_per_s: num(r, "events_per_s"),
        vs_idle_day: num(r, "wall_s") / num(day[arm] ?? day.horde, "wall_s"),
        peak_rss_mb: num(r, "peak_rss_mb"),
      },
      note: arm === "horde" ? "vs_idle_day: wall time over the idle Horde day's horde arm in this run" : undefined,
    });
  }

  // (e) SimPy as a peer.
  const python = findPython();
  let simpyRate = Number.NaN;
  if (python === null) {
    rows.push({
      section: "simpy",
      name: "SimPy M/M/c",
      deterministic: {},
      timing: {},
      note: "not installed: apt-get install python3-simpy3",
    });
  } else {
    progress(`SimPy M/M/c (${python})`);
    const args = [MMC.lambda, MMC.mu, MMC.servers, SIMPY_CUSTOMERS, 1].map(String);
    let r: Record<string, unknown> = {};
    for (let i = 0; i < REPEAT; i++) {
      const res = spawnSync(python, [repoFile("bench/mmc_simpy.py"), ...args], { encoding: "utf8" });
      if (res.status !== 0) throw new Error(`SimPy failed:\n${res.stderr}`);
      const once = JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
      if (i === 0 || num(once, "wall_s") < num(r, "wall_s")) r = once;
    }
    simpyRate = num(r, "customers_per_s");
    rows.push({
      section: "simpy",
      name: `SimPy ${r.simpy} M/M/c (λ=${MMC.lambda}, μ=${MMC.mu}, c=${MMC.servers}), Python ${r.python}`,
      deterministic: { customers: r.customers, mean_wait: r.mean_wait },
      timing: { wall_s: num(r, "wall_s"), customers_per_s: simpyRate },
      note: `engine M/M/c ${fmtRatio(engine["M/M/c"].customersPerS / simpyRate)}, Horde mmc.yaml ${fmtRatio(num(mmc, "completed_per_s") / simpyRate)} SimPy's customers/s`,
    });
  }

  // (f) Cost growth: requests (2,000 workers) and workers (10^5 requests), mostly idle fleets.
  const growth: Row[] = [];
  const growthCase = (label: string, rateScale: number, workerScale: number, reuse?: Record<string, unknown>) => {
    const spec: CaseSpec = { kind: "horde", file: DAY, arm: "horde", seed: 1, rateScale, workerScale };
    if (reuse === undefined) progress(`cost growth: ${label}`);
    const r = reuse ?? child(spec);
    const row: Row = {
      section: "cost growth",
      name: `${label}: ${num(r, "requests")} requests, ${num(r, "workers")} workers`,
      deterministic: pick(r, ["workers", "events", "requests", "jobs", "mean_event_list"]),
      timing: {
        wall_s: num(r, "wall_s"),
        events_per_s: num(r, "events_per_s"),
        peak_rss_mb: num(r, "peak_rss_mb"),
        us_per_request: (num(r, "wall_s") / num(r, "requests")) * 1e6,
      },
      note: `${(num(r, "events") / num(r, "requests")).toFixed(2)} events/request`,
    };
    growth.push(row);
    rows.push(row);
  };
  const g = quick ? 0.01 : 1;
  growthCase("requests ×0.01", 0.01 * g, DAY_WORKERS);
  growthCase("requests ×0.1", 0.1 * g, DAY_WORKERS);
  growthCase("requests ×1", DAY_RATE, DAY_WORKERS, quick ? undefined : day.horde);
  growthCase("workers ×0.05", 0.1 * g, 0.05);
  growthCase("workers ×0.5", 0.1 * g, 0.5);
  growthCase("workers ×5", 0.1 * g, 5);
  {
    // What an idle worker costs: the extra wall time of the largest fleet over the smallest, per extra worker.
    const [small, , large] = growth.slice(3);
    const extra = num(large.deterministic, "workers") - num(small.deterministic, "workers");
    const perWorker = ((num(large.timing, "wall_s") - num(small.timing, "wall_s")) / extra) * 1e6;
    large.note += `; ${perWorker.toFixed(0)} µs per extra worker per simulated day`;
    large.timing.us_per_extra_worker = perWorker;
  }

  // (g) Results: `hordesim run` of the 3-arm day end to end (--no-charts), each in a fresh process, against the
  // same run writing no record tables (the model-only time of this run); then the default incident run.
  const results = resultCases(quick ? null : DAY_ARMS.reduce((t, a) => t + num(day[a], "wall_s"), 0));

  // ------------------------------------------------------------------------------------------- verdicts

  const dayWalls = DAY_ARMS.map((a) => num(day[a], "wall_s"));
  const dayRsss = DAY_ARMS.map((a) => num(day[a], "peak_rss_mb"));
  verdicts.push(
    {
      target: `Horde day wall ≤ ${TARGETS.dayWall} s, every arm (${DAY_ARMS.join(", ")})`,
      measured: dayWalls.map((w) => `${w.toFixed(2)} s`).join(" / "),
      met: Math.max(...dayWalls) <= TARGETS.dayWall,
    },
    {
      target: "Horde day peak RSS ≤ 1 GB, every arm",
      measured: dayRsss.map((m) => `${m.toFixed(0)} MB`).join(" / "),
      met: Math.max(...dayRsss) <= TARGETS.dayRssMb,
    },
    {
      target: `busy day (1 M requests) wall ≤ ${TARGETS.dayWall} s, every arm (${BUSY_ARMS.join(", ")})`,
      measured: BUSY_ARMS.map((a) => `${num(busy[a], "wall_s").toFixed(2)} s`).join(" / "),
      met: Math.max(...BUSY_ARMS.map((a) => num(busy[a], "wall_s"))) <= TARGETS.dayWall,
    },
    ...results,
    engineVerdict,
    {
      target: `engine M/M/c ≥ ${TARGETS.vsSimpy}× SimPy's customers/s`,
      measured: Number.isNaN(simpyRate) ? "SimPy not installed" : fmtRatio(engine["M/M/c"].customersPerS / simpyRate),
      met: Number.isNaN(simpyRate) ? null : engine["M/M/c"].customersPerS / simpyRate >= TARGETS.vsSimpy,
    },
  );
}

/** `hordesim run ARGS` in a fresh process: wall seconds and the bytes of the folder it wrote. */
function cliRun(label: string, args: string[], out: string): { wall: number; mb: number } {
  progress(`results: ${label}`);
  let best = Number.POSITIVE_INFINITY;
  let mb = 0;
  for (let i = 0; i < REPEAT; i++) {
    rmSync(out, { recursive: true, force: true });
    const t0 = performance.now();
    const res = spawnSync(process.execPath, [repoFile("bin/hordesim.js"), "run", ...args, "--out", out, "-q"], {
      encoding: "utf8",
      cwd: repoFile("."),
    });
    const wall = (performance.now() - t0) / 1000;
    if (res.status !== 0) throw new Error(`hordesim run ${args.join(" ")} failed (${res.status}):\n${res.stderr}`);
    best = Math.min(best, wall);
    mb = readdirSync(out).reduce((sum, f) => sum + statSync(join(out, f)).size, 0) / 1e6;
  }
  return { wall: best, mb };
}

/** `modelAlone`: the day's three arms through the model alone in this run (section "horde day"); null in --quick. */
function resultCases(modelAlone: number | null): { target: string; measured: string; met: boolean | null }[] {
  const tmp = mkdtempSync(join(os.tmpdir(), "hordesim-bench-"));
  try {
    const day = quick ? "test/cli/fixtures/small.yaml" : DAY;
    const base = [repoFile(day), "--no-charts"];
    const cases = [
      ["model only (--records none)", ["--records", "none"]],
      ["default (--records requests, Parquet)", []],
      ["--records all, Parquet", ["--records", "all"]],
      ["--records all --format csv (the former output)", ["--records", "all", "--format", "csv"]],
      ["--records none --jobs 2", ["--records", "none", "--jobs", "2"]],
      ["default, --jobs 2", ["--jobs", "2"]],
    ] as const;
    const measured = cases.map(([label, args], i) => ({
      label,
      ...cliRun(label, [...base, ...args], join(tmp, `d${i}`)),
    }));
    const model = measured[0].wall;
    for (const m of measured) {
      // the --jobs 2 rows against the --records none run on two threads
      const base = m.label.includes("--jobs 2") ? measured[4].wall : model;
      const of = m.label.includes("--jobs 2") ? "--records none --jobs 2" : "--records none";
      rows.push({
        section: "results",
        name: `${day}, 3 arms: ${m.label}`,
        deterministic: {},
        timing: { wall_s: m.wall, output_mb: m.mb, vs_model_only: m.wall / base },
        note: `${(m.wall / base).toFixed(2)}× ${of}; ${m.mb.toFixed(1)} MB`,
      });
    }
    const incident = cliRun(
      "incident, default run with charts",
      [repoFile("scenarios/incident-2025-09-29.yaml")],
      join(tmp, "inc"),
    );
    rows.push({
      section: "results",
      name: "incident-2025-09-29.yaml, default run (10 arms × 10 replications, charts and report)",
      deterministic: {},
      timing: { wall_s: incident.wall, output_mb: incident.mb },
      note: `${incident.mb.toFixed(1)} MB`,
    });
    const dflt = measured[1];
    return [
      {
        target: `day with default outputs ≤ ${TARGETS.resultsVsModel}× the same run with --records none`,
        measured: `${(dflt.wall / model).toFixed(2)}× (${dflt.wall.toFixed(1)} s vs ${model.toFixed(1)} s)`,
        met: dflt.wall / model <= TARGETS.resultsVsModel,
      },
      ...(modelAlone === null
        ? []
        : [
            {
              target: `day with default outputs ≤ ${TARGETS.resultsVsModel}× the model alone (its 3 arms in "horde day")`,
              measured: `${(dflt.wall / modelAlone).toFixed(2)}× (${dflt.wall.toFixed(1)} s vs ${modelAlone.toFixed(1)} s)`,
              met: dflt.wall / modelAlone <= TARGETS.resultsVsModel,
            },
          ]),
      {
        target: `day with default outputs ≤ ${TARGETS.resultsWall} s`,
        measured: `${dflt.wall.toFixed(1)} s`,
        met: dflt.wall <= TARGETS.resultsWall,
      },
      {
        target: `day's default output ≤ ${TARGETS.resultsMb} MB`,
        measured: `${dflt.mb.toFixed(1)} MB (CSV, every table: ${measured[3].mb.toFixed(0)} MB)`,
        met: dflt.mb <= TARGETS.resultsMb,
      },
      {
        target: `default incident run ≤ ${TARGETS.incidentWall} s`,
        measured: `${incident.wall.toFixed(1)} s`,
        met: incident.wall <= TARGETS.incidentWall,
      },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------- output

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = o[k];
  return out;
}

function fmtRatio(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
}

function si(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "";
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e8 ? 0 : 2)} M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)} k`;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

const header = [
  "section",
  "case",
  "events",
  "wall s",
  "events/s",
  "customers/s",
  "mean list",
  "÷ ceiling",
  "RSS MB",
  "note",
];
const table = rows.map((r) => {
  const d = r.deterministic;
  const t = r.timing;
  const events = typeof d.events === "number" ? d.events : typeof d.ops === "number" ? d.ops : undefined;
  const list =
    typeof d.mean_event_list === "number" ? d.mean_event_list : typeof d.size === "number" ? d.size : undefined;
  return [
    r.section,
    r.name,
    si(events),
    t.wall_s === undefined ? "" : t.wall_s.toFixed(t.wall_s < 10 ? 2 : 1),
    si(t.events_per_s ?? t.ops_per_s),
    si(t.customers_per_s),
    list === undefined ? "" : list < 100 ? list.toFixed(1) : list.toFixed(0),
    t.vs_ceiling === undefined ? "" : `${(t.vs_ceiling * 100).toFixed(0)} %`,
    t.peak_rss_mb === undefined ? "" : t.peak_rss_mb.toFixed(0),
    r.note ?? "",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const right = new Set([2, 3, 4, 5, 6, 7, 8]);
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (right.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`);
for (const row of table) console.log(line(row));

const cpus = os.cpus();
const out = {
  date: new Date().toISOString(),
  quick,
  engine_only: engineOnly,
  repeat: REPEAT,
  machine: {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  },
  suite_wall_s: (Date.now() - started) / 1000,
  targets: verdicts,
  cases: rows,
};
const file = repoFile(engineOnly ? "results/bench-engine.json" : "results/bench.json");
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `\n${rows.length} rows in ${out.suite_wall_s.toFixed(0)} s on ${out.machine.cpu} (${out.machine.cores} cores), Node ${process.version}; written to ${engineOnly ? "results/bench-engine.json" : "results/bench.json"}`,
);
