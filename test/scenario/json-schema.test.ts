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

  it("describes nearly every property, each policy constant with its default (at most 10 without a description)", () => {
    const undescribed: string[] = [];
    let count = 0;
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item, path);
        return;
      }
      if (node === null || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node as Json)) {
        if (key !== "properties") walk(value, key === "items" ? `${path}[]` : path);
        else
          for (const [name, property] of Object.entries(value as Json)) {
            count++;
            const description = (property as Json).description;
            if (typeof description !== "string" || description.trim() === "") undescribed.push(`${path}.${name}`);
            walk(property, `${path}.${name}`);
          }
      }
    };
    walk(schema, "");
    expect(count).toBeGreaterThan(300);
    expect(undescribed.length, undescribed.join("\n")).toBeLessThanOrEqual(10);
    const arm = (props(schema).policies as Json).items;
    const constants = (kind: string, rule: string) =>
      props(((props(arm)[kind] as Json).anyOf as Json[]).find((v) => (props(v)?.rule as Json)?.const === rule));
    const progressive = constants("timeout", "progressive");
    for (const name of ["k", "slack", "floor", "ceiling"])
      expect((progressive[name] as Json).description, name).toMatch(/default/);
    expect((progressive.slack as Json).default).toBe(15);
    const backoff = (props(arm).reassignment as Json).items as Json;
    const backoffConstants = props(
      (backoff.anyOf as Json[]).find((v) => (props(v)?.rule as Json)?.const === "backoff"),
    );
    expect((backoffConstants.base as Json).description).toMatch(/default 30 s/);
    expect((backoffConstants.cap as Json).default).toBe(900);
    const reputation = props((backoff.anyOf as Json[]).find((v) => (props(v)?.rule as Json)?.const === "reputation"));
    expect((reputation.open_for as Json).description).toMatch(/default 600 s/);
    const heartbeat = constants("detector", "heartbeat");
    expect((heartbeat.interval as Json).description).toMatch(/default 10 s/);
    const ttl = props(props(props(schema).server).ttl);
    expect((ttl.floor as Json).description).toMatch(/set_job_ttl/);
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
