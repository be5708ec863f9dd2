// What --out may name and what --force may replace: never the current folder or one above it, never a folder
// hordesim did not write, never a link; a place where no folder can be made is refused in one line (exit 2)
// instead of an internal error or, under /proc, a hang.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutPath, checkReplaceable, isReplaceable, makeFolder } from "../../src/results/out-path.js";
import { bin, root, snapshot } from "../helpers/cli.js";

const fixtures = join(import.meta.dirname, "fixtures");
const small = join(fixtures, "small.yaml");
const smallSweep = join(fixtures, "small-sweep.yaml");
const tmp = () => mkdtempSync(join(tmpdir(), "hordesim-out-"));
const quickSweep = ["--no-charts", "--replications", "1", "-q"];
const quick = [...quickSweep, "--records", "none"];
const quickFor = (command: string) => (command === "run" ? quick : command === "sweep" ? quickSweep : ["-q"]);

/** `hordesim ARGS…` run in `cwd`, stopped after 60 s (a hang fails the test instead of stalling it). */
function cliIn(cwd: string, ...args: string[]) {
  return cliWith({}, cwd, ...args);
}

/** The same with `HORDESIM_TEST_ENOSPC=full`: writing a file whose name ends with `full` fails as a full disk. */
function cliWith(env: { full?: string }, cwd: string, ...args: string[]) {
  const preload = env.full === undefined ? [] : ["--import", join(root, "test", "helpers", "enospc-preload.mjs")];
  const r = spawnSync(process.execPath, [...preload, bin, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, HORDESIM_TEST_ENOSPC: env.full ?? "" },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A folder holding a user's own files. */
function userFolder(): string {
  const dir = join(tmp(), "mine");
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "notes.txt"), "keep me\n");
  writeFileSync(join(dir, "sub", "data.csv"), "a,b\n1,2\n");
  return dir;
}

function expectRefused(r: ReturnType<typeof cliIn>, message: RegExp) {
  expect(r.signal, "no hang").toBe(null);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("--force replaces only a hordesim result folder", () => {
  it.each([
    ["run", small],
    ["sweep", smallSweep],
  ])("%s --force on a folder of the user's own files refuses and leaves every file", (command, scenario) => {
    const dir = userFolder();
    const before = snapshot(dir);
    const r = cliIn(tmp(), command, scenario, "--out", dir, "--force", ...quickFor(command));
    expectRefused(r, /is not a hordesim result folder.*nothing was written/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(dir, ".."))).toEqual(["mine"]);
  });

  it("refuses a result folder that also holds a file hordesim did not write, naming it", () => {
    const parent = tmp();
    const dir = join(parent, "r");
    expect(cliIn(parent, "run", small, "--out", dir, ...quick).code).toBe(0);
    writeFileSync(join(dir, "my-notes.md"), "mine\n");
    const before = snapshot(dir);
    const r = cliIn(parent, "run", small, "--out", dir, "--force", "--seed", "9", ...quick);
    expectRefused(r, /holds files hordesim did not write \(my-notes\.md\)/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("sweep --force does not discard a NAME.partial folder it did not write", () => {
    const parent = tmp();
    const partial = join(parent, "s.partial");
    mkdirSync(partial);
    writeFileSync(join(partial, "thesis.tex"), "\\begin{document}\n");
    const r = cliIn(parent, "sweep", smallSweep, "--out", join(parent, "s"), "--force", ...quickSweep);
    expectRefused(r, /s\.partial is not a hordesim result folder/);
    expect(readdirSync(partial)).toEqual(["thesis.tex"]);
  });

  it("run --out . --force in a folder of the user's files refuses and leaves every file", () => {
    const cwd = userFolder();
    const before = snapshot(cwd);
    expectRefused(cliIn(cwd, "run", small, "--out", ".", "--force", ...quick), /is the current folder or one above it/);
    expect(snapshot(cwd)).toEqual(before);
  });

  it.each([
    ["", /--out is empty/],
    [" ", /--out is empty/],
    [".", /is the current folder or one above it/],
    ["..", /is the current folder or one above it/],
    ["/", /is the current folder or one above it/],
    [process.cwd(), /is the current folder or one above it/],
  ])("checkOutPath(%j) refuses", (out, message) => {
    expect(() => checkOutPath(out)).toThrow(message);
  });

  it("the current folder reached through a link to its parent is refused too", () => {
    const link = join(tmp(), "link");
    symlinkSync(dirname(process.cwd()), link);
    expect(() => checkOutPath(join(link, basename(process.cwd())))).toThrow(/current folder or one above it/);
    expect(checkOutPath(join(link, "elsewhere-new"))).toBe(join(link, "elsewhere-new"));
  });

  it("an empty folder may be replaced", () => {
    const parent = tmp();
    mkdirSync(join(parent, "empty"));
    const r = cliIn(parent, "run", small, "--out", "empty", "--force", ...quick);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(parent, "empty"))).toContain("summary.json");
  });
});

describe("isReplaceable", () => {
  const folder = (files: string[]) => {
    const dir = tmp();
    for (const f of files) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), "x");
    }
    return dir;
  };
  it.each([
    [[], true],
    [["summary.json", "scenario.yaml", "requests.parquet", "report.html", "charts/latency.png"], true],
    [["sweep.json", "sweep.csv", "sweep-summary.csv", "scenario.yaml", "charts/cells.vl.json"], true],
    [["sweep-shard.json", "units.jsonl", "scenario.yaml"], true],
    [["analysis.md", "configs.csv", "charts/aborts_by_worker.svg"], true],
    [["scenario.yaml", "requests.parquet"], false], // no marker: not known to be hordesim's
    [["summary.json", "notes.txt"], false],
    [["summary.json", "charts/notes.txt"], false],
    [["summary.json", "charts/deep/latency.png"], false],
  ])("%j → %s", (files, expected) => {
    const dir = folder(files);
    expect(isReplaceable(dir)).toBe(expected);
    if (expected) expect(() => checkReplaceable(dir, dir)).not.toThrow();
    else expect(() => checkReplaceable(dir, dir)).toThrow(/nothing was written/);
  });
});

