// The commands end to end, run from the sources (the compiled CLI may lag behind other people's work).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenario-file/load.js";
import { incidentTimeline } from "./log-lines.js";

const root = join(import.meta.dirname, "..", "..");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "hordesim-analyze-cli-"));
const log = join(dir, "horde.log");
writeFileSync(log, `${incidentTimeline().join("\n")}\n`);

describe("hordesim analyze", () => {
  it("prints a summary and writes the report, the tables and the chart into a new folder", () => {
    const out = join(dir, "an");
    const r = cli("analyze", log, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "3 stale aborts (3 timeouts ≥ TTL, 0 reported faults < TTL), 1 requests faulted by 3 strikes",
    );
    expect(r.stdout).toMatch(/2\s+67 %\s+ameli0x\.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9 \(8bef6410/);
    expect(readdirSync(out).sort()).toEqual(
      [
        "aborts_by_hour.csv",
        "aborts_by_worker.csv",
        "analysis.md",
        "charts",
        "configs.csv",
        "deliveries_by_worker.csv",
        "faulted.csv",
        "timelines.csv",
      ].sort(),
    );
    expect(readdirSync(join(out, "charts")).sort()).toEqual([
      "aborts_by_worker.png",
      "aborts_by_worker.svg",
      "aborts_by_worker.vl.json",
    ]);
    expect(readFileSync(join(out, "configs.csv"), "utf8").split("\n")[1]).toBe(
      "1024x1024x4@k_euler,1024,1024,4,k_euler,150,3,1,3,0,0,1,1,179",
    );
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("refuses a folder that is not empty unless --force, and leaves it as it was", () => {
    const out = join(dir, "taken");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    const r = cli("analyze", log, "--out", out, "--no-charts");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
    // --force replaces only a folder hordesim wrote: the user's file stays
    const refused = cli("analyze", log, "--out", out, "--no-charts", "--force");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a hordesim result folder/);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
  });

  it("replaces an earlier analysis folder with --force", () => {
    const out = join(dir, "again");
    expect(cli("analyze", log, "--out", out, "--no-charts", "-q").code).toBe(0);
    writeFileSync(join(out, "analysis.md"), "an older analysis\n");
    const forced = cli("analyze", log, "--out", out, "--no-charts", "--force", "-q");
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, "analysis.md"), "utf8")).not.toBe("an older analysis\n");
  });

  it("exits 2 with one line for a missing file and for a file that is not a log", () => {
    for (const [file, message] of [
      [join(dir, "nope.log"), "nope.log: no such file"],
      [join(root, "package.json"), "package.json: not a horde log"],
    ]) {
      const r = cli("analyze", file);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });
});

describe("hordesim calibrate", () => {
  it("writes a scenario that loads, and refuses to overwrite it without --force", () => {
    const out = join(dir, "cal.yaml");
    const r = cli("calibrate", log, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`run the policies on this day: hordesim run ${out}`);
    const s = loadScenarioFile(out);
    expect(s.workers.map((w) => w.name).sort()).toEqual([
      "ameli0x.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9",
      "half5090ya11.Ae5JCH4WfWcu4wjZmv8ZpTPRcK11y3Cb95",
    ]);
    const again = cli("calibrate", log, "--out", out);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(cli("calibrate", log, "--out", out, "--replay", "--force").code).toBe(0);
    expect(loadScenarioFile(out).arrivals[0].times).toEqual([60 * 41 + 8]);
  });

  it("needs --out", () => {
    const r = cli("calibrate", log);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("out");
  });
});

describe("--quiet on analyze and calibrate", () => {
  it("writes the same files and prints nothing", () => {
    const out = join(dir, "an-quiet");
    const a = cli("analyze", log, "--out", out, "--no-charts", "--quiet");
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout + a.stderr).toBe("");
    expect(readFileSync(join(out, "aborts_by_worker.csv"), "utf8")).toContain("ameli0x");
    const file = join(dir, "cal-quiet.yaml");
    const c = cli("calibrate", log, "--out", file, "-q");
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout + c.stderr).toBe("");
    expect(loadScenarioFile(file).workers).toHaveLength(2);
  });
});
