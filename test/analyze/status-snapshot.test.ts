// Saved answers of /api/v2/status/performance and /api/v2/status/models: the shipped fixtures, and every kind
// of bad file refused with one message naming the file, line:col and the field.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { childPath, JsonSyntaxError, lineCol, parseJsonWithPositions } from "../../src/json-positions.js";
import { readModelsSnapshot, readPerformanceSnapshot } from "../../src/analyze/status-snapshot.js";
import { UserError } from "../../src/errors.js";

const root = join(import.meta.dirname, "..", "..");
const PERFORMANCE = join(root, "scenarios/status/performance-snapshot.json");
const MODELS = join(root, "scenarios/status/models-snapshot.json");
const dir = mkdtempSync(join(tmpdir(), "hordesim-status-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function refused(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    const message = (e as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected the file to be refused");
}

describe("the shipped fixtures", () => {
  it("performance-snapshot.json has the issue's figures", () => {
    expect(readPerformanceSnapshot(PERFORMANCE)).toEqual({
      queued_requests: 395,
      worker_count: 10,
      thread_count: 10,
      queued_megapixelsteps: 4063,
      past_minute_megapixelsteps: 532,
    });
  });

  it("models-snapshot.json: a dozen image models whose jobs sum to 395 and queued pixelsteps to ≈ 4,063 MPS; the text model left out", () => {
    const models = readModelsSnapshot(MODELS);
    expect(models).toHaveLength(12);
    expect(models.reduce((s, m) => s + m.jobs, 0)).toBe(395);
    expect(models.reduce((s, m) => s + m.queued, 0) / 1e6).toBeCloseTo(4063, 1);
    const raw = JSON.parse(readFileSync(MODELS, "utf8")) as { name: string; type: string }[];
    const text = raw.filter((m) => m.type === "text").map((m) => m.name);
    expect(text).toHaveLength(1);
    expect(models.map((m) => m.name)).not.toContain(text[0]);
  });
});

const GOOD = readFileSync(PERFORMANCE, "utf8");

describe("a bad performance snapshot", () => {
  it("truncated JSON: the end of the file", () => {
    const text = GOOD.slice(0, GOOD.indexOf('"thread_count"') + 20);
    const { line, col } = lineCol(text, text.length);
    expect(refused(() => readPerformanceSnapshot(file("truncated.json", text)))).toBe(
      `${dir}/truncated.json:${line}:${col}: not valid JSON: unexpected end of the file (truncated?)`,
    );
  });

  it("a missing field: the object that lacks it", () => {
    const text = GOOD.replace(/\s*"worker_count": 10,/, "");
    expect(refused(() => readPerformanceSnapshot(file("missing.json", text)))).toBe(
      `${dir}/missing.json:1:1: worker_count: missing (expected a whole number ≥ 0 here)`,
    );
  });

  it("a wrong type, a negative count, a fraction of a worker: the value", () => {
    expect(
      refused(() =>
        readPerformanceSnapshot(file("type.json", GOOD.replace('"queued_requests": 395', '"queued_requests": "395"'))),
      ),
    ).toBe(`${dir}/type.json:2:22: queued_requests: expected a whole number ≥ 0, got the string "395"`);
    expect(
      refused(() =>
        readPerformanceSnapshot(
          file("negative.json", GOOD.replace('"queued_megapixelsteps": 4063', '"queued_megapixelsteps": -4063')),
        ),
      ),
    ).toBe(`${dir}/negative.json:8:28: queued_megapixelsteps: must not be negative, got -4063`);
    expect(
      refused(() =>
        readPerformanceSnapshot(file("fraction.json", GOOD.replace('"worker_count": 10', '"worker_count": 9.5'))),
      ),
    ).toBe(`${dir}/fraction.json:4:19: worker_count: expected a whole number, got 9.5`);
    // an unused field is checked too
    expect(
      refused(() =>
        readPerformanceSnapshot(file("unused.json", GOOD.replace('"queued_forms": 0', '"queued_forms": -1'))),
      ),
    ).toMatch(/unused\.json:10:19: queued_forms: must not be negative/);
  });

  it("fewer threads than workers, an array instead of the object, a file that is not there", () => {
    expect(
      refused(() =>
        readPerformanceSnapshot(file("threads.json", GOOD.replace('"thread_count": 10', '"thread_count": 4'))),
      ),
    ).toBe(`${dir}/threads.json:6:19: thread_count: must be at least worker_count (10): every worker has a thread`);
    expect(refused(() => readPerformanceSnapshot(file("array.json", "[]")))).toBe(
      `${dir}/array.json:1:1: expected the JSON object of GET /api/v2/status/performance, got an array`,
    );
    expect(refused(() => readPerformanceSnapshot(join(dir, "absent.json")))).toBe(
      `${dir}/absent.json: cannot read the performance snapshot (ENOENT)`,
    );
  });
});

const MODEL = (fields: string) => `{"name": "m", "type": "image", ${fields}}`;

