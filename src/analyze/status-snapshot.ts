// Saved answers of the AI Horde's public status API, read for `hordesim calibrate --status`:
//
// - GET /api/v2/status/performance (horde/apis/v2/base.py: HordeLoad.get; the fields of
//   horde/apis/models/v2.py: response_model_horde_performance). The image figures:
//   queued_requests         count_totals (horde/database/functions.py): over the image requests with n > 0,
//                           not faulted, active: n × max(k, 1) + k, k = their jobs without a generation yet
//   queued_megapixelsteps   the same requests: one image's pixelsteps (w × h × accurate steps) × max(k, 1), / 1e6
//   past_minute_megapixelsteps  stats.get_things_per_min: MPS of the images delivered in the last 60 s
//   worker_count, thread_count  count_active_workers: image workers checked in within 300 s, their threads
//   and the text and interrogation figures (read when present, not used).
// - GET /api/v2/status/models (get_available_models): one entry per model, {name, count (threads of the
//   active workers serving it), performance, queued (pixelsteps of one image per waiting request, not / 1e6),
//   jobs (n + jobs in flight per request), eta, type: "image" | "text"}; text models are left out here.
//
// A file is refused with one message naming it, the line and column, and the field.
import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { childPath, JsonSyntaxError, lineCol, type ParsedJson, parseJsonWithPositions } from "../json-positions.js";

export interface PerformanceSnapshot {
  queued_requests: number;
  worker_count: number;
  thread_count: number;
  queued_megapixelsteps: number;
  past_minute_megapixelsteps: number;
}

export interface ModelStatus {
  name: string;
  /** Threads of the active workers that serve the model. */
  count: number;
  /** Pixelsteps (not megapixelsteps) of one image per waiting request. */
  queued: number;
  /** Images left plus jobs in flight of its requests. */
  jobs: number;
}

type Kind = "count" | "amount";

/** Fields read and used, with their kind: a count is a whole number ≥ 0, an amount any number ≥ 0. */
const PERFORMANCE_FIELDS: Record<keyof PerformanceSnapshot, Kind> = {
  queued_requests: "count",
  worker_count: "count",
  thread_count: "count",
  queued_megapixelsteps: "amount",
  past_minute_megapixelsteps: "amount",
};

/** Fields of the answer that are not used: checked when present (an older Horde lacks some). */
const OTHER_PERFORMANCE_FIELDS: Record<string, Kind> = {
  queued_text_requests: "count",
  text_worker_count: "count",
  text_thread_count: "count",
  queued_forms: "amount",
  interrogator_count: "count",
  interrogator_thread_count: "count",
  queued_tokens: "amount",
  past_minute_tokens: "amount",
};

const MODEL_FIELDS: Record<Exclude<keyof ModelStatus, "name">, Kind> = {
  count: "count",
  queued: "amount",
  jobs: "amount",
};
const OTHER_MODEL_FIELDS: Record<string, Kind> = { performance: "amount", eta: "count" };

/** Reads a file as JSON with positions; every problem from here on is one message naming file:line:col. */
class JsonFile {
  readonly parsed: ParsedJson;
  private readonly text: string;

