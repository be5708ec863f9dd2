import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { decodeUtf8 } from "../utf8.js";
import type { Scenario } from "../scenario/types.js";
import { describe, didYouMean, errorMap, expectedPhrase } from "./messages.js";
import { limitProblems, MAX_SCENARIO_BYTES } from "./limits.js";
import { scenarioSchema } from "./schema.js";

/** One thing wrong with a scenario file. `line` and `col` are 1-based; 0 when the problem has no position. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** The field, e.g. `workers[2].speed.median`; "" for the file as a whole. */
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/** Every problem of a scenario file, one per line as FILE:LINE:COL: PATH: MESSAGE, sorted by position. */
export class ScenarioError extends UserError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
    super(sorted.map(formatProblem).join("\n"));
    this.name = "ScenarioError";
    this.problems = sorted;
  }
}

export type Segment = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z_][\w-]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** Where a path points in the document: the value (or, with `atKey`, the key) of the deepest node that exists. */
function locate(doc: Document, path: readonly Segment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = findPair(doc, node.items, String(seg));
      if (pair === undefined) return offset;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      const emptyValue = value === null || (isScalar(value) && value.value === null && value.source === "");
      if ((last && atKey) || emptyValue) offset = key?.range?.[0] ?? offset;
      else offset = value?.range?.[0] ?? offset;
      node = value;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      node = node.items[seg];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function findPair(doc: Document, items: unknown[], key: string): { key: unknown; value: unknown } | undefined {
  for (const pair of items) {
    if (isPair(pair) && keyName(pair.key) === key) return pair;
  }
  for (const pair of items) {
    if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== "symbol") continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (let source of sources) {
      if (isAlias(source)) source = source.resolve(doc);
      if (isMap(source)) {
        const found = findPair(doc, source.items, key);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

interface Flat {
  path: Segment[];
  message: string;
  atKey: boolean;
}

function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/** A union branch that failed only because the value has another type altogether. */
function mismatched(branch: z.core.$ZodIssue[]): boolean {
  return branch.every(
    (iss) =>
      iss.path.length === 0 &&
      (iss.code === "invalid_type" ||
        (iss.code === "invalid_union" && iss.errors.length > 0 && iss.errors.every(mismatched))),
  );
}

function expectedTypes(issues: z.core.$ZodIssue[], out: Set<string>): Set<string> {
  for (const iss of issues) {
    if (iss.code === "invalid_type") out.add(expectedPhrase(iss.expected));
    else if (iss.code === "invalid_union") for (const b of iss.errors) expectedTypes(b, out);
  }
  return out;
}

/** Turns zod issues into one message per field: unions resolve to the branch the value was meant for. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: Segment[], data: unknown, out: Flat[]): void {
  for (const iss of issues) {
    const path = [...prefix, ...(iss.path as Segment[])];
    if (iss.code === "unrecognized_keys") {
      const lines = iss.message.split("\n");
      iss.keys.forEach((key, i) => {
        out.push({
          path: [...path, key],
          message: lines.length === iss.keys.length ? lines[i] : `unknown key "${key}"`,
          atKey: true,
        });
      });
    } else if (iss.code === "invalid_union" && iss.errors.length > 0) {
      const candidates = iss.errors.filter((b) => !mismatched(b));
      if (candidates.length > 0) {
        flatten(candidates[0], path, data, out);
      } else {
        const value = valueAt(data, path);
        const generic = iss.message === "Invalid input" || iss.message === "";
        const expected = [...expectedTypes([iss], new Set())].join(" or ");
        out.push({
          path,
          message:
            value === undefined ? "required" : generic ? `expected ${expected}, got ${describe(value)}` : iss.message,
          atKey: false,
        });
      }
    } else if (iss.code === "invalid_union") {
      const d = iss as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      const options = (d.options ?? []).map(String);
      const value = valueAt(data, path);
      const message =
        options.length === 0
          ? iss.message
          : value === undefined
            ? `required: one of ${options.join(", ")}`
            : `expected one of ${options.join(", ")}, got ${describe(value)}${typeof value === "string" ? didYouMean(value, options) : ""}`;
      out.push({ path, message, atKey: false });
    } else {
      out.push({ path, message: iss.message, atKey: false });
    }
  }
}

function problemAt(file: string, lines: LineCounter, offset: number, path: string, message: string): Problem {
  const { line, col } = lines.linePos(offset);
  return { file, line, col, path, message };
}

function fail(file: string, message: string, line = 0, col = 0): never {
  throw new ScenarioError([{ file, line, col, path: "", message }]);
}

/** A scenario file read as YAML, before validation: its document (for positions) and its plain data. */
export interface ScenarioYaml {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

/** Parses scenario YAML into plain data; throws a ScenarioError for anything that is not one YAML mapping. */
export function readScenarioYaml(text: string, file: string): ScenarioYaml {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const { line, col } = positionOf(text, nul);
    fail(file, "not a text file (it contains NUL bytes): expected scenario YAML", line, col);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) =>
        problemAt(
          file,
          lines,
          e.pos[0],
          "",
          e.code === "MULTIPLE_DOCS"
            ? "the file holds more than one YAML document (a second ---): a scenario is one document"
            : `YAML syntax error: ${e.message.split("\n")[0].replace(/:$/, "")}`,
        ),
      ),
    );
  }
  const tags = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  if (tags.length > 0)
    throw new ScenarioError(
      tags.map((w) =>
        problemAt(
          file,
          lines,
          w.pos[0],
          "",
          `YAML tag ${/!\S*/.exec(text.slice(w.pos[0], w.pos[1]))?.[0] ?? ""} is not known: a scenario uses plain YAML values, without tags`,
        ),
      ),
    );
  if (doc.contents === null)
    fail(file, "the file is empty: expected a scenario with at least name, horizon, arrivals and workers");
  if (!isMap(doc.contents)) {
    const what = isSeq(doc.contents)
      ? "a list"
      : isScalar(doc.contents)
        ? `the value ${describe(doc.contents.value)}`
        : "something else";
    const { line, col } = lines.linePos(doc.contents.range?.[0] ?? 0);
    fail(file, `expected a mapping of settings (name: …, horizon: …) at the top level, got ${what}`, line, col);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    const message = (e as Error).message;
    const alias = /alias.*: (\S+)$/.exec(message)?.[1];
    // an alias error points at the alias; a merge key's (`<<: 0`) at the first merge key; else the file's start
    const at = alias !== undefined ? text.indexOf(`*${alias}`) : /merge/i.test(message) ? text.indexOf("<<") : -1;
    const { line, col } = at < 0 ? { line: 1, col: 1 } : lines.linePos(at);
    fail(file, `YAML error: ${message}`, line, col);
  }
  return { file, doc, lines, data };
}

/** The position (1-based line and column) of the value, or with `atKey` the key, at `path` in the file. */
export function positionIn(yaml: ScenarioYaml, path: readonly Segment[], atKey = false): { line: number; col: number } {
  return yaml.lines.linePos(locate(yaml.doc, path, atKey));
}

/**
 * Validates plain scenario data. Problems are placed in `yaml`'s file by their path, or, where `place` gives
 * one for a path, there instead (a swept value comes from elsewhere than the path it is set at).
 */
export function validateScenarioData(
  data: unknown,
  yaml: ScenarioYaml,
  place?: (path: readonly Segment[]) => Omit<Problem, "message"> | undefined,
): Scenario {
  const result = scenarioSchema.safeParse(data, { error: errorMap });
  if (result.success) {
    const beyond = limitProblems(result.data);
    if (beyond.length === 0) return result.data;
    throw new ScenarioError(
      beyond.map((b) => {
        const placed = place?.(b.path);
        return placed === undefined
          ? problemAt(yaml.file, yaml.lines, locate(yaml.doc, b.path, false), formatPath(b.path), b.message)
          : { ...placed, message: b.message };
      }),
    );
  }
  const flat: Flat[] = [];
  flatten(result.error.issues, [], data, flat);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const f of flat) {
    const placed = place?.(f.path);
    const p =
      placed === undefined
        ? problemAt(yaml.file, yaml.lines, locate(yaml.doc, f.path, f.atKey), formatPath(f.path), f.message)
        : { ...placed, message: f.message };
    const key = formatProblem(p);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  throw new ScenarioError(problems);
}

/** Parses and validates scenario YAML; throws a ScenarioError listing every problem. */
export function parseScenario(text: string, file: string): Scenario {
  const yaml = readScenarioYaml(text, file);
  return validateScenarioData(yaml.data, yaml);
}

function positionOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

/** Reads, parses and validates a scenario file; every failure is a ScenarioError (exit code 2). */
export function loadScenarioFile(path: string): Scenario {
  return parseScenario(readScenarioText(path), path);
}

/** The file's text, or a ScenarioError saying in one line why it cannot be read. */
export function readScenarioText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readAtMost(path, MAX_SCENARIO_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, not a scenario file"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : `cannot read the file (${(e as Error).message})`;
    fail(path, reason);
  }
  if (bytes.length > MAX_SCENARIO_BYTES)
    fail(
      path,
      `larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB, the limit of a scenario file (read no further): is it the scenario?`,
    );
  const decoded = decodeUtf8(bytes);
  if (!("text" in decoded))
    fail(path, "not a text file (it is not valid UTF-8 here): expected scenario YAML", decoded.line, decoded.col);
  return decoded.text;
}

/** The first `limit` + 1 bytes of a file at most (an endless one, /dev/zero, is read no further). */
function readAtMost(path: string, limit: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.alloc(Math.min(limit + 1, Math.max(fstatSync(fd).size, 64 * 1024) + 1));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, limit + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 (hex) of the scenario text, to record which scenario a result came from. */
export function scenarioSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
