// A mistyped option gets a suggestion; --help puts the main options first and shows examples.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { suggestOptions } from "../../src/cli/suggest.js";
import { incidentTimeline } from "../analyze/log-lines.js";
import { cli } from "../helpers/cli.js";

describe("suggestOptions", () => {
  const known = ["seed", "replications", "jobs", "json", "quiet", "max-replications", "maxReplications", "r"];

  it("suggests the closest option for each unknown argument, and nothing for gibberish", () => {
    expect(suggestOptions("Unknown argument: replicatons", known)).toBe(
      " (--replicatons: did you mean --replications?)",
    );
    expect(suggestOptions("Unknown arguments: seeed, jbs", known)).toBe(
      " (--seeed: did you mean --seed?; --jbs: did you mean --jobs?)",
    );
    expect(suggestOptions("Unknown argument: zzzqq", known)).toBe("");
    expect(suggestOptions("Not enough non-option arguments: got 0, need at least 1", known)).toBe("");
  });
});

describe("the CLI", () => {
  it("answers a mistyped option with a suggestion and exit 2", () => {
    const r = cli("run", "scenarios/incident-2025-09-29.yaml", "--replicatons", "3");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown argument: replicatons (--replicatons: did you mean --replications?)");
    expect(r.stdout).toBe("");
  });

  it("lists run's main options before --precision and --select, and shows examples", () => {
    const help = cli("run", "--help").stdout;
    for (const [first, later] of [
      ["--seed", "--precision"],
      ["--replications", "--select"],
      ["--policy", "--precision"],
    ])
      expect(help.indexOf(first), `${first} before ${later}`).toBeLessThan(help.indexOf(later));
    expect(help.indexOf("--seed")).toBeGreaterThan(0);
    expect(help).toMatch(/Examples:\n\s+hordesim run scenarios\/incident-2025-09-29\.yaml/);
    expect(cli("--help").stdout).toMatch(/Examples:[\s\S]*hordesim validate/);
  });

  it("analyze --json prints one document with timeouts and reported faults apart", () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-analyze-json-"));
    const log = join(dir, "horde.log");
    writeFileSync(log, `${incidentTimeline().join("\n")}\n`);
    const r = cli("analyze", log, "--json");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ stale_aborts: 3, timeouts: 3, reported_faults: 0, faulted_requests: 1, out: null });
    expect(doc.timeouts_per_worker.map((w: { count: number }) => w.count)).toEqual([2, 1]);
    expect(doc.next[0]).toBe(`npx hordesim calibrate ${log} --out day.yaml --replay`);
  });
});