  constructor(
    readonly file: string,
    readonly what: string,
  ) {
    try {
      this.text = readFileSync(file, "utf8");
    } catch (e) {
      throw new UserError(
        `${file}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    try {
      this.parsed = parseJsonWithPositions(this.text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      const { line, col } = lineCol(this.text, e.offset);
      throw new UserError(`${file}:${line}:${col}: not valid JSON: ${e.message}`);
    }
  }

  /** `line:col` of an offset in the file. */
  lineColOf(offset: number): string {
    const { line, col } = lineCol(this.text, offset);
    return `${line}:${col}`;
  }

  /** A problem with the value at `path` (or, when it is missing, with the object that should hold it). */
  problem(path: string, message: string, at = path): UserError {
    const offset = this.parsed.offsetOf(at) ?? 0;
    const { line, col } = lineCol(this.text, offset);
    return new UserError(`${this.file}:${line}:${col}: ${path === "" ? "" : `${path}: `}${message}`);
  }

  number(
    object: Record<string, unknown>,
    objectPath: string,
    key: string,
    kind: Kind,
    required: boolean,
  ): number | undefined {
    const path = childPath(objectPath, key);
    const v = object[key];
    const expected = kind === "count" ? "a whole number ≥ 0" : "a number ≥ 0";
    if (v === undefined) {
      if (!required) return undefined;
      throw this.problem(
        path,
        `missing (expected ${expected} ${this.what === "models snapshot" ? "in every model" : "here"})`,
        objectPath,
      );
    }
    if (typeof v !== "number") throw this.problem(path, `expected ${expected}, got ${describe(v)}`);
    if (v < 0) throw this.problem(path, `must not be negative, got ${v}`);
    if (kind === "count" && !Number.isInteger(v)) throw this.problem(path, `expected a whole number, got ${v}`);
    return v;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `file:line:col` of a top-level field of a snapshot that was read, or `file` when it cannot be placed. */
export function fieldPlace(file: string, field: string): string {
  try {
    const f = new JsonFile(file, "snapshot");
    const offset = f.parsed.offsetOf(childPath("", field));
    return offset === undefined ? file : `${file}:${f.lineColOf(offset)}`;
  } catch {
    return file;
  }
}

/** A saved answer of GET /api/v2/status/performance. */
export function readPerformanceSnapshot(file: string): PerformanceSnapshot {
  const f = new JsonFile(file, "performance snapshot");
  const root = f.parsed.value;
  if (!isObject(root)) {
    throw f.problem("", `expected the JSON object of GET /api/v2/status/performance, got ${describe(root)}`);
  }
  const out = {} as PerformanceSnapshot;
  for (const [key, kind] of Object.entries(PERFORMANCE_FIELDS) as [keyof PerformanceSnapshot, Kind][]) {
    out[key] = f.number(root, "", key, kind, true) as number;
  }
  for (const [key, kind] of Object.entries(OTHER_PERFORMANCE_FIELDS)) f.number(root, "", key, kind, false);
  if (out.thread_count < out.worker_count) {
    throw f.problem("thread_count", `must be at least worker_count (${out.worker_count}): every worker has a thread`);
  }
  return out;
}

/** A saved answer of GET /api/v2/status/models: its image models (text models are left out). */
export function readModelsSnapshot(file: string): ModelStatus[] {
  const f = new JsonFile(file, "models snapshot");
  const root = f.parsed.value;
  if (!Array.isArray(root)) {
    throw f.problem("", `expected the JSON array of GET /api/v2/status/models, got ${describe(root)}`);
  }
  const models: ModelStatus[] = [];
  const seen = new Set<string>();
  root.forEach((entry, i) => {
    const path = childPath("", i);
    if (!isObject(entry)) throw f.problem(path, `expected a model object, got ${describe(entry)}`);
    const type = entry.type;
    if (type !== "image" && type !== "text") {
      throw f.problem(
        type === undefined ? path : childPath(path, "type"),
        type === undefined
          ? 'missing type (expected "image" or "text")'
          : `expected "image" or "text", got ${describe(type)}`,
      );
    }
    const name = entry.name;
    if (typeof name !== "string" || name === "") {
      throw f.problem(
        childPath(path, "name"),
        name === undefined ? "missing (expected the model's name)" : `expected the model's name, got ${describe(name)}`,
        name === undefined ? path : childPath(path, "name"),
      );
    }
    const model = { name } as ModelStatus;
    for (const [key, kind] of Object.entries(MODEL_FIELDS) as [keyof typeof MODEL_FIELDS, Kind][]) {
      model[key] = f.number(entry, path, key, kind, true) as number;
    }
    for (const [key, kind] of Object.entries(OTHER_MODEL_FIELDS)) f.number(entry, path, key, kind, false);
    if (type === "text") return;
    if (seen.has(name)) throw f.problem(childPath(path, "name"), `model ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
    models.push(model);
  });
  if (models.length === 0) {
    throw f.problem(
      "",
      root.length === 0 ? "the model list is empty" : "no image model in the list (only text models)",
    );
  }
  if (!models.some((m) => m.jobs > 0))
    throw f.problem("", "no image model has jobs waiting: nothing to share the requests by");
  if (!models.some((m) => m.count > 0))
    throw f.problem("", "no image model has a worker thread (count): nothing serves them");
  return models;
}
