// A scenario calibrated from a real-format horde.log always gets an answer. Before, the default bound (at most
// 0.1 % of users failing) sat below what the calibrated baseline itself failed, and every arm was infeasible;
// the default bound is now relative to the baseline, which meets it by construction.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, root } from "../helpers/cli.js";

const parent = mkdtempSync(join(tmpdir(), "hordesim-calibrated-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("calibrate a real-format log, then run it", () => {
  const scenario = join(parent, "day.yaml");
  const out = join(parent, "run");
  const calibrated = cli("calibrate", join(root, "test", "analyze", "fixtures", "small.log.bz2"), "--out", scenario);
  const r = cli("run", scenario, "--no-charts", "--records", "none", "-r", "3", "--out", out);

  it("gives a recommendation on its first line, and every arm a line of what changes for users", () => {
    expect(calibrated.code, calibrated.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(s.decisions[0].recommended).not.toBeNull();
    expect(s.decisions[0].arms[0].constraints[0]).toMatchObject({ relative: true, status: "met" });
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(
      `recommended: ${s.decisions[0].recommended} (objective what-users-feel, 3 replications; docs/decisions.md)`,
    );
    const arms = s.policies.map((p: { name: string }) => p.name);
    for (const name of arms) expect(lines.slice(2, 2 + arms.length).some((l) => l.startsWith(`  ${name} `))).toBe(true);
  });
});
