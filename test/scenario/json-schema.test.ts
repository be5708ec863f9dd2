import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration, parseRate } from "../../src/scenario/units.js";
import { DURATION_PATTERN, RATE_PATTERN, scenarioJsonSchemaText } from "../../src/scenario-file/json-schema.js";
import { loadScenarioFile } from "../../src/scenario-file/load.js";
import { runs } from "../helpers/fast-check-config.js";

const root = new URL("../../", import.meta.url).pathname;

type Json = { [key: string]: unknown };

describe("schema/scenario.schema.json", () => {
  const committed = readFileSync(join(root, "schema/scenario.schema.json"), "utf8");

  it("is the file the schema generates (regenerate: npx tsx src/scenario-file/write-json-schema.ts)", () => {
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  const schema = JSON.parse(committed) as Json;
  const props = (node: unknown) => (node as Json).properties as Json;

  it("describes the input form: required fields, defaults and strictness", () => {
    expect(schema.required).toEqual(["name", "horizon", "arrivals", "workers"]);
    expect(schema.additionalProperties).toBe(false);
    const ttl = props(props(schema).server).ttl;
    expect((props(ttl).floor as Json).default).toBe("150s");
    const worker = (props(schema).workers as Json).items;
    expect((props(worker).slots as Json).default).toBe(2);
    expect((props(worker).speed as Json).default).toEqual({ dist: "lognormal", median: 1.5, sigma: 0.3 });
  });

  it("lists each rule's own constants", () => {
    const arm = (props(schema).policies as Json).items;
    const timeout = props(arm).timeout as Json;
    const variants = timeout.anyOf as Json[];
    expect(variants[0]).toEqual({ type: "string", enum: ["horde", "fixed", "progressive", "adaptive"] });
    const fixed = variants.find((v) => (props(v)?.rule as Json | undefined)?.const === "fixed");
    expect(Object.keys(props(fixed))).toEqual(["rule", "ttl"]);
    expect(fixed?.additionalProperties).toBe(false);
  });

  it("its duration and rate patterns accept exactly what the loader parses", () => {
    const duration = new RegExp(DURATION_PATTERN);
    const rate = new RegExp(RATE_PATTERN);
    const piece = fc.constantFrom(
      "1",
      "0.5",
      ".5",
      "150",
      " ",
      "s",
      "m",
      "min",
      "h",
      "d",
      "ms",
      "/",
      "sec",
      "hour",
      "day",
      "x",
      "-",
      "1e3",
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 5 }).map((p) => p.join("")),
        (text) => {
          expect(duration.test(text)).toBe(!Number.isNaN(parseDuration(text)));
          expect(rate.test(text)).toBe(!Number.isNaN(parseRate(text)));
        },
      ),
      { numRuns: runs(2000) },
    );
  });
});

describe("shipped scenarios", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  walk(join(root, "scenarios"));

  it("there is at least one", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [f.slice(root.length)]))("%s loads", (file) => {
    expect(loadScenarioFile(join(root, file)).name.length).toBeGreaterThan(0);
  });
});
