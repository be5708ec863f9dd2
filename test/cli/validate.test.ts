// `hordesim validate`: warnings about requests no worker takes (with the place in the file and a suggestion),
// the offered load per model bundle, and --json.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

const fixture = join(import.meta.dirname, "fixtures", "unserved-model.yaml");

describe("validate warns about requests no worker takes", () => {
  it("names the unserved model with a suggestion, and the oversized template, at their lines; exit 0", () => {
    const r = cli("validate", fixture);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split("\n");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^warning: .*unserved-model\.yaml:12:67: arrivals\[1\]\.mix\[0\]\.model: no worker serves model "AlbedoBase XL" \(did you mean "AlbedoBase XL \(SDXL\)"\?\): 75 % of stream sdxl's requests \(300\/h\) will wait until they expire$/,
    );
    expect(warnings[1]).toMatch(/unserved-model\.yaml:13:9: arrivals\[1\]\.mix\[1\]: 2048×2048 .*at most 1048576/);
    expect(r.stdout).toMatch(/ok with 2 warning\(s\)/);
  });

  it("prints the offered load per bundle: 1 request a second of 7.86 MPS on 10 workers (worked by hand)", () => {
    const r = cli("validate", fixture);
    const lines = r.stdout.split("\n");
    const sd = lines.find((l) => l.trimStart().startsWith("stable_diffusion"));
    // 512×512×30 k_euler_a = 7.864 MPS; default speed lognormal(1.5, 0.3): E[1/speed] = e^0.045/1.5 = 0.69735,
    // jitter e^0.005, overhead 2 s: a worker delivers 7.864 / (7.864 · 0.69735 · 1.00501 + 2) = 1.0469 MPS/s
    expect(
      sd
        ?.trim()
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["10", "10", "10.5", "7.9", "0.75", "00:00–01:00", "7.9", "0.75"]);
  });

  it("--json puts the same on stdout as one document", () => {
    const r = cli("validate", fixture, "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.warnings.map((w: { path: string; reason: string }) => [w.path, w.reason])).toEqual([
      ["arrivals[1].mix[0].model", "model"],
      ["arrivals[1].mix[1]", "size"],
    ]);
    // the sdxl workers take none of the requests: no bundle
    expect(doc.bundles.map((b: { groups: string[] }) => b.groups)).toEqual([["sd15"]]);
    expect(doc.bundles[0].mean_load).toBeCloseTo(7.86432 / 10.4694, 3);
  });
});