describe("places where no result folder can be made", () => {
  it("--out under a file (ENOTDIR) names the file", () => {
    const parent = tmp();
    writeFileSync(join(parent, "f"), "a file\n");
    const r = cliIn(parent, "run", small, "--out", "f/sub", ...quick);
    expectRefused(r, /f is a file, not a folder/);
    expect(readdirSync(parent)).toEqual(["f"]);
  });

  it("a dangling symbolic link as --out is refused and left as it was", () => {
    const parent = tmp();
    symlinkSync(join(parent, "nowhere"), join(parent, "link"));
    const r = cliIn(parent, "run", small, "--out", "link", ...quick);
    expectRefused(r, /link is a symbolic link \(to .*nowhere, which does not exist\)/);
    expect(readlinkSync(join(parent, "link"))).toBe(join(parent, "nowhere"));
    expect(readdirSync(parent)).toEqual(["link"]);
  });

  it("makeFolder creates missing parents one level at a time, and removes them again when a level fails", () => {
    const parent = tmp();
    expect(makeFolder(join(parent, "a", "b", "c"), "a/b/c")).toEqual(
      ["a", "a/b", "a/b/c"].map((p) => join(parent, ...p.split("/"))),
    );
    writeFileSync(join(parent, "file"), "");
    expect(() => makeFolder(join(parent, "file", "x"), "file/x")).toThrow(/file is a file, not a folder/);
  });

  it("the missing parents of --out are created, and removed again when the run fails", () => {
    const parent = tmp();
    const r = cliWith({ full: "summary.json" }, parent, "run", small, "--out", "a/b/c", ...quick);
    expectRefused(r, /no space left on the device writing .*summary\.json/);
    expect(readdirSync(parent)).toEqual([]);
    expect(cliIn(parent, "run", small, "--out", "a/b/c", ...quick).code).toBe(0);
    expect(existsSync(join(parent, "a", "b", "c", "summary.json"))).toBe(true);
  });

  const procfs = existsSync("/proc/self");
  it.runIf(procfs).each([
    ["run", [small]],
    ["sweep", [smallSweep]],
    ["analyze", [join(import.meta.dirname, "..", "analyze", "fixtures", "small.log.bz2")]],
  ])("%s --out under /proc is refused in one line, not a hang", (command, args) => {
    const r = cliIn(tmp(), command, ...args, "--out", "/proc/hordesim-x/y", ...quickFor(command));
    expectRefused(r, /\/proc\/hordesim-x.*cannot create|cannot create.*\/proc/);
  });

  it.runIf(procfs)("merge --out under /proc is refused in one line, not a hang", () => {
    const parent = tmp();
    for (const i of [1, 2]) {
      const s = cliIn(parent, "sweep", smallSweep, "--shard", `${i}/2`, "--out", `s${i}`, ...quickSweep);
      expect(s.code, s.stderr).toBe(0);
    }
    const r = cliIn(parent, "merge", "s1", "s2", "--out", "/proc/hordesim-m", "--no-charts", "-q");
    expectRefused(r, /--out \/proc\/hordesim-m: cannot create \/proc\/hordesim-m\.partial/);
  });
});
