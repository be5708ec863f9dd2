// Reads a result folder (summary.json, the record tables in Parquet or CSV, scenario.yaml) into the digest the
// charts and the HTML report need. The tables are queried through DuckDB views (table-views.ts) and only what
// the charts use comes back, so a day-long run with millions of rows never sits in memory as objects: the
// latencies of completed requests (one number each), outcome counts, the baseline arm's requests that went
// wrong with their jobs, every replication (for the timeline), workers and queue samples.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import bindings from "@duckdb/node-bindings";
import { parse as parseYaml } from "yaml";
import type {
  AttemptEnd,
  AttemptRecord,
  QueueSample,
  RequestOutcome,
  RequestRecord,
  WorkerRecord,
} from "../horde/record-types.js";
import { ATTEMPTS, REQUESTS, SAMPLES, TABLES, type TableSpec, WENT_WRONG_SQL, WORKERS } from "./record-files.js";
import { UserError } from "../errors.js";
import { readJsonFile } from "./json-file.js";
import { sqlString } from "./sql.js";
import { normalizeSummary, type Summary } from "./summary-file.js";
import { duckdbProblem, FolderViews } from "./table-views.js";
import type { ModelWaits, WaitDigest } from "./wait-digest.js";

export interface ScenarioInfo {
  name: string;
  description: string;
  /** The text of scenario.yaml, or null when the folder has none. */
  yaml: string | null;
  /** The scenario's start_time (ISO text): simulated time 0 as a wall-clock time, when given. */
  startTime: string | null;
}

/**
 * What the timeline chooses from: the baseline arm's requests that did not complete or needed more jobs than
 * images (every request a failed job hit is among them), with all their jobs, in every replication; and the
 * stale aborts of each replication over all of the arm's jobs. A few dozen requests per replication, not all.
 */
export interface TimelineSource {
  policy: string;
  /** The arm's replications seen in requests.csv or attempts.csv, ascending. */
  replications: number[];
  /** Stale aborts per replication (key: the replication number), all of the arm's jobs. */
  staleAborts: Record<number, number>;
  requests: RequestRecord[];
  attempts: AttemptRecord[];
}

export interface OutcomeCounts {
  completed: number;
  faulted: number;
  expired: number;
  abandoned: number;
  open: number;
}

export interface ReportData {
  dir: string;
  summary: Summary;
  scenario: ScenarioInfo;
  /** Policy arms in the summary's order (the first is the baseline), then any others the CSV files name. */
  policies: string[];
  /** Latencies (s) of completed requests submitted after the warm-up, all replications, per policy. */
  latencies: Record<string, number[]>;
  /** Outcomes of requests submitted after the warm-up, all replications, per policy. */
  outcomes: Record<string, OutcomeCounts>;
  /** Replication numbers seen per policy, ascending. */
  replications: Record<string, number[]>;
  /** The baseline arm's requests that may have gone wrong, every replication: the request timeline's source. */
  timeline: TimelineSource | null;
  workers: WorkerRecord[];
  samples: QueueSample[];
  /** Wait (submit → first pop) and processing per arm and model, of completed requests after the warm-up. */
  waits: WaitDigest | null;
  /** Problems met while reading (missing files or columns), shown in the report. */
  notes: string[];
}

/** How DuckDB reports a table file it cannot read (a cut or corrupted Parquet file, a broken CSV). */
const DAMAGE = /^(IO|Invalid Input|Invalid|Conversion|Serialization|Corrupt\w*) Error|parquet|magic bytes|CSV/i;

/** The first way in which a summary.json is not a run's summary, as [field, problem], or null. */
function summaryShapeProblem(raw: unknown): [string, string] | null {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(raw)) return ["", "is not a JSON object"];
  if (!isObject(raw.scenario)) return ["scenario", "scenario is not an object"];
  if (!Array.isArray(raw.policies) || raw.policies.length === 0) return ["policies", "policies is not a list of arms"];
  const bad = raw.policies.findIndex((p) => !isObject(p) || typeof p.name !== "string");
  if (bad >= 0) return [`policies[${bad}]`, `policies[${bad}] is not an arm with a name`];
  return null;
}

