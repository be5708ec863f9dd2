import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, snapshot } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");

const parent = mkdtempSync(join(tmpdir(), "hordesim-jobs-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("hordesim run --jobs", () => {
  const run = (name: string, ...args: string[]) => {
    const out = join(parent, name);
    return { out, ...cli("run", small, "--seed", "7", "--out", out, "--horde-log", ...args) };
  };
  const one = run("j1", "--no-charts", "--jobs", "1");
  const two = run("j2", "--no-charts", "--jobs", "2");
  const three = run("j3", "--no-charts", "-j", "3");
  const csv1 = run("csv1", "--no-charts", "--format", "csv", "--records", "all");
  const csv3 = run("csv3", "--no-charts", "-j", "3", "--format", "csv", "--records", "all");

  it("exits 0 and prints the same comparison for every N", () => {
    for (const r of [one, two, three]) expect(r.code, r.stderr).toBe(0);
    const table = (s: string) => s.replace(/results in .*\n$/, "");
    expect(table(two.stdout)).toBe(table(one.stdout));
    expect(table(three.stdout)).toBe(table(one.stdout));
  });

  it("writes byte-identical folders with 1, 2 and 3 jobs, and no temporary file", () => {
    const base = snapshot(one.out);
    expect(Object.keys(base).sort()).toEqual(
      [
        "attempts.parquet",
        "horde.log",
        "requests.parquet",
        "samples.parquet",
        "scenario.yaml",
        "summary.json",
        "workers.parquet",
      ].sort(),
    );
    expect(snapshot(two.out)).toEqual(base);
    expect(snapshot(three.out)).toEqual(base);
    expect(snapshot(csv3.out)).toEqual(snapshot(csv1.out));
    expect(readdirSync(parent).filter((f) => f.includes(".partial"))).toEqual([]);
  });

  it("holds every replication of every arm in canonical order", () => {
    const lines = readFileSync(join(csv3.out, "requests.csv"), "utf8").trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("policy,"))).toHaveLength(1);
    const units: string[] = [];
    for (const l of lines.slice(1)) {
      const unit = l.split(",").slice(0, 2).join(",");
      if (units.at(-1) !== unit) units.push(unit);
    }
    expect(units).toEqual(["horde,1", "horde,2", "horde,3", "exclude,1", "exclude,2", "exclude,3"]);
  });

  it("gives the same charts and report too", () => {
    const a = run("c1", "--jobs", "1");
    const b = run("c3", "--jobs", "3");
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(b.out, "report.html"))).toBe(true);
    expect(snapshot(b.out)).toEqual(snapshot(a.out));
  });

  it("is the same with more jobs than replications", () => {
    const a = run("p1", "--no-charts", "--policy", "exclude", "--replications", "2");
    const b = run("p5", "--no-charts", "--policy", "exclude", "--replications", "2", "--jobs", "5");
    expect(b.code, b.stderr).toBe(0);
    expect(snapshot(b.out)).toEqual(snapshot(a.out));
  });

  it.each(["0", "65", "-1", "1.5", "abc", ""])(
    "refuses --jobs %j with one line, exit 2, and writes nothing",
    (value) => {
      const out = join(parent, `bad-${value}`);
      const r = cli("run", small, "--out", out, "--no-charts", "--jobs", value);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/--jobs/);
      expect(existsSync(out)).toBe(false);
    },
  );
});
