// A full disk in sweep, merge and analyze (a fault-injected write: test/helpers/enospc-preload.mjs), and two
// sweeps on one work folder: one line naming the file, exit 2, no half-written folder left behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, root, snapshot } from "../helpers/cli.js";

const smallSweep = join(import.meta.dirname, "fixtures", "small-sweep.yaml");
const log = join(import.meta.dirname, "..", "analyze", "fixtures", "small.log.bz2");
const quick = ["--replications", "1", "--no-charts", "-q"];

/** `hordesim ARGS…` in `cwd`; with `full`, writing a file whose name ends with it fails with ENOSPC. */
function cli(cwd: string, full: string | null, ...args: string[]) {
  const preload = full === null ? [] : ["--import", join(root, "test", "helpers", "enospc-preload.mjs")];
  const r = spawnSync(process.execPath, [...preload, bin, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, HORDESIM_TEST_ENOSPC: full ?? "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: ReturnType<typeof cli>, message: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe("a full disk", () => {
  it("in a new sweep's first file leaves nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-full-"));
    const r = cli(dir, "sweep-progress.json", "sweep", smallSweep, "--out", "s", ...quick);
    expectOneLine(r, /no space left on the device writing .*s\.partial\/sweep-progress\.json: nothing was written/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("in merge leaves no m.partial and no m", () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-full-"));
    for (const i of [1, 2])
      expect(cli(dir, null, "sweep", smallSweep, "--shard", `${i}/2`, "--out", `s${i}`, ...quick).code).toBe(0);
    const r = cli(dir, "sweep.json", "merge", "s1", "s2", "--out", "m", "--no-charts", "-q");
    expectOneLine(r, /writing .*m\.partial\/sweep\.json: the merge was not saved/);
    expect(readdirSync(dir).sort()).toEqual(["s1", "s2"]);
  });

  it("in analyze prints no analysis and leaves no folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-full-"));
    const r = cli(dir, "configs.csv", "analyze", log, "--out", "a", "--no-charts");
    expectOneLine(r, /writing .*a\.partial-\d+\/configs\.csv: the analysis was not saved/);
    expect(r.stdout).toBe("");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("a sweep that cannot finish, and two sweeps on one work folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "hordesim-full-"));
  const partial = join(dir, "s.partial");
  const full = cli(dir, "sweep.json", "sweep", smallSweep, "--out", "s", ...quick);

  it("a full disk at the end keeps the finished runs for --resume", () => {
    expectOneLine(full, /writing .*s\.partial\/sweep\.json: the finished runs are kept in s\.partial: .*--resume/);
    expect(existsSync(join(dir, "s"))).toBe(false);
    expect(readdirSync(partial)).toContain("units.jsonl");
    expect(readdirSync(partial)).not.toContain("sweep.lock");
  });

  it("a folder in use by a running sweep is refused in one line and left as it was", () => {
    writeFileSync(join(partial, "sweep.lock"), `${process.pid}\n`); // this test's process: alive
    const before = snapshot(partial);
    for (const args of [["--resume"], ["--force"]]) {
      const r = cli(dir, null, "sweep", smallSweep, "--out", "s", ...quick, ...args);
      expectOneLine(r, new RegExp(`s\\.partial is in use by another sweep \\(process ${process.pid}\\)`));
      expect(snapshot(partial)).toEqual(before);
    }
  });

  it("a lock left by a process that is gone is taken over, and the finished folder holds no lock", () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(join(partial, "sweep.lock"), `${gone}\n`);
    const r = cli(dir, null, "sweep", smallSweep, "--out", "s", ...quick, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(partial)).toBe(false);
    expect(readdirSync(join(dir, "s")).sort()).toEqual([
      "scenario.yaml",
      "sweep-summary.csv",
      "sweep.csv",
      "sweep.json",
    ]);
  });
});
