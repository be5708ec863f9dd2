// Reading a conformance result folder: the driver's log (driver.jsonl), the database's jobs and requests
// (jobs.csv, requests.csv, workers.csv, written by conformance/run.sh with psql) and the scenario it ran.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoggedEvent } from "./events.js";

export interface DbJob {
  id: string;
  wp: string;
  worker: string;
  /** Seconds from the run's start (the server's start_time, microseconds). */
  start: number;
  ttl: number;
  faulted: boolean;
  delivered: boolean;
}

export interface DbRequest {
  id: string;
  created: number;
  /** The driver's request number, from the prompt. */
  req: number | null;
  faulted: boolean;
}

export interface ConformanceResult {
  events: LoggedEvent[];
  epochMs: number;
  jobs: DbJob[];
  requests: DbRequest[];
  maintenance: Map<string, boolean>;
}

/** RFC 4180 rows (psql --csv): quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** Seconds from the run's start of a database timestamp (UTC without a zone, as PostgreSQL's `timestamp`). */
export function dbSeconds(text: string, epochMs: number): number {
  return (Date.parse(`${text}Z`) - epochMs) / 1000;
}

export function parseEvents(text: string, file: string): LoggedEvent[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l) as LoggedEvent;
      } catch {
        throw new Error(`${file}:${i + 1}:1: not a JSON event`);
      }
    });
}

export function readResult(dir: string): ConformanceResult {
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  const events = parseEvents(read("driver.jsonl"), join(dir, "driver.jsonl"));
  const start = events.find((e) => e.ev === "start");
  if (start === undefined || start.ev !== "start") throw new Error(`${join(dir, "driver.jsonl")}:1:1: no start event`);
  const epochMs = start.epoch_ms;
  const jobs = csvRecords(read("jobs.csv")).map((r) => ({
    id: r.id,
    wp: r.wp_id,
    worker: r.worker,
    start: dbSeconds(r.start_time, epochMs),
    ttl: Number(r.job_ttl),
    faulted: r.faulted === "t",
    delivered: r.delivered === "t",
  }));
  const requests = csvRecords(read("requests.csv")).map((r) => {
    const m = /conformance request (\d+)/.exec(r.prompt);
    return {
      id: r.id,
      created: dbSeconds(r.created, epochMs),
      req: m === null ? null : Number(m[1]),
      faulted: r.faulted === "t",
    };
  });
  const maintenance = new Map(csvRecords(read("workers.csv")).map((r) => [r.name, r.maintenance === "t"]));
  return { events, epochMs, jobs, requests, maintenance };
}
