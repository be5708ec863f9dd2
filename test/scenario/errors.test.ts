import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { UserError } from "../../src/errors.js";
import { loadScenarioFile, parseScenario, ScenarioError, scenarioSha256 } from "../../src/scenario-file/load.js";
import { runs } from "../helpers/fast-check-config.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

function caught(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("a file with a typo'd key, a wrong type and a negative rate", () => {
  const file = fixture("three-problems.yaml");
  const error = caught(() => loadScenarioFile(file));

  it("is a ScenarioError, a UserError with exit code 2", () => {
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(2);
  });

  it("reports all three problems, sorted, each at its line:col and path", () => {
    expect(error.problems.map((p) => [p.file, p.line, p.col, p.path])).toEqual([
      [file, 5, 11, "arrivals[0].rate"],
      [file, 10, 5, "workers[0].maxpixels"],
      [file, 11, 12, "workers[0].slots"],
    ]);
  });

  it("says what is wrong in each, with a suggestion for the typo", () => {
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/expected a rate .*non-negative.*got -0\.5/),
      'unknown key "maxpixels" (did you mean "max_pixels"?)',
      'expected a number, got "two"',
    ]);
  });

  it("prints one FILE:LINE:COL: PATH: MESSAGE line per problem", () => {
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`${file}:10:5: workers[0].maxpixels: unknown key "maxpixels" (did you mean "max_pixels"?)`);
    expect(lines[0].startsWith(`${file}:5:11: arrivals[0].rate: expected a rate`)).toBe(true);
  });
});

describe("problems that stop parsing early", () => {
  it("a YAML syntax error gives its position", () => {
    const file = fixture("syntax-error.txt");
    const e = caught(() => loadScenarioFile(file));
    expect(e.problems).toHaveLength(1);
    expect([e.problems[0].line, e.problems[0].col]).toEqual([5, 11]);
    expect(e.message).toBe(`${file}:5:11: YAML syntax error: Nested mappings are not allowed in compact mappings`);
  });

  it("an unclosed bracket is a syntax error too", () => {
    const e = caught(() => parseScenario("name: x\nhorizon: 1h\narrivals: [{name: a}\nworkers: []\n", "f.yaml"));
    expect(e.message).toMatch(/^f\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it("a missing file is one line naming the file", () => {
    const e = caught(() => loadScenarioFile("/nonexistent/dir/scenario.yaml"));
    expect(e.message).toBe("/nonexistent/dir/scenario.yaml: no such file");
  });

  it("a directory is not a scenario", () => {
    const e = caught(() => loadScenarioFile(tmpdir()));
    expect(e.message).toBe(`${tmpdir()}: is a directory, not a scenario file`);
  });

  it("bytes that are not UTF-8 are one clear line, at the first of them", () => {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-scenario-"));
    const path = join(dir, "garbage.yaml");
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0x80, 0x81, 0xc3, 0x28, 0x0a, 0xa0]));
    const e = caught(() => loadScenarioFile(path));
    expect(e.message).toBe(`${path}:1:1: not a text file (it is not valid UTF-8 here): expected scenario YAML`);
  });

  it("NUL bytes are refused with their position", () => {
    const e = caught(() => parseScenario("name: x\nho\u0000rizon: 1h\n", "f.yaml"));
    expect(e.message).toBe("f.yaml:2:3: not a text file (it contains NUL bytes): expected scenario YAML");
  });

  it.each([
    ["", "the file is empty"],
    ["# only a comment\n", "the file is empty"],
    ["- a\n- b\n", "got a list"],
    ["just words", 'got the value "just words"'],
  ])("%j is refused: %s", (text, message) => {
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems).toHaveLength(1);
    expect(e.message).toContain(message);
  });

  it("more than one document is refused", () => {
    expect(caught(() => parseScenario("name: a\n---\nname: b\n", "f.yaml")).message).toMatch(
      /more than one YAML document/,
    );
  });

  it("duplicate keys are refused at the second one", () => {
    const e = caught(() => parseScenario("name: a\nhorizon: 1h\nname: b\n", "f.yaml"));
    expect(e.problems.map((p) => [p.line, p.col])).toEqual([[3, 1]]);
  });

  it("an alias to nothing is refused at the alias", () => {
    const e = caught(() => parseScenario("name: a\nhorizon: *nope\n", "f.yaml"));
    expect(e.problems.map((p) => [p.line, p.col])).toEqual([[2, 10]]);
  });
});