/** Reads summary.json; a missing, damaged or misshapen one is a UserError naming it (and the place). */
async function readSummary(dir: string): Promise<Summary> {
  const path = join(dir, "summary.json");
  if (!existsSync(path)) throw new UserError(`${dir}: not a result folder (no summary.json)`);
  const file = readJsonFile(path);
  const problem = summaryShapeProblem(file.value);
  if (problem !== null)
    throw new UserError(`${file.at(problem[0])}: not the summary of a run: ${problem[1]}; the file is damaged`);
  return normalizeSummary(file.value);
}

async function readScenario(dir: string, summary: Summary, notes: string[]): Promise<ScenarioInfo> {
  const path = join(dir, "scenario.yaml");
  const info: ScenarioInfo = { name: summary.scenario.name, description: "", yaml: null, startTime: null };
  if (!existsSync(path)) {
    notes.push("scenario.yaml: missing");
    return info;
  }
  info.yaml = await readFile(path, "utf8");
  try {
    const doc = parseYaml(info.yaml) as unknown;
    if (doc !== null && typeof doc === "object") {
      const o = doc as Record<string, unknown>;
      if (typeof o.name === "string" && o.name !== "") info.name = o.name;
      if (typeof o.description === "string") info.description = o.description.trim();
      if (typeof o.start_time === "string") info.startTime = o.start_time;
      else if (o.start_time instanceof Date) info.startTime = o.start_time.toISOString();
    }
  } catch (e) {
    notes.push(`scenario.yaml: could not be parsed (${(e as Error).message.split("\n")[0]})`);
  }
  return info;
}

const OUTCOMES: ReadonlySet<string> = new Set<RequestOutcome>(["completed", "faulted", "expired", "abandoned", "open"]);
const ENDS: ReadonlySet<string> = new Set<AttemptEnd>([
  "completed",
  "stale_abort",
  "reported_fault",
  "late_discarded",
  "expired",
  "cancelled",
  "open",
]);

/** A query's rows as records of a table: NULL numbers as NaN, NULL text as "", NULL booleans as false. */
async function records<T>(views: FolderViews, spec: TableSpec<T>, sql: string): Promise<T[]> {
  const result = await views.connection.run(sql);
  const rows = await result.getRowObjectsJS();
  return rows.map((row) => {
    const rec: Record<string, unknown> = {};
    for (const { name, kind } of spec.columns) {
      const v = row[name];
      if (kind === "text") rec[name] = v === null || v === undefined ? "" : String(v);
      else if (kind === "bool") rec[name] = v === true;
      else rec[name] = v === null || v === undefined ? Number.NaN : Number(v);
    }
    return rec as T;
  });
}

/** One DOUBLE column of a query, read straight from DuckDB's vectors (rows with NULL left out by the query). */
async function doubles(views: FolderViews, sql: string): Promise<number[]> {
  const result = await views.connection.run(sql);
  const out: number[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const data = bindings.vector_get_data(bindings.data_chunk_get_vector(chunk.chunk, 0), n * 8);
    const values = new Float64Array(data.buffer, data.byteOffset, n);
    for (let i = 0; i < n; i++) out.push(values[i]);
  }
  return out;
}

async function pairs(views: FolderViews, sql: string): Promise<unknown[][]> {
  return (await views.connection.run(sql)).getRowsJS();
}

/** Reads a result folder into the report's digest. */
export async function readResultFolder(dir: string): Promise<ReportData> {
  const notes: string[] = [];
  const summary = await readSummary(dir);
  const scenario = await readScenario(dir, summary, notes);
  const policies = summary.policies.map((p) => p.name);
  const views = await FolderViews.open(dir);
  try {
    const damaged = views.unreadable[0];
    if (damaged !== undefined)
      throw new UserError(`${join(dir, damaged.file)}: cannot be read (${damaged.problem}): the table is damaged`);
    // the users table is written only with --records all: its absence beside the requests table is the default
    const expected = (note: string) => note.startsWith("users: missing") && views.has("requests");
    notes.push(...views.notes.filter((note) => !expected(note)));
    try {
      return await readTables(dir, views, summary, scenario, policies, notes);
    } catch (err) {
      // DuckDB met the damage only while reading the rows: the file it names, or else every table it read
      const first = duckdbProblem(err);
      if (err instanceof UserError || !DAMAGE.test(first)) throw err;
      const named = views.tables.find((t) => first.includes(t.file));
      const where = named === undefined ? views.tables.map((t) => join(dir, t.file)).join(", ") : join(dir, named.file);
      throw new UserError(`${where}: cannot be read (${first}): the table is damaged`);
    }
  } finally {
    views.close();
  }
}

