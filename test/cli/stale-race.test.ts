// The race after a sweep (issue 23's acceptance): with the pop loop and the sweep timed as reGen and the AI-Horde
// server time them, no worker wins every race of a replication, so each hanging worker's stale aborts vary little
// between replications. On the old fixed one-second poll grid the same scenario gave coefficients of variation of
// 0.65 and 0.91; the bound here is the issue's, 0.08.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, root } from "../helpers/cli.js";

const parent = mkdtempSync(join(tmpdir(), "hordesim-stale-race-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("scenarios/stale-race.yaml", () => {
  const out = join(parent, "run");
  const run = cli("run", join(root, "scenarios", "stale-race.yaml"), "--out", out, "--no-charts", "-q", "-j", "2");
  const query = cli(
    "query",
    out,
    "SELECT worker_name, stale_aborts FROM workers WHERE worker_name LIKE 'hanging-%' ORDER BY worker_name, replication",
    "--csv",
  );

  it("gives each hanging worker's stale aborts per replication a coefficient of variation ≤ 0.08", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(query.code, query.stderr).toBe(0);
    const byWorker = new Map<string, number[]>();
    for (const line of query.stdout.trim().split("\n").slice(1)) {
      const [name, aborts] = line.split(",");
      byWorker.set(name, [...(byWorker.get(name) ?? []), Number(aborts)]);
    }
    expect([...byWorker.keys()]).toEqual(["hanging-1", "hanging-2"]);
    for (const [name, counts] of byWorker) {
      expect(counts, name).toHaveLength(20);
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1));
      expect(mean, name).toBeGreaterThan(100);
      expect(sd / mean, name).toBeLessThanOrEqual(0.08);
    }
  });
});
