import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { OutputFolder } from "../../src/results/output-folder.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const modulePath = join(repoRoot, "src", "results", "output-folder.ts");

let parent: string;
let out: string;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "hordesim-out-"));
  out = join(parent, "results");
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** Every file under dir, by relative path, with its content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return files;
}

function earlierResults(): Record<string, string> {
  mkdirSync(join(out, "charts"), { recursive: true });
  writeFileSync(join(out, "summary.json"), '{"old":true}\n');
  writeFileSync(join(out, "charts", "latency.svg"), "<svg/>");
  return tree(out);
}

function expectRefusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error("expected a UserError");
}

/** Runs a child process that opens the folder, writes a file, then ends as told, never committing. */
function crashChild(force: boolean, how: "exit" | "throw" | "kill") {
  const script = join(parent, "child.mts");
  writeFileSync(
    script,
    `const { OutputFolder } = await import(${JSON.stringify(modulePath)});
const f = OutputFolder.open(${JSON.stringify(out)}, { force: ${force} });
const { writeFileSync } = await import("node:fs");
writeFileSync(f.path("summary.json"), "half");
console.log(f.dir);
if (${JSON.stringify(how)} === "exit") process.exit(1);
if (${JSON.stringify(how)} === "kill") process.kill(process.pid, "SIGKILL");
throw new Error("boom");
`,
  );
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, encoding: "utf8" });
  rmSync(script);
  return { code: r.status, signal: r.signal, tempDir: r.stdout.trim(), stderr: r.stderr };
}

describe("OutputFolder", () => {
  it("writes into a sibling temporary folder and renames it into place at commit", () => {
    const f = OutputFolder.open(out, { force: false });
    const p = f.path("charts/latency.svg");
    expect(p).toBe(join(`${out}.partial-${process.pid}`, "charts", "latency.svg"));
    writeFileSync(p, "<svg/>");
    writeFileSync(f.path("summary.json"), "{}");
    expect(existsSync(out)).toBe(false);
    f.commit();
    expect(tree(out)).toEqual({ [join("charts", "latency.svg")]: "<svg/>", "summary.json": "{}" });
    expect(readdirSync(parent)).toEqual(["results"]);
    f.commit();
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("refuses an existing non-empty folder without force and leaves it untouched", () => {
    const before = earlierResults();
    const err = expectRefusal(() => OutputFolder.open(out, { force: false }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(out);
    expect(err.message).toContain("--force");
    expect(err.message).toContain("--out");
    expect(tree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("accepts an existing empty folder without force", () => {
    mkdirSync(out);
    const f = OutputFolder.open(out, { force: false });
    writeFileSync(f.path("summary.json"), "{}");
    f.commit();
    expect(tree(out)).toEqual({ "summary.json": "{}" });
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("with force replaces the earlier folder only at commit", () => {
    const before = earlierResults();
    const f = OutputFolder.open(out, { force: true });
    writeFileSync(f.path("summary.json"), '{"new":true}\n');
    expect(tree(out)).toEqual(before);
    f.commit();
    expect(tree(out)).toEqual({ "summary.json": '{"new":true}\n' });
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("abort leaves nothing behind", () => {
    const f = OutputFolder.open(out, { force: false });
    writeFileSync(f.path("a/b.csv"), "x");
    f.abort();
    expect(readdirSync(parent)).toEqual([]);
    f.abort();
    expect(() => f.commit()).toThrow(/aborted/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("a failure before commit leaves the earlier folder intact", () => {
    const before = earlierResults();
    const f = OutputFolder.open(out, { force: true });
    writeFileSync(f.path("summary.json"), "half-written");
    try {
      throw new Error("the run failed");
    } catch {
      f.abort();
    }
    expect(tree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("puts the earlier folder back when the new one cannot be renamed in", () => {
    const before = earlierResults();
    const f = OutputFolder.open(out, { force: true });
    rmSync(f.dir, { recursive: true });
    expect(() => f.commit()).toThrow();
    expect(tree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("does not overwrite a folder that appeared while the run was writing", () => {
    const f = OutputFolder.open(out, { force: false });
    writeFileSync(f.path("summary.json"), "mine");
    const theirs = earlierResults();
    expectRefusal(() => f.commit());
    expect(tree(out)).toEqual(theirs);
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("refuses a file in place of the folder, even with force", () => {
    writeFileSync(out, "not a folder");
    expectRefusal(() => OutputFolder.open(out, { force: true }));
    expect(readFileSync(out, "utf8")).toBe("not a folder");
    expect(readdirSync(parent)).toEqual(["results"]);
  });

  it("keeps paths inside the folder", () => {
    const f = OutputFolder.open(out, { force: false });
    expect(() => f.path("../escape.txt")).toThrow(/inside/);
    expect(() => f.path(".")).toThrow(/inside/);
    expect(f.path("..notes.txt")).toBe(join(f.dir, "..notes.txt"));
    f.abort();
  });
});

describe("OutputFolder when the process ends without commit", () => {
  for (const how of ["exit", "throw"] as const) {
    it(`(${how}) leaves no folder under the final name and cleans its temporary folder`, () => {
      const r = crashChild(false, how);
      expect(r.code).toBe(1);
      expect(basename(r.tempDir)).toMatch(/^results\.partial-\d+$/);
      expect(readdirSync(parent)).toEqual([]);
    });

    it(`(${how}) with force leaves the earlier folder intact`, () => {
      const before = earlierResults();
      const r = crashChild(true, how);
      expect(r.code).toBe(1);
      expect(tree(out)).toEqual(before);
      expect(readdirSync(parent)).toEqual(["results"]);
    });
  }

  it("(SIGKILL) leaves the earlier folder intact; only the temporary folder can remain", () => {
    const before = earlierResults();
    const r = crashChild(true, "kill");
    expect(r.signal).toBe("SIGKILL");
    expect(tree(out)).toEqual(before);
    expect(readdirSync(parent).filter((n) => n !== basename(r.tempDir))).toEqual(["results"]);
  });
});