async function readTables(
  dir: string,
  views: FolderViews,
  summary: Summary,
  scenario: ScenarioInfo,
  policies: string[],
  notes: string[],
): Promise<ReportData> {
  // policies the tables name that the summary does not, in the order they first appear
  for (const name of TABLES.map((t) => t.name).filter((t) => views.has(t))) {
    const distinct = await pairs(views, `SELECT DISTINCT policy FROM ${name}`);
    if (distinct.every(([p]) => policies.includes(String(p)))) continue;
    const seen = await pairs(
      views,
      `SELECT policy FROM (SELECT policy, row_number() OVER () AS n FROM ${name}) GROUP BY policy ORDER BY min(n)`,
    );
    for (const [p] of seen) if (!policies.includes(String(p))) policies.push(String(p));
  }
  const baseline: string | null = policies[0] ?? null;

  const latencies: Record<string, number[]> = {};
  const outcomes: Record<string, OutcomeCounts> = {};
  const replications: Record<string, number[]> = {};
  let timeline: ReportData["timeline"] = null;

  if (views.has("requests")) {
    const file = views.tables.find((t) => t.name === "requests")?.file;
    for (const [p, rep] of await pairs(
      views,
      "SELECT DISTINCT policy, replication FROM requests WHERE replication IS NOT NULL ORDER BY ALL",
    )) {
      const policy = String(p);
      replications[policy] ??= [];
      replications[policy].push(Number(rep));
      outcomes[policy] ??= { completed: 0, faulted: 0, expired: 0, abandoned: 0, open: 0 };
      latencies[policy] ??= [];
    }
    const bad = new Set<string>();
    for (const [p, outcome, n] of await pairs(
      views,
      "SELECT policy, outcome, count(*) FROM requests WHERE NOT warmup GROUP BY ALL ORDER BY ALL",
    )) {
      const policy = String(p);
      outcomes[policy] ??= { completed: 0, faulted: 0, expired: 0, abandoned: 0, open: 0 };
      latencies[policy] ??= [];
      if (OUTCOMES.has(String(outcome))) outcomes[policy][outcome as RequestOutcome] += Number(n);
      else bad.add(String(outcome));
    }
    if (bad.size > 0) notes.push(`${file}: unknown outcome(s) ${[...bad].join(", ")} ignored`);
    for (const policy of Object.keys(latencies)) {
      latencies[policy] = await doubles(
        views,
        `SELECT latency_s FROM requests WHERE policy = ${sqlString(policy)} AND NOT warmup AND outcome = 'completed' AND isfinite(latency_s)`,
      );
    }
  }

  if (baseline !== null && (views.has("requests") || views.has("attempts"))) {
    const b = sqlString(baseline);
    const wrong = `SELECT * FROM requests WHERE policy = ${b} AND (${WENT_WRONG_SQL})`;
    const requests = views.has("requests")
      ? await records(views, REQUESTS, `${wrong} ORDER BY replication, request_id`)
      : [];
    const reps = new Set<number>();
    for (const t of ["requests", "attempts"] as const) {
      if (!views.has(t)) continue;
      for (const [r] of await pairs(
        views,
        `SELECT DISTINCT replication FROM ${t} WHERE policy = ${b} AND replication IS NOT NULL`,
      ))
        reps.add(Number(r));
    }
    const staleAborts: Record<number, number> = {};
    let attempts: AttemptRecord[] = [];
    if (views.has("attempts")) {
      for (const [r, n] of await pairs(
        views,
        `SELECT replication, count(*) FROM attempts WHERE policy = ${b} AND "end" = 'stale_abort' GROUP BY 1`,
      ))
        staleAborts[Number(r)] = Number(n);
      const ends = await pairs(views, `SELECT DISTINCT "end" FROM attempts WHERE policy = ${b} ORDER BY 1`);
      const bad = ends.map(([e]) => String(e)).filter((e) => !ENDS.has(e));
      const file = views.tables.find((t) => t.name === "attempts")?.file;
      if (bad.length > 0) notes.push(`${file}: unknown end(s) ${bad.join(", ")}`);
      if (views.has("requests"))
        attempts = await records(
          views,
          ATTEMPTS,
          `SELECT a.* FROM attempts a WHERE a.policy = ${b} AND (a.replication, a.request_id) IN (SELECT (replication, request_id) FROM (${wrong})) ORDER BY a.replication, a.request_id, a.job_id`,
        );
    }
    if (reps.size > 0)
      timeline = {
        policy: baseline,
        replications: [...reps].filter(Number.isFinite).sort((x, y) => x - y),
        staleAborts,
        requests,
        attempts,
      };
  }

  const workers = views.has("workers") ? await records(views, WORKERS, "SELECT * FROM workers") : [];
  const samples = views.has("samples") ? await records(views, SAMPLES, "SELECT * FROM samples") : [];
  const waits = await readWaits(views, notes);
  return {
    dir,
    summary,
    scenario,
    policies,
    latencies,
    outcomes,
    replications,
    timeline,
    workers,
    samples,
    waits,
    notes,
  };
}

