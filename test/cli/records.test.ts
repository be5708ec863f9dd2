// The record tables of `hordesim run`: --records, --format, `hordesim query`, and what an interrupted, killed
// or disk-full run leaves behind; a reader that closes the pipe early.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { queryFolder } from "../../src/results/query.js";
import { REQUEST_COLUMNS } from "../../src/results/record-files.js";
import { bin, cli, root } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");
const parent = mkdtempSync(join(tmpdir(), "hordesim-records-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const run = (name: string, ...args: string[]) => {
  const out = join(parent, name);
  return { out, ...cli("run", small, "--seed", "3", "--out", out, "--no-charts", ...args) };
};

const all = run("all", "--records", "all");
const csv = run("csv", "--records", "all", "--format", "csv");
const dflt = run("default");
const none = run("none", "--records", "none");

const rows = async (dir: string, sql: string) => (await queryFolder(dir, sql)).rows;

describe("--records and --format", () => {
  it("writes the tables each choice names", () => {
    for (const r of [all, csv, dflt, none]) expect(r.code, r.stderr).toBe(0);
    const tables = ["attempts", "requests", "samples", "users", "workers"];
    const files = (d: string) => readdirSync(d).sort();
    expect(files(all.out)).toEqual([...tables.map((t) => `${t}.parquet`), "scenario.yaml", "summary.json"].sort());
    expect(files(csv.out)).toEqual([...tables.map((t) => `${t}.csv`), "scenario.yaml", "summary.json"].sort());
    expect(files(none.out)).toEqual(["scenario.yaml", "summary.json"]);
    // the default leaves the users out (no chart reads them)
    expect(files(dflt.out)).toEqual(
      [...tables.filter((t) => t !== "users").map((t) => `${t}.parquet`), "scenario.yaml", "summary.json"].sort(),
    );
    expect(readFileSync(join(csv.out, "requests.csv"), "utf8").split("\n")[0]).toBe(REQUEST_COLUMNS.join(","));
  });

  it("gives the same summary whatever is written", () => {
    const summary = readFileSync(join(all.out, "summary.json"), "utf8");
    for (const r of [csv, dflt, none]) expect(readFileSync(join(r.out, "summary.json"), "utf8")).toBe(summary);
  });

  it("holds the same rows in Parquet and CSV (reals to 6 decimals in CSV)", async () => {
    for (const t of ["requests", "users", "attempts", "workers", "samples"]) {
      const [[n]] = await rows(all.out, `SELECT count(*) FROM ${t}`);
      expect(n).toBeGreaterThan(0);
      expect(await rows(csv.out, `SELECT count(*) FROM ${t}`)).toEqual([[n]]);
    }
    const key = "policy, replication, request_id, outcome, attempts, round(latency_s, 6)";
    const a = await rows(all.out, `SELECT ${key} FROM requests`);
    expect(await rows(csv.out, `SELECT ${key} FROM requests`)).toEqual(a);
  });

  it("keeps every request and, by default, exactly the jobs of the requests that went wrong", async () => {
    const count = async (d: string, sql: string) => Number((await rows(d, sql))[0][0]);
    expect(await count(dflt.out, "SELECT count(*) FROM requests")).toBe(
      await count(all.out, "SELECT count(*) FROM requests"),
    );
    const wrongJobs = `SELECT count(*) FROM attempts a JOIN requests r USING (policy, replication, request_id)
      WHERE r.outcome <> 'completed' OR r.attempts > r.images_requested`;
    const kept = await count(dflt.out, "SELECT count(*) FROM attempts");
    expect(kept).toBe(await count(all.out, wrongJobs));
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(await count(all.out, "SELECT count(*) FROM attempts"));
    // the same jobs, not only as many
    const keys = async (d: string, sql: string) => (await rows(d, sql)).map((r) => r.join("/")).sort();
    expect(await keys(dflt.out, "SELECT policy, replication, job_id FROM attempts")).toEqual(
      await keys(
        all.out,
        `SELECT a.policy, a.replication, a.job_id FROM attempts a JOIN requests r USING (policy, replication, request_id)
         WHERE r.outcome <> 'completed' OR r.attempts > r.images_requested`,
      ),
    );
    // every stale abort is among them
    const stale = `SELECT count(*) FROM attempts WHERE "end" = 'stale_abort'`;
    expect(await count(dflt.out, stale)).toBe(await count(all.out, stale));
  });

  it("stores reals on the 2^-20 grid and open requests' times as NULL", async () => {
    const off = await rows(
      all.out,
      "SELECT count(*) FROM requests WHERE submitted_s * 1048576 <> round(submitted_s * 1048576)",
    );
    expect(off).toEqual([[0]]);
    const open = await rows(all.out, "SELECT count(*) FROM requests WHERE outcome = 'open' AND done_s IS NOT NULL");
    expect(open).toEqual([[0]]);
  });

  it("is byte-identical on a rerun", () => {
    const again = run("all-again", "--records", "all");
    expect(again.code, again.stderr).toBe(0);
    for (const f of readdirSync(all.out))
      expect(readFileSync(join(again.out, f)).equals(readFileSync(join(all.out, f))), f).toBe(true);
  });
});

describe("hordesim query", () => {
  it("prints an aligned table of the rows", () => {
    const r = cli("query", all.out, "SELECT policy, count(*) AS n FROM requests GROUP BY policy ORDER BY policy");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^policy\s+n$/);
    expect(lines[1]).toMatch(/^-+\s+-+$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(["exclude", "horde"]);
    expect(lines[2].length).toBe(lines[1].length);
  });

  it("prints JSON objects with --json, and reads CSV folders too", () => {
    const sql = "SELECT policy, count(*) AS n FROM attempts GROUP BY policy ORDER BY policy";
    const a = JSON.parse(cli("query", all.out, sql, "--json").stdout);
    expect(a.map((o: { policy: string }) => o.policy)).toEqual(["exclude", "horde"]);
    expect(typeof a[0].n).toBe("number");
    expect(JSON.parse(cli("query", csv.out, sql, "--json").stdout)).toEqual(a);
  });

  it.each([
    ["SELEC 1", /^hordesim: query: Parser Error: syntax error at or near "SELEC"/],
    ["SELECT end FROM attempts", /quote the column: "end"/],
    ["SELECT * FROM nothing", /Catalog Error: Table with name nothing does not exist/],
  ])("refuses %j with one line and exit 2", (sql, message) => {
    const r = cli("query", all.out, sql);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses a folder without tables", () => {
    const r = cli("query", none.out, "SELECT 1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a result folder with record tables/);
  });
});

describe("interrupted and failed runs", () => {
  const incident = join(root, "scenarios", "incident-2025-09-29.yaml");

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s removes the partial folder and exits %i with one line", async (signal, code) => {
    const dir = join(parent, `sig-${signal}`);
    mkdirSync(dir);
    const child = spawn(process.execPath, [bin, "run", incident, "--out", join(dir, "out"), "-q", "--no-charts"], {
      cwd: root,
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // wait until the partial folder exists, then signal
    for (let i = 0; i < 200 && readdirSync(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir)[0]).toMatch(/^out\.partial-\d+$/);
    child.kill(signal);
    const exit = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(exit).toBe(code);
    expect(readdirSync(dir)).toEqual([]);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`interrupted \\(${signal}\\): removed .*out\\.partial-\\d+`)),
    ]);
  });

  it("names the partial folder a killed run left, and leaves it", async () => {
    const dir = join(parent, "killed");
    mkdirSync(dir);
    const child = spawn(process.execPath, [bin, "run", incident, "--out", join(dir, "a"), "-q", "--no-charts"], {
      cwd: root,
    });
    for (let i = 0; i < 200 && readdirSync(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const [left] = readdirSync(dir);
    expect(left).toMatch(/^a\.partial-\d+$/);
    const r = cli("run", small, "--out", join(dir, "b"), "--no-charts", "-q");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${join(dir, left)} is left from a run that was killed`);
    expect(readdirSync(dir).sort()).toEqual([left, "b"].sort());
  });

  it("a full disk is one message naming the file, exit 2, nothing left behind", () => {
    const dir = join(parent, "full");
    mkdirSync(dir);
    const preload = join(root, "test", "helpers", "enospc-preload.mjs");
    const r = spawnSync(
      process.execPath,
      ["--import", preload, bin, "run", small, "--out", join(dir, "x"), "--no-charts"],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, HORDESIM_TEST_ENOSPC: "summary.json" },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^hordesim: no space left on the device writing .*x\.partial-\d+\/summary\.json: the run was not saved/,
      ),
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("a reader that closes the pipe early", () => {
  it.each([
    ["schema", "schema"],
    ["run", `run ${small} --out ${join(parent, "pipe")} --no-charts`],
  ])("`hordesim %s | head -1` ends quietly with exit 0", (_name, args) => {
    const r = spawnSync("bash", ["-c", `set -o pipefail; node ${bin} ${args} | head -1`], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stdout.split("\n")).toHaveLength(2);
    expect(r.stderr).not.toMatch(/EPIPE|error|\n\s+at /i);
    expect(r.status).toBe(0);
  });
});
