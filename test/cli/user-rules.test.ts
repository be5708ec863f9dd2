// Users' own rules and failure modes from files, as a user runs them: the examples copied outside the
// repository, run on one and two threads; a bad constant; check-rule passing the examples and failing a rule
// that breaks the lazy-polling contract, with a counterexample that is a valid scenario.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, root, snapshot } from "../helpers/cli.js";

let dir = "";

function hordesim(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hordesim-rules-"));
  cpSync(join(root, "examples"), dir, { recursive: true });
  cpSync(join(root, "test", "cli", "fixtures", "rules", "even-minutes.ts"), join(dir, "even-minutes.ts"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) =>
  createHash("sha256")
    .update(readFileSync(join(dir, file)))
    .digest("hex");

describe("a scenario naming rules and a failure mode from files", () => {
  it("runs outside the repository with the same bytes on one and on two threads, and records the files' hashes", () => {
    const args = ["run", "throttle.yaml", "-r", "1", "--no-charts", "--records", "all", "-q"];
    const one = hordesim(...args, "--jobs", "1", "--out", "one");
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const two = hordesim(...args, "--jobs", "2", "--out", "two");
    expect(two.code).toBe(0);
    expect(snapshot(join(dir, "two"))).toEqual(snapshot(join(dir, "one")));
    const summary = JSON.parse(readFileSync(join(dir, "one", "summary.json"), "utf8"));
    expect(summary.scenario.modules).toEqual([
      { file: "./rules/exclude-slow.ts", kind: "reassignment", sha256: sha("rules/exclude-slow.ts") },
      { file: "./failures/throttle.ts", kind: "failure", sha256: sha("failures/throttle.ts") },
    ]);
  }, 240_000);

  it("answers a bad constant of a rule's own with file:line:col and exit 2, writing nothing", () => {
    const text = readFileSync(join(dir, "throttle.yaml"), "utf8").replace("min_speed: 0.3", "min_speed: -1");
    writeFileSync(join(dir, "bad.yaml"), text);
    const line = text.split("\n").findIndex((l) => l.includes("min_speed: -1")) + 1;
    const col = text.split("\n")[line - 1].indexOf("-1") + 1;
    const r = hordesim("run", "bad.yaml", "--out", "bad-out");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `hordesim: bad.yaml:${line}:${col}: policies[1].reassignment[1].min_speed: must be more than 0, got -1\n`,
    );
    expect(existsSync(join(dir, "bad-out"))).toBe(false);
  });

  it("names a rule file that does not exist, or one used in the wrong place, at its position", () => {
    const text = readFileSync(join(dir, "throttle.yaml"), "utf8")
      .replace("./rules/exclude-slow.ts", "./rules/nope.ts")
      .replace("./failures/throttle.ts", "./rules/exclude-slow.ts");
    writeFileSync(join(dir, "wrong.yaml"), text);
    const r = hordesim("validate", "wrong.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /wrong\.yaml:\d+:\d+: workers\[1\]\.failures\[0\]\.mode: \.\/rules\/exclude-slow\.ts: it is a reassignment rule, but this place takes a failure mode/,
    );
    expect(r.stderr).toMatch(
      /wrong\.yaml:\d+:\d+: policies\[1\]\.reassignment\[1\]\.rule: \.\/rules\/nope\.ts: no such file/,
    );
  });
});

describe("hordesim check-rule", () => {
  it("passes every example", () => {
    for (const [file, constants] of [
      ["rules/exclude-slow.ts", ""],
      ["rules/slow-maintenance.ts", "max_speed: 0.5, jobs: 2, for: 10m"],
      ["rules/reliable-reissue.ts", ""],
      ["rules/reissue-deadline.ts", ""],
      ["failures/throttle.ts", "after: 10m, multiplier: 3"],
    ]) {
      const r = hordesim("check-rule", file, "--runs", "15", "--constants", constants);
      expect(r.stdout).toMatch(/ok — .* kept every invariant in 15 generated scenarios/);
      expect(r.code).toBe(0);
    }
  }, 240_000);

  it("fails a rule that breaks the lazy-polling contract, printing a scenario that reproduces it", () => {
    const r = hordesim("check-rule", "even-minutes.ts", "--runs", "50");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED — lazy polling gives the trajectory of naive polling/);
    const yaml = r.stdout.slice(r.stdout.indexOf("name: generated"));
    expect(yaml).toMatch(/rule: "\.\/even-minutes\.ts"/);
    writeFileSync(join(dir, "counterexample.yaml"), yaml);
    const v = hordesim("validate", "counterexample.yaml");
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
  }, 240_000);

  it("refuses constants the rule's schema rejects with exit 2", () => {
    const r = hordesim("check-rule", "rules/exclude-slow.ts", "--constants", "min_speed: -1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^hordesim: rules\/exclude-slow\.ts: its constants .*min_speed: must be more than 0, got -1/,
    );
  });
});
