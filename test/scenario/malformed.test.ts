import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseScenario, ScenarioError } from "../../src/scenario-file/load.js";
import { runs } from "../helpers/fast-check-config.js";

const VALID = readFileSync(join(import.meta.dirname, "..", "cli", "fixtures", "small.yaml"), "utf8");

/** Paths of every scalar in the valid file, to break one of them. */
function scalarPaths(): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, i]);
    } else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else out.push(path);
  };
  walk(parseDocument(VALID).toJS(), []);
  return out;
}

const PATHS = scalarPaths();
const BAD_VALUES: unknown[] = [
  "",
  "two",
  -1,
  -1e308,
  1e308,
  1e21,
  0.5,
  true,
  null,
  [],
  {},
  [1, 2],
  { dist: "nope" },
  "9999999h",
  "-3/h",
  "NaN",
];

/** A malformed variant of the valid file: a wrong value, a missing field, an unknown key, a cut, or bytes. */
const malformed = fc.oneof(
  fc.record({ path: fc.constantFrom(...PATHS), value: fc.constantFrom(...BAD_VALUES) }).map(({ path, value }) => {
    const doc = parseDocument(VALID);
    doc.setIn(path, value);
    return { label: `${path.join(".")} = ${JSON.stringify(value)}`, text: doc.toString() };
  }),
  fc.constantFrom(...PATHS).map((path) => {
    const doc = parseDocument(VALID);
    doc.deleteIn(path);
    return { label: `without ${path.join(".")}`, text: doc.toString() };
  }),
  fc
    .record({
      path: fc.constantFrom(...PATHS.filter((p) => typeof p[p.length - 1] === "string")),
      key: fc.constantFrom("sped", "rates", "max_pixel", "polices"),
    })
    .map(({ path, key }) => {
      const doc = parseDocument(VALID);
      doc.setIn([...path.slice(0, -1), key], 1);
      return { label: `unknown key ${key} at ${path.slice(0, -1).join(".")}`, text: doc.toString() };
    }),
  fc.integer({ min: 0, max: VALID.length - 1 }).map((n) => ({ label: `cut at ${n}`, text: VALID.slice(0, n) })),
  fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((bytes) => ({ label: "garbage bytes", text: Buffer.from(bytes).toString("latin1") })),
);

describe("malformed scenario files", () => {
  it("always give a Scenario or a ScenarioError with positioned problems, never another exception", () => {
    fc.assert(
      fc.property(malformed, ({ text }) => {
        try {
          parseScenario(text, "m.yaml");
        } catch (err) {
          expect(err).toBeInstanceOf(ScenarioError);
          const e = err as ScenarioError;
          expect(e.problems.length).toBeGreaterThan(0);
          expect(e.message).toMatch(/^m\.yaml(:\d+:\d+)?: /);
        }
      }),
      { numRuns: runs(3000) },
    );
  });

  it("make `validate` and `run` answer with a message and exit 2, leaving no result folder", () => {
    const bin = join(import.meta.dirname, "..", "..", "bin", "hordesim.js");
    const dir = mkdtempSync(join(tmpdir(), "malformed-"));
    const cases = fc.sample(malformed, { numRuns: 12, seed: 42 }).filter(({ text }) => {
      try {
        parseScenario(text, "m.yaml");
        return false;
      } catch {
        return true;
      }
    });
    expect(cases.length).toBeGreaterThan(5);
    cases.forEach(({ label, text }, i) => {
      const file = join(dir, `case-${i}.yaml`);
      writeFileSync(file, text, "latin1");
      const out = join(dir, `out-${i}`);
      for (const args of [
        ["validate", file],
        ["run", file, "--out", out, "--no-charts"],
      ]) {
        const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
        expect(r.status, `${label}: ${args[0]}\n${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(`case-${i}.yaml`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(out)).toBe(false);
    });
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });
});