/**
 * Per arm and model, where the completed requests' time went, split at the first pop: from the requests'
 * first_pop_s, or for a folder written before that column existed, from the earliest pop of each request's jobs.
 */
async function readWaits(views: FolderViews, notes: string[]): Promise<WaitDigest | null> {
  if (!views.has("requests")) return null;
  const [[direct]] = await pairs(views, "SELECT coalesce(bool_or(first_pop_s IS NOT NULL), false) FROM requests");
  if (direct !== true && !views.has("attempts")) return null;
  const pop =
    direct === true
      ? "SELECT policy, model, submitted_s AS s, done_s AS d, first_pop_s AS pop FROM requests WHERE NOT warmup AND outcome = 'completed'"
      : `SELECT r.policy, r.model, r.submitted_s AS s, r.done_s AS d, f.pop FROM requests r LEFT JOIN
           (SELECT policy, replication, request_id, min(popped_s) AS pop FROM attempts GROUP BY ALL) f
           USING (policy, replication, request_id) WHERE NOT r.warmup AND r.outcome = 'completed'`;
  const rows = await pairs(
    views,
    `WITH c AS (${pop}) SELECT policy, model, count(pop), avg(pop - s), avg(d - pop), quantile_cont(pop - s, 0.5),
       quantile_cont(pop - s, 0.9), quantile_cont(pop - s, 0.99), count(*) - count(pop)
     FROM c GROUP BY policy, model ORDER BY policy, model`,
  );
  const byPolicy: Record<string, ModelWaits[]> = {};
  let unmatched = 0;
  for (const [policy, model, n, wait, processing, p50, p90, p99, missing] of rows) {
    unmatched += Number(missing);
    if (Number(n) === 0) continue;
    const arm = String(policy);
    byPolicy[arm] = byPolicy[arm] ?? [];
    byPolicy[arm].push({
      model: String(model ?? ""),
      n: Number(n),
      wait_mean_s: Number(wait),
      processing_mean_s: Number(processing),
      wait_p50_s: Number(p50),
      wait_p90_s: Number(p90),
      wait_p99_s: Number(p99),
    });
  }
  if (Object.keys(byPolicy).length === 0) return null;
  if (unmatched > 0) notes.push(`attempts: no job found for ${unmatched} completed request(s): left out of the waits`);
  return { source: direct === true ? "requests first_pop_s" : "attempts popped_s", byPolicy, unmatched };
}