describe("a bad models snapshot", () => {
  it("an empty list, only text models", () => {
    expect(refused(() => readModelsSnapshot(file("empty.json", "[]\n")))).toBe(
      `${dir}/empty.json:1:1: the model list is empty`,
    );
    const text = `[${MODEL('"count": 1, "queued": 5, "jobs": 1').replace('"image"', '"text"')}]`;
    expect(refused(() => readModelsSnapshot(file("text.json", text)))).toBe(
      `${dir}/text.json:1:1: no image model in the list (only text models)`,
    );
  });

  it("a model's missing field, negative jobs, unknown type: that model's line and column", () => {
    const missing = `[\n  ${MODEL('"count": 1, "queued": 5, "jobs": 1')},\n  ${MODEL('"count": 1, "jobs": 1')}\n]`;
    expect(refused(() => readModelsSnapshot(file("m-missing.json", missing)))).toBe(
      `${dir}/m-missing.json:3:3: [1].queued: missing (expected a number ≥ 0 in every model)`,
    );
    const negative = `[${MODEL('"count": 1, "queued": 5, "jobs": -2')}]`;
    expect(refused(() => readModelsSnapshot(file("m-negative.json", negative)))).toBe(
      `${dir}/m-negative.json:1:66: [0].jobs: must not be negative, got -2`,
    );
    const type = `[${MODEL('"count": 1, "queued": 5, "jobs": 1').replace('"image"', '"video"')}]`;
    expect(refused(() => readModelsSnapshot(file("m-type.json", type)))).toBe(
      `${dir}/m-type.json:1:24: [0].type: expected "image" or "text", got the string "video"`,
    );
  });

  it("truncated JSON", () => {
    const text = readFileSync(MODELS, "utf8").slice(0, 300);
    expect(refused(() => readModelsSnapshot(file("m-truncated.json", text)))).toMatch(
      /m-truncated\.json:\d+:\d+: not valid JSON: unexpected end of the file \(truncated\?\)$/,
    );
  });
});

describe("JSON with positions", () => {
  it("reads what JSON.parse reads, and refuses what it refuses (any prefix of a document)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), fc.nat(), (v, pretty, cut) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        expect(parseJsonWithPositions(text).value).toEqual(JSON.parse(text));
        const prefix = text.slice(0, cut % (text.length + 1));
        let ok = true;
        try {
          JSON.parse(prefix);
        } catch {
          ok = false;
        }
        if (ok) expect(parseJsonWithPositions(prefix).value).toEqual(JSON.parse(prefix));
        else expect(() => parseJsonWithPositions(prefix)).toThrow(JsonSyntaxError);
      }),
    );
  });

  it("keeps a key named __proto__ as an own member, as JSON.parse does (fast-check's counterexample)", () => {
    const text = '{"":{"__proto__":null},"__proto__":{"a":1}}';
    const value = parseJsonWithPositions(text).value as Record<string, unknown>;
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["", "__proto__"]);
  });

  // keys that a joined path could confuse: empty, holding "." "[" "]" or a quote, or plain names that repeat
  const key = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom(".", "[", "]", '"', "\\", "0", "Z", "_"), maxLength: 4 }),
  );
  const jsonWithAnyKeys = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string()),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    ),
  })).value;

  /** Every value of `v` with its path, the document itself first. */
  function* valuesByPath(v: unknown, path = ""): Generator<[string, unknown]> {
    yield [path, v];
    if (Array.isArray(v)) for (const [i, e] of v.entries()) yield* valuesByPath(e, childPath(path, i));
    else if (typeof v === "object" && v !== null)
      for (const [k, e] of Object.entries(v)) yield* valuesByPath(e, childPath(path, k));
  }

  function expectEveryOffsetAtItsValue(v: unknown): void {
    const text = JSON.stringify(v);
    const parsed = parseJsonWithPositions(text);
    const paths = new Set<string>();
    for (const [path, value] of valuesByPath(v)) {
      paths.add(path);
      const at = parsed.offsetOf(path);
      expect(at, path).toBeDefined();
      expect(text.startsWith(JSON.stringify(value), at), path).toBe(true);
    }
    expect(paths.size).toBe([...valuesByPath(v)].length);
  }

  it("every value's offset is where its text starts, whatever the keys (no two values share a path)", () => {
    fc.assert(fc.property(jsonWithAnyKeys, expectEveryOffsetAtItsValue));
    fc.assert(fc.property(fc.jsonValue(), expectEveryOffsetAtItsValue));
  });

  it("a member with the empty key does not take the document's path (fast-check's counterexample)", () => {
    const v = { Z: "", "": { Z: [] } };
    expectEveryOffsetAtItsValue(v);
    const parsed = parseJsonWithPositions(JSON.stringify(v));
    expect(parsed.offsetOf("")).toBe(0);
    expect(parsed.offsetOf("Z")).toBe(5);
    expect(parsed.offsetOf('[""]')).toBe(11);
    expect(parsed.offsetOf('[""].Z')).toBe(16);
  });

  it("writes a plain key as a name and any other key as a JSON string", () => {
    expect(childPath("", "count")).toBe("count");
    expect(childPath("[3]", "count")).toBe("[3].count");
    expect(childPath("a", "b.c")).toBe('a["b.c"]');
    expect(childPath("", "")).toBe('[""]');
    expect(childPath("", 'x"]')).toBe('["x\\"]"]');
  });
});
