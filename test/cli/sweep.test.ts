// `hordesim sweep` and `hordesim merge` through the built launcher (`npm test` builds dist/ first): the same
// folder whatever the number of jobs, shards or interruptions, and one clear line for bad input.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tInterval } from "../../src/metrics/intervals.js";
import { readCsv } from "../../src/results/csv-read.js";
import { bin, cli, root, snapshot } from "../helpers/cli.js";

const scenario = join(import.meta.dirname, "fixtures", "small-sweep.yaml");

const parent = mkdtempSync(join(tmpdir(), "hordesim-sweep-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const at = (name: string) => join(parent, name);

describe("hordesim sweep", () => {
  const whole = cli("sweep", scenario, "--out", at("whole"));
  const noCharts = cli("sweep", scenario, "--out", at("plain"), "--no-charts");
  const twoJobs = cli("sweep", scenario, "--out", at("jobs2"), "--no-charts", "--jobs", "2");

  it("writes the tables, the summary and a chart per parameter, a heatmap and the Pareto front", () => {
    expect(whole.code, whole.stderr).toBe(0);
    const files = Object.keys(snapshot(at("whole")));
    for (const f of ["sweep.csv", "sweep-summary.csv", "sweep.json", "scenario.yaml", "charts/sweep-pareto.png"])
      expect(files).toContain(f);
    expect(files.filter((f) => /^charts\/sweep-heatmap.*\.png$/.test(f)).length).toBeGreaterThanOrEqual(1);
    expect(files.filter((f) => f.endsWith(".png")).length).toBeGreaterThanOrEqual(5);
    expect(files.some((f) => f.includes("progress") || f.endsWith(".jsonl"))).toBe(false);
    const pngs = files.filter((f) => f.startsWith("charts/") && f.endsWith(".png")).length;
    expect(files).toContain("report.html");
    expect(whole.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      `results in ${at("whole")}`,
      `  report: ${join(at("whole"), "report.html")}`,
      `  charts: ${join(at("whole"), "charts")}/ (${pngs} charts, each as .png, .svg and .vl.json)`,
    ]);
  });

  it("hordesim report draws a sweep folder's charts again, byte for byte", () => {
    const before = snapshot(at("whole"));
    rmSync(join(at("whole"), "charts"), { recursive: true });
    const r = cli("report", at("whole"));
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(at("whole"))).toEqual(before);
    const charts = Object.keys(before).filter((f) => f.startsWith("charts/"));
    expect(r.stdout).toBe(
      `wrote ${charts.length + 1} files in ${at("whole")}\n  report: ${join(at("whole"), "report.html")}\n  charts: ${join(at("whole"), "charts")}/ (${charts.length / 3} charts, each as .png, .svg and .vl.json)\n`,
    );
  });

  it("sweep.csv has one row per cell and replication, the swept values in their own columns", () => {
    const rows = readCsv(join(at("whole"), "sweep.csv"));
    // 2×2 cells for horde, 2 for backoff, 3 replications each
    expect(rows).toHaveLength(6 * 3);
    expect(
      rows.filter((r) => r.policy === "horde" && r["server.ttl.floor"] === "60s" && r["server.sweep.period"] === "10s"),
    ).toHaveLength(3);
    expect(rows.filter((r) => r.policy === "backoff").every((r) => r["server.ttl.floor"] === "")).toBe(true);
    expect(new Set(rows.map((r) => r.replication))).toEqual(new Set(["1", "2", "3"]));
  });

  it("sweep-summary.csv's intervals are the Student t intervals of sweep.csv's replications", () => {
    const rows = readCsv(join(at("whole"), "sweep.csv"));
    const summary = readCsv(join(at("whole"), "sweep-summary.csv"));
    expect(summary).toHaveLength(6);
    for (const s of summary) {
      const p99 = rows.filter((r) => r.cell === s.cell).map((r) => Number(r.latency_p99_s));
      const ci = tInterval(p99);
      expect(ci).not.toBeNull();
      if (ci === null) continue;
      // sweep.csv rounds to 6 decimals, the summary to 6 significant digits
      expect(Number(s.latency_p99_s_lo)).toBeCloseTo(ci[0], 2);
      expect(Number(s.latency_p99_s_hi)).toBeCloseTo(ci[1], 2);
      expect(Number(s.latency_p99_s)).toBeCloseTo(p99.reduce((a, b) => a + b, 0) / p99.length, 3);
    }
  });

  it("common random numbers: every cell sees the same arrivals in a replication", () => {
    const rows = readCsv(join(at("whole"), "sweep.csv"));
    for (const rep of ["1", "2", "3"]) {
      const counts = new Set(rows.filter((r) => r.replication === rep).map((r) => r.requests));
      expect(counts.size, `replication ${rep}`).toBe(1);
    }
    // and the replications differ from each other
    expect(new Set(rows.map((r) => r.requests)).size).toBeGreaterThan(1);
    expect(readFileSync(join(at("plain"), "sweep.csv"), "utf8")).toBe(
      readFileSync(join(at("whole"), "sweep.csv"), "utf8"),
    );
  });

  it("gives byte-identical folders for --jobs 1 and --jobs 2", () => {
    expect(noCharts.code, noCharts.stderr).toBe(0);
    expect(twoJobs.code, twoJobs.stderr).toBe(0);
    expect(snapshot(at("jobs2"))).toEqual(snapshot(at("plain")));
  });

  it("three shards merged in any order give the unsharded folder, byte for byte", () => {
    for (const i of [1, 2, 3]) {
      const r = cli("sweep", scenario, "--shard", `${i}/3`, "--out", at(`shard${i}`));
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(at(`shard${i}`), "sweep-shard.json"))).toBe(true);
    }
    const m = cli("merge", at("shard2"), at("shard3"), at("shard1"), "--out", at("merged"));
    expect(m.code, m.stderr).toBe(0);
    expect(snapshot(at("merged"))).toEqual(snapshot(at("whole")));
  });

  it("a merge refuses a missing shard, a duplicate, another scenario and another hordesim version, saying which", () => {
    expect(cli("merge", at("shard1"), at("shard2"), "--out", at("m1")).stderr).toMatch(/shard\(s\) 3 of 3 missing/);
    expect(cli("merge", at("shard1"), at("shard1"), at("shard2"), "--out", at("m1")).stderr).toMatch(/both shard 1\/3/);
    const other = cli("sweep", scenario, "--seed", "99", "--shard", "3/3", "--out", at("other3"));
    expect(other.code, other.stderr).toBe(0);
    const seed = cli("merge", at("shard1"), at("shard2"), at("other3"), "--out", at("m1"));
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/other3 is a shard of another sweep .*another seed \(99; this is 1\)/);
    const manifest = join(at("other3"), "sweep-shard.json");
    writeFileSync(
      manifest,
      readFileSync(manifest, "utf8")
        .replace(/"sha256": "[0-9a-f]+"/, '"sha256": "abc"')
        .replace('"seed": 99', '"seed": 1'),
    );
    expect(cli("merge", at("shard1"), at("shard2"), at("other3"), "--out", at("m1")).stderr).toMatch(
      /another scenario/,
    );
    const v = join(at("shard1"), "sweep-shard.json");
    const original = readFileSync(v, "utf8");
    writeFileSync(v, original.replace(/"hordesim_version": "[^"]+"/, '"hordesim_version": "0.0.1"'));
    const ver = cli("merge", at("shard1"), at("shard2"), at("shard3"), "--out", at("m1"));
    expect(ver.code).toBe(2);
    expect(ver.stderr).toMatch(/hordesim 0\.0\.1; this is hordesim/);
    writeFileSync(v, original);
    expect(existsSync(at("m1"))).toBe(false);
  });

  it("Ctrl-C keeps every finished run; --resume finishes with the uninterrupted result", async () => {
    const out = at("interrupted");
    const child = spawn(process.execPath, [bin, "sweep", scenario, "--out", out, "--no-charts", "-r", "12"], {
      cwd: root,
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    // wait until some runs are on disk, then interrupt
    const units = join(`${out}.partial`, "units.jsonl");
    const started = Date.now();
    while (Date.now() - started < 20000) {
      if (existsSync(units) && readFileSync(units, "utf8").split("\n").length > 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code, stderr).toBe(130);
    expect(existsSync(out)).toBe(false);
    const saved = readFileSync(units, "utf8").trim().split("\n").length;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(6 * 12);
    expect(stderr).toMatch(/--resume/);
    // a kill mid-write leaves half a line: resume must drop it
    writeFileSync(units, `${readFileSync(units, "utf8")}{"cell":0,"repl`);
    const refused = cli("sweep", scenario, "--out", out, "--no-charts", "-r", "12");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/interrupted sweep .*--resume/);
    const wrong = cli("sweep", scenario, "--out", out, "--no-charts", "-r", "11", "--resume");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/another number of replications/);
    const resumed = cli("sweep", scenario, "--out", out, "--no-charts", "-r", "12", "--resume");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`\\(${saved} from the interrupted try\\)`));
    const straight = cli("sweep", scenario, "--out", at("straight"), "--no-charts", "-r", "12");
    expect(straight.code, straight.stderr).toBe(0);
    expect(snapshot(out)).toEqual(snapshot(at("straight")));
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 120000);

  it("shows a progress bar on a terminal only; a log gets just the summary line", () => {
    // a pseudo-terminal from util-linux's script(1)
    const out = at("tty");
    const r = spawnSync(
      "script",
      ["-qec", `${process.execPath} ${bin} sweep ${scenario} --no-charts --out ${out}`, "/dev/null"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const screen = r.stdout.replaceAll("\r", "\n");
    expect(screen).toMatch(/sweep \[[█░]+\] 18\/18 runs \| [\d,]+ events\/s \| \d+s left/);
    expect(twoJobs.stderr).not.toContain("sweep [");
    expect(twoJobs.stderr).not.toContain("\u001b[");
    expect(twoJobs.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^18 run\(s\): [\d,]+ events in [\d.]+ s \([\d,]+ events\/s\)$/),
    ]);
  });

  it("an earlier folder is never overwritten without --force", () => {
    const before = snapshot(at("plain"));
    const r = cli("sweep", scenario, "--out", at("plain"), "--no-charts", "--set", "server.ttl.floor=60s");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
    expect(snapshot(at("plain"))).toEqual(before);
  });

  it("bad input: one line naming the option, the file position or the field, exit 2, nothing written", () => {
    const cases: [string[], RegExp][] = [
      [["--set", "server.ttl.flor=60s,90s"], /--set server\.ttl\.flor=60s,90s: .*flor/],
      [["--set", "server.ttl.floor=60s,soon"], /--set server\.ttl\.floor=60s,soon: server\.ttl\.floor: /],
      [["--set", "policies[nope].maintenance=true"], /no item named "nope"/],
      [["--set", "server.ttl.floor"], /expected PATH=VALUE1,VALUE2/],
      [["--shard", "4/3"], /--shard 4\/3: expected I\/N/],
      [["--shard", "x"], /--shard x/],
      [["--jobs", "0"], /--jobs must be an integer/],
      [["--replications", "0"], /--replications must be an integer/],
      [["--policy", "nope"], /--policy nope: no such arm/],
      [["--resume"], /--resume needs --out/],
    ];
    for (const [args, pattern] of cases) {
      const out = at("bad");
      const r = cli("sweep", scenario, ...(args.includes("--resume") ? args : [...args, "--out", out]));
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    }
    const noBlock = cli("sweep", join(import.meta.dirname, "fixtures", "small.yaml"), "--out", at("bad"));
    expect(noBlock.code).toBe(2);
    expect(noBlock.stderr).toMatch(/has no sweep: block/);
  });

  it("a bad value in the scenario's sweep block is reported at its line and column", () => {
    const text = readFileSync(scenario, "utf8").replace("base: [10s, 60s]", "base: [10s, -5s]");
    const file = at("bad-value.yaml");
    writeFileSync(file, text);
    const line = text.split("\n").findIndex((l) => l.includes("-5s")) + 1;
    const col = text.split("\n")[line - 1].indexOf("-5s") + 1;
    const r = cli("sweep", file, "--out", at("bad2"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${line}:${col}:`);
  });
});