describe("required fields and unknown keys", () => {
  it("a missing required field points at its parent and says it is required", () => {
    const text = "name: x\narrivals:\n  - rate: 1/h\n    mix: [{}]\nworkers:\n  - count: 2\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => [p.line, p.col, p.path, p.message])).toEqual([
      [1, 1, "horizon", "required"],
      [3, 5, "arrivals[0].name", "required"],
      [6, 5, "workers[0].name", "required"],
    ]);
  });

  it("a top-level typo is suggested; a key far from any is listed with the allowed keys", () => {
    const text =
      "name: x\nhorizn: 1h\nhorizon: 1h\nzzzzzz: 3\narrivals: [{name: a, rate: 1/h, mix: [{}]}]\nworkers: [{name: w}]\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => [p.line, p.col, p.path])).toEqual([
      [2, 1, "horizn"],
      [4, 1, "zzzzzz"],
    ]);
    expect(e.problems[0].message).toBe('unknown key "horizn" (did you mean "horizon"?)');
    expect(e.problems[1].message).toMatch(/^unknown key "zzzzzz"; allowed keys: name, description, horizon/);
  });

  it("two unknown keys in one mapping are two problems", () => {
    const text =
      "name: x\nhorizon: 1h\narrivals: [{name: a, rate: 1/h, mix: [{widht: 64, hieght: 64}]}]\nworkers: [{name: w}]\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => [p.path, p.message])).toEqual([
      ["arrivals[0].mix[0].widht", 'unknown key "widht" (did you mean "width"?)'],
      ["arrivals[0].mix[0].hieght", 'unknown key "hieght" (did you mean "height"?)'],
    ]);
  });

  it("an empty value is reported at its key", () => {
    const text =
      "name: x\nhorizon: 1h\narrivals: [{name: a, rate: 1/h, mix: [{}]}]\nworkers:\n  - name: w\n    failures:\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => [p.line, p.col, p.path, p.message])).toEqual([
      [6, 5, "workers[0].failures", "expected a list, got null (an empty value)"],
    ]);
  });
});

describe("robustness", () => {
  it("any text gives a Scenario or a ScenarioError, never another exception", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        try {
          parseScenario(text, "f.yaml");
        } catch (e) {
          expect(e).toBeInstanceOf(ScenarioError);
          expect((e as ScenarioError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("a merge key over a scalar is reported at the merge key (fast-check's counterexample)", () => {
    const e = caught(() => parseScenario('"":\n  <<: 0\n', "f.yaml"));
    expect(e.problems).toEqual([
      { file: "f.yaml", line: 2, col: 3, path: "", message: "YAML error: Merge sources must be maps or map aliases" },
    ]);
  });

  it("any YAML value gives a ScenarioError whose problems all have a position", () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 3 }), (value) => {
        const e = caught(() => parseScenario(stringify(value), "f.yaml"));
        for (const p of e.problems) {
          expect(p.line).toBeGreaterThan(0);
          expect(p.col).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(200) },
    );
  });

  it("scenarioSha256 is the hex SHA-256 of the text", () => {
    expect(scenarioSha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const text = readFileSync(fixture("minimal.yaml"), "utf8");
    expect(scenarioSha256(text)).toMatch(/^[0-9a-f]{64}$/);
    expect(scenarioSha256(text)).not.toBe(scenarioSha256(`${text} `));
  });
});

describe("cross-field checks", () => {
  it("duplicate names are reported together with the other problems of the file", () => {
    const text =
      "name: x\nhorizon: 1h\narrivals: [{name: a, rate: 1/h, mix: [{n: 0}]}]\nworkers: [{name: w}, {name: w, slots: two}]\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => p.path)).toEqual(["arrivals[0].mix[0].n", "workers[1].name", "workers[1].slots"]);
  });

  it("a check that reads a broken field stays silent instead of repeating it", () => {
    const text =
      "name: x\nhorizon: 1h\nwarmup: soon\narrivals: [{name: a, rate: 1/h, mix: [{}]}]\nworkers: [{name: w, slots: 0, failures: [{mode: hang, probability: 2}]}]\n";
    const e = caught(() => parseScenario(text, "f.yaml"));
    expect(e.problems.map((p) => p.path)).toEqual(["warmup", "workers[0].slots", "workers[0].failures[0].probability"]);
  });
});
