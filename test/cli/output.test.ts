// What the commands print and where: --version; the result on stdout (tables, then where the folder, report.html
// and charts are), or one JSON document with --json, or nothing with --quiet; on stderr the progress bar on a
// terminal only, one summary line in a log, and errors whatever the options.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bin, cli, root, snapshot } from "../helpers/cli.js";

const small = join(import.meta.dirname, "fixtures", "small.yaml");
const smallSweep = join(import.meta.dirname, "fixtures", "small-sweep.yaml");
const parent = mkdtempSync(join(tmpdir(), "hordesim-output-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const at = (name: string) => join(parent, name);
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

const SUMMARY_LINE = /^2 arm\(s\) × 1 replication\(s\): [\d,]+ events in [\d.]+ s \([\d,]+ events\/s\)$/;

/** Runs `hordesim ARGS…` on a pseudo-terminal (util-linux's script(1)); what the terminal showed. */
function onTerminal(...args: string[]): { code: number | null; screen: string } {
  const r = spawnSync("script", ["-qec", [process.execPath, bin, ...args].join(" "), "/dev/null"], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, screen: r.stdout.replaceAll("\r", "\n") };
}

describe("hordesim --version", () => {
  it("prints package.json's version and exits 0", () => {
    const { version } = readJson(join(root, "package.json"));
    const r = cli("--version");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.stderr).toBe("");
  });
});

describe("hordesim run: stdout and stderr", () => {
  const text = cli("run", small, "-r", "1", "--out", at("text"));
  const json = cli("run", small, "-r", "1", "--out", at("json"), "--no-charts", "--json");
  const quiet = cli("run", small, "-r", "1", "--out", at("quiet"), "--no-charts", "--quiet");
  const both = cli("run", small, "-r", "1", "--out", at("both"), "--no-charts", "--quiet", "--json");

  it("ends with where the results, report.html and the charts are", () => {
    expect(text.code, text.stderr).toBe(0);
    const pngs = readdirSync(join(at("text"), "charts")).filter((f) => f.endsWith(".png"));
    expect(pngs.length).toBeGreaterThan(3);
    expect(text.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      `results in ${at("text")}`,
      `  report: ${join(at("text"), "report.html")}`,
      `  charts: ${join(at("text"), "charts")}/ (${pngs.length} charts, each as .png, .svg and .vl.json)`,
    ]);
    expect(existsSync(join(at("text"), "report.html"))).toBe(true);
    // the headlines first, then the full comparison table
    // one replication separates nothing: the baseline is kept
    expect(text.stdout).toMatch(
      /^recommended: keep horde \(the baseline\): no other arm is shown better than it by more than δ \(objective what-users-feel, 1 replication;/,
    );
    expect(text.stdout).toMatch(/\n\nsmall: 2 arm\(s\) × 1 replication\(s\)/);
  });

  it("a log (stderr not a terminal) gets one summary line and no progress bar", () => {
    for (const r of [text, json]) expect(r.stderr.split("\n")).toEqual([expect.stringMatching(SUMMARY_LINE), ""]);
  });

  it("--json prints one JSON document and nothing else on stdout: the folder's paths and summary.json", () => {
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(Object.keys(doc)).toEqual(["out", "report", "charts", "summary"]);
    expect(doc.out).toBe(at("json"));
    expect(doc.report).toBeNull(); // --no-charts
    expect(doc.charts).toBeNull();
    expect(doc.summary).toEqual(readJson(join(at("json"), "summary.json")));
    expect(doc.summary.policies.map((p: { name: string }) => p.name)).toEqual(["horde", "exclude"]);
    expect(doc.summary.policies[0].latency_s.p99.mean).toBeGreaterThan(0);
    // the same figures as the text run's folder
    expect(readFileSync(join(at("json"), "summary.json"), "utf8")).toBe(
      readFileSync(join(at("text"), "summary.json"), "utf8"),
    );
  });

  it("--quiet prints nothing and writes the same folder; with --json only the document", () => {
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
    expect(snapshot(at("quiet"))).toEqual(snapshot(at("json")));
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).toBe("");
    const doc = JSON.parse(both.stdout);
    expect(doc).toMatchObject({ out: at("both"), report: null, charts: null });
    expect(doc.summary).toEqual(readJson(join(at("both"), "summary.json")));
  });

  it("errors still reach stderr with --quiet and --json, and stdout stays empty", () => {
    const r = cli("run", small, "--replications", "0", "--out", at("bad"), "--quiet", "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^hordesim: --replications must be an integer/);
    expect(existsSync(at("bad"))).toBe(false);
  });

  it("shows the same progress bar as sweep on a terminal, and none with --quiet", () => {
    const shown = onTerminal("run", small, "-r", "2", "--no-charts", "--out", at("tty"));
    expect(shown.code).toBe(0);
    expect(shown.screen).toMatch(/run \[[█░]+\] 4\/4 runs \| [\d,]+ events\/s \| \d+s left/);
    const silent = onTerminal("run", small, "-r", "2", "--no-charts", "--out", at("tty-quiet"), "--quiet");
    expect(silent.code).toBe(0);
    expect(silent.screen).not.toContain("run [");
    expect(silent.screen.trim()).toBe("");
  });
});

describe("hordesim sweep and merge: --json and --quiet", () => {
  it("--json gives sweep.json and the folder's paths; --quiet prints nothing", () => {
    const json = cli("sweep", smallSweep, "-r", "1", "--no-charts", "--out", at("sweep-json"), "--json");
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toEqual({
      out: at("sweep-json"),
      charts: null,
      shard: null,
      summary: readJson(join(at("sweep-json"), "sweep.json")),
    });
    expect(doc.summary.cells).toHaveLength(6);
    expect(json.stderr.split("\n")).toEqual([expect.stringMatching(/^6 run\(s\): [\d,]+ events in /), ""]);
    const quiet = cli("sweep", smallSweep, "-r", "1", "--no-charts", "--out", at("sweep-quiet"), "--quiet");
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe("");
    expect(snapshot(at("sweep-quiet"))).toEqual(snapshot(at("sweep-json")));
    // a finished folder resumed: nothing to do, the same document
    const again = cli("sweep", smallSweep, "-r", "1", "--no-charts", "--out", at("sweep-json"), "--resume", "--json");
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(doc);
    expect(again.stderr).toBe(`${at("sweep-json")} is already complete: nothing to do\n`);
  });

  it("a shard's document names the shard; merge --json gives the merged sweep.json", () => {
    for (const i of [1, 2]) {
      const r = cli("sweep", smallSweep, "-r", "1", "--no-charts", "--shard", `${i}/2`, "--out", at(`s${i}`), "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        out: at(`s${i}`),
        charts: null,
        shard: { index: i, count: 2 },
        summary: null,
      });
    }
    const m = cli("merge", at("s1"), at("s2"), "--no-charts", "--out", at("merged"), "--json");
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toBe("");
    const doc = JSON.parse(m.stdout);
    expect(doc).toEqual({
      out: at("merged"),
      charts: null,
      shard: null,
      summary: readJson(join(at("merged"), "sweep.json")),
    });
    expect(doc.summary).toEqual(readJson(join(at("sweep-json"), "sweep.json")));
  });
});

describe("--quiet on validate and report", () => {
  it("prints nothing on success and still reports a bad file", () => {
    const ok = cli("validate", small, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).toBe("");
    const bad = cli("validate", join(import.meta.dirname, "fixtures", "three-problems.yaml"), "-q");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/three-problems\.yaml:9:5: workers\[0\]\.max_pixel: unknown key/);
  });

  it("report --quiet draws the charts and report.html again and prints nothing", () => {
    const before = snapshot(at("text"));
    rmSync(join(at("text"), "charts"), { recursive: true });
    rmSync(join(at("text"), "report.html"));
    const quiet = cli("report", at("text"), "--quiet");
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe("");
    expect(snapshot(at("text"))).toEqual(before);
  });
});
