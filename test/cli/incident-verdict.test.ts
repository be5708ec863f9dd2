// Acceptance on the incident day: the default verdict names heartbeat+exclude. The scenario's own run (10 arms
// × 10 replications, docs/statistics.md "Deciding") takes about 1.5 min here, too long for npm test; this runs the
// baseline, the arm closest to the best and the best over 3 replications of the same day.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, root } from "../helpers/cli.js";

const parent = mkdtempSync(join(tmpdir(), "hordesim-incident-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("the incident day's verdict", () => {
  const out = join(parent, "incident");
  const arms = ["horde", "heartbeat", "heartbeat+exclude"].flatMap((p) => ["--policy", p]);
  const r = cli(
    "run",
    join(root, "scenarios", "incident-2025-09-29.yaml"),
    "--no-charts",
    "-r",
    "3",
    "-j",
    "2",
    "--out",
    out,
    ...arms,
  );
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));

  it("recommends heartbeat+exclude and shows the Horde's rules worse", () => {
    expect(r.code, r.stderr).toBe(0);
    const v = s.decisions[0];
    expect(v.objective.name).toBe("what-users-feel");
    expect(v.recommended).toBe("heartbeat+exclude");
    expect(v.arms.find((a: { name: string }) => a.name === "horde").status).toBe("worse");
    expect(r.stdout).toMatch(/\n {2}recommended: heartbeat\+exclude \(\d+(\.\d+)? s\)\n/);
  });

  it("says so in its first lines, with the hit requests' saving, and heartbeat's extra failed requests", () => {
    const first = r.stdout.split("\n").slice(0, 20);
    expect(first[0]).toMatch(/^recommended: heartbeat\+exclude \(objective what-users-feel, 3 replications/);
    expect(first[2]).toMatch(
      /^ {2}heartbeat\+exclude +recommended: requests a failed job hits wait \d+ s → \d+(\.\d)? s \(−\d+ s \[.*\]\)/,
    );
    const heartbeat = first.find((l) => l.startsWith("  heartbeat "));
    expect(heartbeat).toMatch(/failed requests \d+ → \d+/);
    expect(s.headlines.recommended).toBe("heartbeat+exclude");
  });

  it("compares each arm's own hit requests: heartbeat+exclude serves them minutes sooner in every replication", () => {
    const table = s.per_replication.find((t: { figure: string }) => t.figure === "affected_latency_s");
    const [horde, best] = ["horde", "heartbeat+exclude"].map((name) =>
      table.arms.find((a: { name: string }) => a.name === name),
    );
    expect(horde.values).toHaveLength(3);
    for (const d of best.vs_baseline.differences) expect(d).toBeLessThan(-60);
  });
});
