import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, cli, snapshot } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");

const tmp = () => mkdtempSync(join(tmpdir(), "hordesim-cli-"));

describe("hordesim run", () => {
  const out1 = join(tmp(), "a");
  const out2 = join(tmp(), "b");
  const csv = ["--format", "csv", "--records", "all"];
  const first = cli("run", small, "--seed", "7", "--out", out1, "--no-charts", "--horde-log", ...csv);
  const second = cli("run", small, "--seed", "7", "--out", out2, "--no-charts", "--horde-log", ...csv);

  it("exits 0, prints every arm, and writes the result files", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("horde");
    expect(first.stdout).toContain("exclude");
    expect(first.stdout).toMatch(/Δ latency p99 s/);
    // --no-charts: the last line names the folder, and no report or charts
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe(`results in ${out1}`);
    expect(first.stdout).not.toMatch(/report:|charts:/);
    for (const f of [
      "summary.json",
      "requests.csv",
      "attempts.csv",
      "workers.csv",
      "users.csv",
      "samples.csv",
      "scenario.yaml",
      "horde.log",
    ]) {
      expect(existsSync(join(out1, f)), f).toBe(true);
    }
  });

  it("gives byte-identical folders for the same scenario and seed", () => {
    expect(second.code).toBe(0);
    expect(snapshot(out2)).toEqual(snapshot(out1));
  });

  it("records the scenario and the paired differences in summary.json", () => {
    const s = JSON.parse(readFileSync(join(out1, "summary.json"), "utf8"));
    expect(s.scenario.name).toBe("small");
    expect(s.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.seed).toBe(7);
    expect(s.replications).toBe(3);
    expect(s.policies.map((p: { name: string }) => p.name)).toEqual(["horde", "exclude"]);
    expect(s.policies[0].vs_baseline).toBeNull();
    expect(s.policies[1].vs_baseline.latency_p99_s.n).toBe(3);
    expect(s.policies[0].success_rate.ci95).toHaveLength(2);
  });

  it("writes requests.csv and attempts.csv with the documented columns", () => {
    const req = readFileSync(join(out1, "requests.csv"), "utf8").split("\n")[0];
    expect(req).toBe(
      "policy,replication,request_id,origin_id,arrival_id,resubmission,stream,width,height,steps,sampler,model,submitted_s,done_s,outcome,images_requested,images_delivered,attempts,latency_s,seen_s,warmup,user_class,kudos,mps,first_pop_s,wait_s",
    );
    const att = readFileSync(join(out1, "attempts.csv"), "utf8").split("\n")[0];
    expect(att).toBe(
      "policy,replication,request_id,job_id,attempt,worker_id,worker_name,popped_s,ended_s,end,ttl_s,hedge,wasted_gpu_s,mps",
    );
  });

  it("writes horde.log in the server's line formats", () => {
    const log = readFileSync(join(out1, "horde.log"), "utf8").split("\n").filter(Boolean);
    const line = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| (INFO|WARNING) +\| [\w.]+:\w+:\d+ - /;
    expect(log.length).toBeGreaterThan(10);
    for (const l of log) expect(l).toMatch(line);
    expect(log.some((l) => /Procgen with ID [0-9a-f-]{36} popped from WP [0-9a-f-]{36} by worker/.test(l))).toBe(true);
    expect(
      log.some((l) =>
        /Aborted Stale Generation [0-9a-f-]{36} of wp [0-9a-f-]{36} \(1024x1024x4@k_euler\) from by worker: bad/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it("refuses to write into an existing folder without --force and leaves it as it was", () => {
    const before = snapshot(out1);
    const again = cli("run", small, "--seed", "8", "--out", out1, "--no-charts");
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--force/);
    expect(snapshot(out1)).toEqual(before);
  });

  it("replaces it with --force", () => {
    const dir = join(tmp(), "c");
    expect(cli("run", small, "--seed", "1", "--out", dir, "--no-charts", "--replications", "1").code).toBe(0);
    const forced = cli("run", small, "--seed", "2", "--out", dir, "--no-charts", "--replications", "1", "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).seed).toBe(2);
  });

  it("runs only the arms named with --policy", () => {
    const dir = join(tmp(), "d");
    const r = cli("run", small, "--out", dir, "--no-charts", "--policy", "exclude", "--replications", "1");
    expect(r.code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).policies.map((p: { name: string }) => p.name),
    ).toEqual(["exclude"]);
  });
});

describe("bad input: one clear message, exit 2, no stack trace, nothing written", () => {
  it("reports a typo, a wrong type and a negative rate with file:line:col", () => {
    const file = join(import.meta.dirname, "fixtures", "three-problems.yaml");
    const r = cli("validate", file);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.some((l) => /three-problems\.yaml:5:11: arrivals\[0\]\.rate: /.test(l))).toBe(true);
    expect(
      lines.some((l) =>
        /three-problems\.yaml:9:5: workers\[0\]\.max_pixel: unknown key .*did you mean "max_pixels"/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /three-problems\.yaml:10:12: workers\[0\]\.slots: expected a number/.test(l))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a missing file", () => {
    const r = cli("run", "no/such/file.yaml", "--no-charts");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/file\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses impossible options and writes no folder", () => {
    const dir = join(tmp(), "never");
    const r = cli("run", small, "--replications", "0", "--out", dir);
    expect(r.code).toBe(2);
    expect(existsSync(dir)).toBe(false);
    const p = cli("run", small, "--policy", "nope", "--out", dir);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/nope/);
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects an unknown command", () => {
    expect(cli("fly").code).toBe(2);
  });

  it("validates a good file with exit 0", () => {
    const r = cli("validate", small);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok/);
  });

  it("prints a JSON Schema", () => {
    const out = execFileSync(process.execPath, [bin, "schema"], { encoding: "utf8" });
    expect(JSON.parse(out).type).toBe("object");
  });

  it("answers garbage bytes with a message and exit 2", () => {
    const file = join(tmp(), "garbage.yaml");
    writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x3a, 0x0a]));
    const r = cli("run", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/garbage\.yaml/);
  });
});
